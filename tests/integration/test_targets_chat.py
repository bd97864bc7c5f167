"""Targets by chat (issue 13): figures reported in plain Vietnamese, confirmation when the target was only
guessed, history and audit trail, goal vs latest figure, what coordinators still miss, re-import — and the
report draft asked for in chat. The clock stands at 15/08/2022 (period Q3)."""

from __future__ import annotations

import docx
import pytest

from conversation.nlu import Understander
from conversation.router import Router
from services.report_files import DOCX_MIME
from tests.conftest import SEED
from tests.conversation_kit import registered
from tests.coordinator_kit import at, person, set_status


@pytest.fixture
def app(plan_app):
    return plan_app


@pytest.fixture
def router(app):
    return Router(app)


async def figures(app, code: str):
    _, targets = await app.targets.targets()
    target = next(t for t in targets if t.code == code)
    return await app.targets.history(target.id)


async def test_exact_target_is_written_at_once_with_its_audit_trail(app, router):
    head = await registered(app, router, "h1", "van-phong")
    reply = await head.text("chỉ tiêu ký số quý 3 đạt 97%")
    assert "Đã ghi nhận chỉ tiêu **7.1**" in reply and "97%" in reply and "chưa đạt" in reply
    [fig] = await figures(app, "7.1")
    assert (fig.period, fig.value, fig.unit_id, fig.channel) == ("Q3", 97.0, "van-phong", "test")
    assert fig.text == "chỉ tiêu ký số quý 3 đạt 97%" and fig.at.date().isoformat() == "2022-08-15"
    # a second figure for the period is history: the reply shows the one it replaces
    reply = await head.text("chỉ tiêu 7.1 quý 3 đạt 100%")
    assert "100%" in reply and "✅ đạt" in reply and "Số liệu trước đó: 97%" in reply
    assert [f.value for f in await figures(app, "7.1")] == [97.0, 100.0]


async def test_fraction_becomes_a_percentage(app, router):
    coord = await registered(app, router, "c1", "van-phong", role="coordinator")
    reply = await coord.text("đã kiểm tra 4/7 phòng")
    assert "chỉ tiêu **1.2**" in reply and "57% (4/7)" in reply and "chưa đạt" in reply
    [fig] = await figures(app, "1.2")
    assert (fig.value, fig.numerator, fig.denominator, fig.period) == (57.0, 4, 7, "Q3")


async def test_approximate_match_is_confirmed_before_writing(app, router):
    head = await registered(app, router, "h1", "van-phong")
    replies = await head.say("tỷ lệ hồ sơ trực tuyến 6 tháng: 41,5%")
    assert "41,5%" in replies[0].text and "6 tháng" in replies[0].text and "**3.6**" in replies[0].text
    data = [b.data for row in replies[0].buttons for b in row]
    assert data[0] == "cf:yes" and data[-1] == "cf:no" and any(d.startswith("tg:") for d in data)
    assert await figures(app, "3.6") == []  # nothing written before the answer
    assert "Đã ghi nhận chỉ tiêu **3.6**" in await head.text("có")
    [fig] = await figures(app, "3.6")
    assert (fig.value, fig.period) == (41.5, "H1")

    # «không»: nothing written
    await head.say("tỷ lệ hồ sơ trực tuyến quý 3: 45%")
    assert "không có gì thay đổi" in await head.text("không")
    assert len(await figures(app, "3.6")) == 1

    # choosing another target among the buttons writes that one
    replies = await head.say("tỷ lệ hồ sơ trực tuyến quý 3: 45%")
    other = next(b for row in replies[0].buttons for b in row if b.data.startswith("tg:"))
    code = other.text.split()[2].rstrip(":")
    reply = "\n".join(r.text for r in await head.press(other.data))
    assert f"chỉ tiêu **{code}**" in reply
    assert [f.value for f in await figures(app, code)] == [45.0]


@pytest.mark.parametrize(
    ("role", "text", "expected"),
    [
        ("leader", "chỉ tiêu ký số quý 3 đạt 97%", "chỉ xem"),
        ("officer", "chỉ tiêu ký số quý 3 đạt 97%", "chỉ xem"),
        ("head", "đã kiểm tra 8/7 phòng", "không hợp lệ"),
        ("head", "chỉ tiêu abcxyz đạt 50%", "chưa nhận ra"),
    ],
)
async def test_refused_figures_change_nothing(app, router, role, text, expected):
    unit = "lanh-dao-so" if role == "leader" else "van-phong"
    user = await registered(app, router, f"u-{role}", unit, role=role)
    reply = await user.text(text)
    assert expected in reply
    _, _, rows = await app.targets.status(today=app.clock.now().date())
    assert all(r.figure is None for r in rows)


