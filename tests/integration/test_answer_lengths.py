"""Short by default (issue 12): over the 200 answers of `benchmarks/bench_answers.py` — 40 questions
written from the plan, asked by heads, an officer, the coordinator and a leader on five dates of 2022 —
the median answer is ≤ 400 characters, p95 ≤ 900 and none over 1,500 (longer content pages)."""

from __future__ import annotations

from benchmarks.bench_answers import DATES, PEOPLE, QUESTIONS, build, collect, figures


async def test_answers_fit_a_phone(tmp_path, monkeypatch):
    from presentation import charts

    def no_drawing(path, **_figures):  # the texts are measured here; drawing is tests/e2e/test_charts.py's
        path.write_bytes(b"\x89PNG")
        return path

    monkeypatch.setattr(charts, "render_progress_chart", no_drawing)
    app, router = await build(tmp_path)
    try:
        answers = await collect(app, router)
    finally:
        await app.close()
    assert len(answers) == len(QUESTIONS) * len(DATES) >= 100
    assert {role for _, _, role in PEOPLE} == {"head", "officer", "coordinator", "leader"}
    median, p95, longest = figures(answers)
    too_long = sorted(((a.length, a.question, str(a.day)) for a in answers if a.length > 1500), reverse=True)
    assert too_long == []
    assert median <= 400, median
    assert p95 <= 900, p95
    assert longest <= 1500
