"""The report draft states the projection's numbers and nothing else (docs/contracts.md §5, §7): for random
histories of updates — whole shares, single milestones, blocked, percentages, early and late, some after the
cut-off — and each report period, the draft's counts, its per-area statistics, its overdue list (III.2), its
blockers and its carry-forward (IV) are the projection's at the period's cut-off. Pure: no database."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.settings import DEFAULTS
from domain.projection import PlanMilestone, PlanShare, RecordedUpdate, count_shares, project
from domain.report_period import report_period
from domain.reporting import ReportingCalendar
from domain.shares import Status
from domain.workdays import WorkingCalendar
from presentation.report_words import REPORT_WORDS
from services.report_build import Blocked, PlanFacts, SectionFacts, build

D = dt.date
YEAR = 2022
CAL = WorkingCalendar(days_off={D(2022, 9, 2): "Quốc khánh"})
CALENDAR = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")
UNITS = ("van-phong", "thanh-tra", "qlcn")
PERIODS = ("Q1", "Q2", "H1", "Q3", "Y")


def _plan() -> tuple[list[PlanShare], PlanFacts]:
    """Fourteen tasks over the seven areas, each led by one or two units, with dated, year-round and
    before-the-plan milestones — the shapes of the real plan."""
    shares: list[PlanShare] = []
    mid = 0
    for task in range(1, 15):
        section = (task - 1) // 2 + 1
        dues = [D(YEAR, 3, 31), D(YEAR, 9, 18), D(2021, 12, 31), D(YEAR, 12, 20), D(YEAR, 6, 30)]
        milestones = []
        for pos in range(task % 3 + 1):
            mid += 1
            kind = "year_round" if pos == 2 else "date"
            due = D(YEAR, 12, 31) if kind == "year_round" else dues[(task + pos) % len(dues)]
            milestones.append(PlanMilestone(mid, f"Mốc {pos + 1}", kind, due, pos))
        for k, unit in enumerate(UNITS[: 1 + task % 2]):
            shares.append(PlanShare(task * 10 + k, task, unit, task, tuple(milestones), section, 0))
    facts = PlanFacts(
        YEAR, "Kế hoạch thử", "Sở Thử", None, None,
        tuple(SectionFacts(n, "IVXLCDM"[0] * n, f"Lĩnh vực {n}") for n in range(1, 8)),
        {t: f"Nhiệm vụ {t}" for t in range(1, 15)}, {},
    )
    return shares, facts


SHARES, FACTS = _plan()
MILESTONES = {s.lead_id: [m.id for m in s.milestones if m.kind == "date"] for s in SHARES}

update = st.builds(
    lambda share, status, percent, day, pick: (share, status, percent, day, pick),
    st.sampled_from(SHARES),
    st.sampled_from(["done", "in_progress", "blocked", "not_started", "done"]),
    st.none() | st.integers(0, 100),
    st.dates(D(YEAR - 1, 12, 1), D(YEAR + 1, 1, 31)),
    st.none() | st.integers(0, 5),
)


def _history(raw: list[tuple[PlanShare, str, int | None, dt.date, int | None]]) -> list[RecordedUpdate]:
    out = []
    for share, status, percent, day, pick in sorted(raw, key=lambda r: r[3]):
        ids = MILESTONES[share.lead_id]
        milestone = ids[pick % len(ids)] if status == "done" and pick is not None and len(ids) > 1 else None
        out.append(RecordedUpdate(share.lead_id, status, percent if status == "in_progress" else None, day, milestone))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
          print_blob=True)
@given(st.lists(update, max_size=40), st.sampled_from(PERIODS), st.sampled_from([None, *UNITS]))
def test_the_draft_states_the_projections_numbers(raw, period, unit):
    history = _history(raw)
    rp = report_period(CALENDAR, period, YEAR)
    projection = project(SHARES, history, rp.cutoff, CAL, plan_year=YEAR)
    notes = {u.lead_id: Blocked("chờ hướng dẫn", u.day) for u in history if u.status == "blocked" and u.day <= rp.cutoff}
    draft = build(rp, FACTS, projection, notes=notes, evidence=[], targets=[], unit_name=str,
                  unit_order={u: i for i, u in enumerate(UNITS)}, words=REPORT_WORDS, unit_id=unit)
    mine = [s for s in projection.shares if unit is None or s.unit_id == unit]

    assert draft.counts == projection.counts(unit)
    tasks = {s.task for s in mine}
    assert (draft.tasks_done, draft.tasks_total) == (
        sum(all(s.status is Status.DONE for s in mine if s.task == t) for t in tasks), len(tasks))
    assert [row.counts for row in draft.stats] == [count_shares(s for s in mine if s.section == n) for n in range(1, 8)]
    # III.2: exactly the overdue shares, each under its overdue milestone
    listed = {(o.task, u.unit) for o in draft.overdue for u in o.units}
    assert listed == {(s.task, s.unit_id) for s in mine if s.overdue}
    assert all(o.due is not None and o.due < rp.cutoff for o in draft.overdue)
    # III.2 / V: every blocked share, and only those
    assert sorted((b.task, b.unit_id) for b in draft.blockers) == sorted(
        (s.task, s.unit_id) for s in mine if s.status is Status.BLOCKED)
    # II: what was completed in the period, from the projection's completion days
    done = {(d.task, d.unit_id) for p in [draft.direction, *draft.areas] if p for d in p.done if not d.milestone}
    assert done == {(s.task, s.unit_id) for s in mine
                    if s.status is Status.DONE and s.done_on and rp.start <= s.done_on <= rp.cutoff}
    # IV: open milestones due after the cut-off up to the end of the next period, none of them done
    assert all(d.due is not None and rp.cutoff < d.due <= rp.next_end for d in draft.due_next)
    carried = {(d.task, u.unit) for d in draft.due_next for u in d.units}
    expected = {(s.task, s.unit_id) for s in mine if s.open for m in s.milestones
                if not m.done and m.kind == "date" and not m.before_plan and m.effective_due
                and rp.cutoff < m.effective_due <= rp.next_end}
    assert carried == expected