async def test_goal_vs_latest_figure_and_what_is_missing(app, router):
    head = await registered(app, router, "h1", "van-phong")
    coord = await registered(app, router, "c1", "van-phong", role="coordinator")
    await head.say("chỉ tiêu ký số quý 3 đạt 97%")
    await coord.say("chỉ tiêu 7.2 quý 3 đạt 100%")
    reply = await head.text("chỉ tiêu lĩnh vực 7 đạt chưa")
    lines = reply.splitlines()
    line71 = next(line for line in lines if "**7.1**" in line)
    line72 = next(line for line in lines if "**7.2**" in line)
    line74 = next(line for line in lines if "**7.4**" in line)
    assert "mục tiêu 100%" in line71 and "97%" in line71 and "chưa đạt" in line71
    # the plan's full wording, not a few words of it
    assert "100% văn bản hành chính (trừ văn bản mật) được ký số và lưu chuyển dưới dạng điện tử" in line71
    assert "✅ đạt" in line72 and "chưa có số liệu" in line74
    assert not any("**3.6**" in line for line in lines)  # only area 7
    assert "Chưa có số liệu" not in reply  # heads do not get the chase list

    overview = await coord.text("chỉ tiêu")
    line = next(line for line in overview.splitlines() if "Chưa có số liệu" in line)
    missing = line.split("): ")[1].rstrip(".").split(", ")
    assert "1.2" in missing and "7.4" in missing and "7.1" not in missing and "7.2" not in missing
    assert "1.1" not in missing  # qualitative: nothing to measure
    period, chase = await app.targets.missing(today=app.clock.now().date())
    assert period == "Q3" and [t.code for t in chase] == missing


async def test_reimport_keeps_reported_figures(app, router):
    head = await registered(app, router, "h1", "van-phong")
    await head.say("chỉ tiêu ký số quý 3 đạt 97%")
    _, before = await app.targets.targets()
    await app.plans.import_plan(SEED)
    _, after = await app.targets.targets()
    assert [(t.id, t.code, t.goal) for t in before] == [(t.id, t.code, t.goal) for t in after]
    assert [f.value for f in await figures(app, "7.1")] == [97.0]


async def test_targets_parsed_from_the_plan(app):
    _, targets = await app.targets.targets()
    by_code = {t.code: t for t in targets}
    assert (by_code["1.2"].goal, by_code["1.2"].direction) == (60.0, "ge")  # «ít nhất 60%»
    assert (by_code["3.6"].goal, by_code["3.6"].direction) == (30.0, "gt")  # «đạt trên 30%»
    assert (by_code["3.11"].goal, by_code["3.11"].direction) == (85.0, "ge")  # «tối thiểu 85%»
    assert by_code["1.1"].goal is None and by_code["7.3"].goal is None  # qualitative
    assert "ký số" in by_code["7.1"].text and by_code["7.1"].short_name.startswith("Văn bản hành chính")
    # a bullet with two measures («…; trong đó, tỷ lệ giao dịch … từ 30% trở lên») gives two targets
    assert by_code["3.7"].goal == 80.0 and by_code["3.8"].goal == 30.0
    assert by_code["3.8"].text.startswith("Tối thiểu 80% TTHC") and "; trong đó, tỷ lệ giao dịch" in by_code["3.8"].text
    assert {t.section for t in targets} == set(range(1, 8))


