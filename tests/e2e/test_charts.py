"""Progress charts: a valid PNG of sensible size, drawn with no display, and `/tiendo` through the
router — text and chart — with the rule that a head sees their own unit and the department total."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conversation.router import Router
from presentation.charts import render_progress_chart
from services.progress_counts import tally_leads
from tests.conversation_kit import registered
from tests.coordinator_kit import at, person, set_status

NOW = at(8, 15, 9)
ROOT = Path(__file__).resolve().parents[2]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG header; fails on anything that is not a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert data[-8:-4] == b"IEND"
    return width, height


def sensible(width: int, height: int, size: int) -> bool:
    """Readable on a phone, within Telegram's photo limits (sides ≤ 10,000 px in sum, ratio ≤ 20)."""
    return 700 <= width <= 2000 and 400 <= height <= 3000 and width + height <= 10_000 and size < 1_000_000


@pytest.fixture
def app(plan_app):
    return plan_app


def test_chart_is_drawn_without_a_display_and_without_pyplot(tmp_path):
    """In a fresh interpreter with no DISPLAY and no MPLBACKEND: a server's situation."""
    script = (
        "import sys\n"
        "from collections import Counter\n"
        "from pathlib import Path\n"
        "from presentation.charts import render_progress_chart\n"
        "c = Counter(done=3, in_progress=2, blocked=1, not_started=9, overdue=4, total=15)\n"
        f"render_progress_chart(Path({str(tmp_path / 'c.png')!r}), title='Tiến độ — toàn Sở',\n"
        "    by_unit=[('Văn phòng Sở', c), ('Thanh tra Sở', Counter(total=3, not_started=3))],\n"
        "    by_area=[('I. Công tác chỉ đạo, điều hành', c)])\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
        "import matplotlib\n"
        "print(matplotlib.get_backend())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    data = (tmp_path / "c.png").read_bytes()
    width, height = png_size(data)
    assert sensible(width, height, len(data)), (width, height, len(data))


async def test_chart_of_the_seed_plan(app, tmp_path):
    head = await person(app, "van-phong", "head", "Nguyễn Văn A")
    for task, status in ((3, "done"), (8, "done"), (17, "in_progress"), (7, "blocked")):
        await set_status(app, head, task, status, at(8, 1))
    leads = await app.queries.leads()
    by_unit, by_section, total = tally_leads(leads, NOW.date(), app.workdays)
    progress = await app.queries.progress(None, NOW.date())
    assert total == progress["*"] and by_unit == {u: c for u, c in progress.items() if u != "*"}
    assert sum(c["total"] for c in by_section.values()) == total["total"] and set(by_section) == set(range(1, 8))
    path = render_progress_chart(
        tmp_path / "seed.png", title="Tiến độ Kế hoạch CCHC năm 2022 — toàn Sở",
        by_unit=[(app.units.name(u), c) for u, c in by_unit.items()],
        by_area=[(str(n), c) for n, c in sorted(by_section.items())],
    )
    data = path.read_bytes()
    width, height = png_size(data)
    assert sensible(width, height, len(data)), (width, height, len(data))
    assert height > 800  # nine unit bars and seven areas, each readable


def test_empty_counts_still_draw(tmp_path):
    path = render_progress_chart(tmp_path / "empty.png", title="Tiến độ", by_unit=[("Văn phòng Sở", Counter())],
                                 by_area=[])
    png_size(path.read_bytes())


async def test_tiendo_for_a_coordinator_sends_text_and_chart(app):
    router = Router(app)
    coord = await registered(app, router, "c1", "van-phong", role="coordinator")
    head = await registered(app, router, "h1", "van-phong")
    await head.say("xong nhiệm vụ 3")
    replies = await coord.say("/tiendo")
    text, chart = replies
    assert "Tiến độ toàn Sở" in text.text and "• Thanh tra Sở: 0/" in text.text  # one short line per unit
    assert "Theo lĩnh vực: I " in text.text and " · VII " in text.text  # the areas' titles are on the chart
    assert "✅ 1/" in text.text and "phần việc xong" in text.text and "0 đang làm" not in text.text
    assert chart.file is not None and chart.file.as_photo and chart.file.mime_type == "image/png"
    assert "toàn Sở" in chart.file.caption
    data = chart.file.path.read_bytes()
    assert sensible(*png_size(data), len(data))


async def test_a_head_sees_own_unit_and_the_total_only(app):
    router = Router(app)
    head = await registered(app, router, "h2", "qltm")
    text, chart = await head.say("tiến độ của thanh tra")
    assert "Phòng Quản lý Thương mại" in text.text and "do Văn phòng Sở theo dõi" in text.text
    assert "**Tiến độ của Phòng Quản lý Thương mại**" in text.text and "Toàn Sở:" in text.text
    assert "Thanh tra Sở:" not in text.text  # no other unit's line
    assert chart.file is not None and "Phòng Quản lý Thương mại" in chart.file.caption
    text, _ = await head.say("tiến độ toàn Sở")
    assert "Thanh tra Sở:" not in text.text and text.text.startswith("**Tiến độ của Phòng Quản lý Thương mại**")
    leader = await registered(app, router, "l1", "lanh-dao-so", role="leader")
    text, _ = await leader.say("tiến độ của thanh tra")
    assert "**Tiến độ của Thanh tra Sở**" in text.text and "theo dõi" not in text.text


def test_identical_figures_reuse_the_drawn_chart(tmp_path, monkeypatch):
    import presentation.charts as charts

    drawn: list[Path] = []
    real = charts.render_progress_chart
    monkeypatch.setattr(charts, "render_progress_chart", lambda path, **kw: drawn.append(path) or real(path, **kw))
    rows = [("Văn phòng Sở", Counter(done=2, total=5))]
    first = charts.cached_progress_chart(tmp_path, title="T", by_unit=rows, by_area=rows)
    again = charts.cached_progress_chart(tmp_path, title="T", by_unit=rows, by_area=rows)
    other = charts.cached_progress_chart(tmp_path, title="T", by_unit=[("Văn phòng Sở", Counter(done=3, total=5))], by_area=rows)
    assert first == again != other
    assert len(drawn) == 2 and first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob("*.tmp"))