async def test_report_draft_in_chat(app, router):
    vp = await person(app, "van-phong", "head", "Nguyễn Văn A")
    await set_status(app, vp, 3, "done", at(8, 10))
    await set_status(app, vp, 7, "blocked", at(8, 11), note="chờ hướng dẫn của Sở Nội vụ")
    tt = await person(app, "thanh-tra", "head", "Lê Thị C")
    await set_status(app, tt, 4, "done", at(7, 20))

    coord = await registered(app, router, "c1", "van-phong", role="coordinator")
    for text in ("soạn báo cáo CCHC quý 3", "/baocao_cchc q3"):
        replies = await coord.say(text)
        files = [r.file for r in replies if r.file is not None]
        assert len(files) == 1 and files[0].mime_type == DOCX_MIME, [r.text for r in replies]
        assert all(r.private_only for r in replies)
        assert "Quý III năm 2022" in replies[0].text
        lines = [p.text for p in docx.Document(str(files[0].path)).paragraphs]
        assert any("Nhiệm vụ 4 «" in line and "Thanh tra Sở" in line for line in lines)

    head = await registered(app, router, "h2", "thanh-tra")
    replies = await head.say("soạn báo cáo cchc quý 3")
    assert all(r.file is None for r in replies) and replies[0].private_only
    summary = replies[0].text
    assert "Thanh tra Sở" in summary and "NV 4" in summary
    assert "NV 3" not in summary and "chờ hướng dẫn" not in summary  # another unit's detail


async def test_report_and_figure_phrases_are_understood(app):
    understander = Understander(app.units, None)
    today = app.clock.now().date()
    cases = {
        "soạn báo cáo CCHC quý 3": ("report_draft", "Q3"),
        "/baocao_cchc q3": ("report_draft", "Q3"),
        "soan du thao bao cao nam": ("report_draft", "Y"),
        "chi tieu ky so q3 dat 97%": ("target_figure", "Q3"),
        "tỷ lệ hồ sơ trực tuyến 6 tháng: 41,5%": ("target_figure", "H1"),
        "đã kiểm tra 4/7 phòng": ("target_figure", None),
        "chỉ tiêu lĩnh vực 7 đạt chưa": ("targets", None),
        "khi nào nộp báo cáo CCHC quý 3": ("report_schedule", "Q3"),
        "nv 17 đang làm 60%": ("update_status", None),
    }
    for text, (intent, report) in cases.items():
        result = understander.parse(text, today)
        assert (result.intent, result.report) == (intent, report), text
    assert understander.parse("tỷ lệ hồ sơ trực tuyến 6 tháng: 41,5%", today).figure["value"] == 41.5


async def test_one_target_shows_its_history(app, router):
    head = await registered(app, router, "h1", "van-phong")
    coord = await registered(app, router, "c1", "van-phong", role="coordinator")
    await head.say("chỉ tiêu ký số quý 3 đạt 97%")
    await coord.say("chỉ tiêu 7.1 6 tháng đạt 95%")
    reply = await head.text("chỉ tiêu 7.1")
    assert "**Chỉ tiêu 7.1**" in reply and "ký số" in reply and "Mục tiêu: 100%" in reply
    history = [line for line in reply.splitlines() if line.startswith("• ")]
    assert len(history) == 2 and "Quý III: 97%" in history[0] and "6 tháng đầu năm: 95%" in history[1]
    assert "15/08/2022" in history[0]


async def test_targets_of_a_plan_imported_before_they_existed_are_derived_once(app):
    """A database upgraded to 0004 has plans but no targets: the first use derives them from the plan."""
    from sqlalchemy import delete, func, select

    from storage.models import Target

    async with app.sessions() as session, session.begin():
        await session.execute(delete(Target))
    _, targets = await app.targets.targets()
    assert len(targets) == 25 and targets[0].code == "1.1"
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Target)) == 25


async def test_figures_are_in_the_exports_audit_trail(app, router, tmp_path):
    from openpyxl import load_workbook

    head = await registered(app, router, "h1", "thanh-tra")
    await head.say("chỉ tiêu ký số quý 3 đạt 97%")
    await head.say("đã kiểm tra 4/7 phòng")
    path = tmp_path / "x.xlsx"
    await app.exports.export(path, now=app.clock.now())
    rows = [v for v in load_workbook(path)["Lịch sử"].iter_rows(min_row=4, values_only=True) if v[0] is not None]
    figures = [r for r in rows if r[3] == "Báo số liệu chỉ tiêu"]
    assert [r[4] for r in figures] == ["Chỉ tiêu 7.1 (Quý III): 97%", "Chỉ tiêu 1.2 (Quý III): 57% (4/7)"]
    assert {r[2] for r in figures} == {"Thanh tra Sở"} and {r[6] for r in figures} == {"test"}
    await app.exports.export(path, now=app.clock.now(), unit_id="van-phong")  # another unit's export: not there
    rows = [v for v in load_workbook(path)["Lịch sử"].iter_rows(min_row=4, values_only=True) if v[0] is not None]
    assert not any(r[3] == "Báo số liệu chỉ tiêu" for r in rows)


async def test_a_figure_raced_in_twice_is_recorded_once(app, router, monkeypatch):
    """Two processes handling the same message both pass the key check; the unique key keeps one, and
    the loser hears «duplicate» (the unit of work's Conflict), not a database error."""
    from storage.repositories.targets import TargetRepository

    await registered(app, router, "h1", "van-phong")
    user = await app.users.identify("test", "h1")
    _, targets = await app.targets.targets()
    target = next(t for t in targets if t.code == "7.1")

    async def unseen(self, key):  # the other process has not committed yet when this one looks
        return None

    monkeypatch.setattr(TargetRepository, "figure_by_key", unseen)
    kwargs = dict(target_id=target.id, period="Q3", value=97.0, channel="test", text="ký số 97%", key="msg-1",
                  now=app.clock.now())
    assert (await app.targets.record(user, **kwargs)).kind == "recorded"
    assert (await app.targets.record(user, **kwargs)).kind == "duplicate"
    assert [f.value for f in await figures(app, "7.1")] == [97.0]


async def test_targets_keep_the_plans_wording_and_a_question_lists_every_match(app, router):
    head = await registered(app, router, "h1", "van-phong")
    # «thanh toán trực tuyến»: one sentence of the plan, two targets — both answered, each with its measure
    reply = await head.text("chỉ tiêu thanh toán trực tuyến là bao nhiêu")
    assert reply.startswith("Có 2 chỉ tiêu khớp câu hỏi")
    assert "**3.7** Tối thiểu 80% TTHC có yêu cầu nghĩa vụ tài chính được triển khai thanh toán trực tuyến" in reply
    assert "**3.8**" in reply and "trong đó, tỷ lệ giao dịch thanh toán trực tuyến đạt từ 30% trở lên" in reply
    assert "mục tiêu ≥ 30%" in reply and "mục tiêu ≥ 80%" in reply
    # 6.1 and 4.1 read as the plan writes them, whole
    reply = await head.text("chỉ tiêu lĩnh vực 6")
    assert "Quy chế chi tiêu nội bộ của cơ quan, đơn vị — mục tiêu 100%" in reply


async def test_annual_view_falls_back_to_the_years_latest_figure_with_its_period(app, router):
    head = await registered(app, router, "h1", "van-phong")
    await head.say("chỉ tiêu ký số quý 3 đạt 97%")
    _year, period, rows = await app.targets.status(period="Y", today=app.clock.now().date())
    row = next(r for r in rows if r.target.code == "7.1")
    assert (period, row.figure.period, row.figure.value) == ("Y", "Q3", 97)
    from presentation.targets import target_line

    assert "đạt 97% (số liệu Quý III)" in target_line(row, "Y")


async def test_a_figure_after_the_cut_off_is_said_to_be_late(app, router):
    head = await registered(app, router, "h1", "van-phong")
    # the clock stands at 15/08/2022: the Q1 report's cut-off (14/03) is past
    reply = await head.text("chỉ tiêu 7.1 quý 1 đạt 90%")
    assert "sau ngày chốt 14/03/2022" in reply
    detail = await head.text("chỉ tiêu 7.1")
    assert "báo sau ngày chốt 14/03" in detail
    reply = await head.text("chỉ tiêu 7.1 quý 3 đạt 95%")
    assert "sau ngày chốt" not in reply


async def test_an_areas_targets_in_full_wording_are_paged(app, router):
    import re

    from conversation.callbacks import TargetsPage, encode

    head = await registered(app, router, "h1", "van-phong")
    replies = await head.say("chỉ tiêu lĩnh vực 3")
    first = replies[0]
    assert "(trang 1/" in first.text and len(first.text) <= 1500
    assert "**3.1** 100% TTHC thuộc phạm vi, thẩm quyền giải quyết của Sở Công Thương" in first.text
    following = [b for row in first.buttons for b in row if b.text.startswith("Sau")]
    assert following
    page2 = (await head.press(following[0].data))[0]
    assert "(trang 2/" in page2.text and page2.edit and len(page2.text) <= 1500
    shown = first.text + page2.text
    pages = int(re.search(r"trang 1/(\d+)", first.text).group(1))
    for n in range(3, pages + 1):
        shown += (await head.press(encode(TargetsPage(3, n - 1))))[0].text
    assert all(f"**3.{i}**" in shown for i in range(1, 12))
