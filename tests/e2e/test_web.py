"""The web server over a real App (HTTP through the ASGI app, no browser): health, metrics, webhooks,
sign-in links, sessions, roles, evidence review and files, the Excel download, Telegram initData."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import httpx
import pytest
from sqlalchemy import func, select

from bot.bootstrap import build_app
from domain.clock import FixedClock
from domain.messages import CONSOLE, Incoming, RetryLater, Webhook
from services.web_auth import sign_init_data, verify_init_data
from storage.models import Evidence, WebSession
from tests import db_templates
from tests.conftest import SEED, make_settings
from tests.conversation_kit import AUG_15_2022
from tests.coordinator_kit import CHANNEL, add_evidence, lead_of, person, set_status
from tests.web_kit import csrf_of, path_of, sign_in, web_client
from web.server import COOKIE, MAX_BODY

BOT_TOKEN = "123456:TEST-token-for-initdata"


@pytest.fixture
async def web_app(tmp_path):
    """The seed plan, the clock at 15/08/2022 09:00, a bot token (for Mini App initData)."""
    app = await db_templates.seeded_app(make_settings(tmp_path, telegram_bot_token=BOT_TOKEN),
                                        clock=FixedClock(AUG_15_2022))
    yield app
    await app.close()


# -- health and metrics -----------------------------------------------------------------------------
async def test_healthz_reports_database_scheduler_and_channels(web_app):
    web_app.senders["telegram"] = object()  # a started channel registers its sender
    async with web_client(web_app, scheduler_alive=lambda: True) as client:
        ok = await client.get("/healthz")
    assert ok.status_code == 200
    assert ok.json() == {"status": "ok", "database": "ok", "scheduler": "ok", "channels": ["telegram"], "webhooks": []}
    async with web_client(web_app, scheduler_alive=lambda: False) as client:
        stopped = await client.get("/healthz")
    assert stopped.status_code == 503 and stopped.json()["scheduler"] == "stopped"
    async with web_client(web_app, scheduler_alive=lambda: True, channels=("telegram", "zalo")) as client:
        zalo_down = await client.get("/healthz")
    assert zalo_down.status_code == 503 and zalo_down.json()["channels_not_started"] == ["zalo"]


async def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    closed_port = "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1: refused at once
    app = await build_app(make_settings(tmp_path, database_url=closed_port), migrate=False)
    try:
        async with web_client(app) as client:
            response = await client.get("/healthz")
    finally:
        await app.close()
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["database"] == "unreachable"


def _sample(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_count_messages_by_channel_and_intent(web_app):
    from conversation.router import Router

    await person(web_app, "van-phong", "head", "Chị Lan", chat="metrics-chat")
    async with web_client(web_app) as client:
        before = (await client.get("/metrics")).text
        router = Router(web_app)
        await router.handle(Incoming(CONSOLE, "metrics-chat", "metrics-chat", "nhiệm vụ 17 là gì", message_id="m1"))
        response = await client.get("/metrics")
    after = response.text
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    key = {"channel": "console", "intent": "task_info"}
    assert _sample(after, "cchc_messages_handled_total", **key) == _sample(before, "cchc_messages_handled_total", **key) + 1
    assert _sample(after, "cchc_engine_latency_seconds_count") == _sample(before, "cchc_engine_latency_seconds_count") + 1
    for name in ("cchc_reminders_total", "cchc_rate_limited_total", "cchc_evidence_bytes_stored_total"):
        assert f"\n{name}" in after


async def test_metrics_count_reminders_429s_and_evidence_bytes(web_app):
    import hashlib

    from services.evidence_service import PNG, Received
    from tests.fakes.reminders import RecordingSender, add_person, fast_service
    from tests.integration.test_reminders_delivery import MORNING, Wall

    async def scrape() -> str:
        async with web_client(web_app) as client:
            return (await client.get("/metrics")).text

    web_app.clock = FixedClock(MORNING)
    await add_person(web_app, "van-phong", "head")
    before = await scrape()
    wall = Wall()
    service = fast_service(web_app, wall=wall, max_attempts=3)
    sender = RecordingSender(web_app.clock, fail={"van-phong-head": RetryLater(5)})
    first = await service.tick({"telegram": sender})
    wall.advance(6)
    sender.fail.clear()
    second = await service.tick({"telegram": sender})
    data = b"\x89PNG\r\n\x1a\n" + b"1" * 100
    await web_app.evidence.attach(
        user_id=None, lead_id=await lead_of(web_app, 17, "van-phong"), channel="test", caption=None,
        received=Received(data, hashlib.sha256(data).hexdigest(), len(data), PNG, "a.png", None), now=MORNING,
    )
    after = await scrape()

    def grew(name: str, **labels) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    n = first.deliveries
    assert n > 0 and second.delivery.sent == n
    assert grew("cchc_rate_limited_total", channel="telegram") == n
    assert grew("cchc_reminders_total", outcome="failed") == n
    assert grew("cchc_reminders_total", outcome="retried") == n
    assert grew("cchc_reminders_total", outcome="sent") == n
    assert grew("cchc_evidence_bytes_stored_total") == len(data)


# -- webhooks ----------------------------------------------------------------------------------------
@pytest.fixture
def hook(web_app):
    received: list[dict] = []

    async def submit(update: dict) -> None:
        received.append(update)

    web_app.webhooks["zalo"] = Webhook("zalo", "/zalo/hook", "the-right-secret", "x-bot-api-secret-token", submit)
    return received


async def test_webhook_refuses_wrong_or_missing_secret_before_reading_the_body(web_app, hook):
    read = []

    async def body():
        read.append(True)
        yield b'{"event_name": "user_send_text"}'

    async with web_client(web_app) as client:
        wrong = await client.post("/zalo/hook", content=body(), headers={"X-Bot-Api-Secret-Token": "wrong"})
        missing = await client.post("/zalo/hook", json={"event_name": "x"})
        elsewhere = await client.post("/zalo/other", json={}, headers={"X-Bot-Api-Secret-Token": "the-right-secret"})
    assert (wrong.status_code, missing.status_code, elsewhere.status_code) == (403, 403, 404)
    assert read == [] and hook == []  # the body was never read; nothing was recorded


async def test_webhook_caps_the_body_by_header_and_by_bytes_streamed(web_app, hook):
    streamed = []

    async def endless():
        for _ in range(100):
            streamed.append(1)
            yield b"x" * 65536

    headers = {"X-Bot-Api-Secret-Token": "the-right-secret"}
    async with web_client(web_app) as client:
        declared = await client.post("/zalo/hook", content=b"{}",
                                     headers={**headers, "Content-Length": str(MAX_BODY + 1)})
        chunked = await client.post("/zalo/hook", content=endless(), headers=headers)  # no Content-Length
    assert declared.status_code == 413 and chunked.status_code == 413
    assert len(streamed) <= MAX_BODY // 65536 + 2  # stopped reading at the cap, not at the end
    assert hook == []


async def test_webhook_refuses_malformed_json_without_a_traceback_and_accepts_a_good_update(web_app, hook):
    headers = {"X-Bot-Api-Secret-Token": "the-right-secret"}
    async with web_client(web_app) as client:
        broken = await client.post("/zalo/hook", content=b"{not json", headers=headers)
        not_object = await client.post("/zalo/hook", content=b"[1, 2]", headers=headers)
        good = await client.post("/zalo/hook", json={"event_name": "user_send_text", "n": 1}, headers=headers)
    assert broken.status_code == 400 and broken.json() == {"ok": False, "description": "invalid JSON"}
    assert "Traceback" not in broken.text and not_object.status_code == 400
    assert good.status_code == 200 and good.json() == {"ok": True}
    assert hook == [{"event_name": "user_send_text", "n": 1}]


# -- sign-in -----------------------------------------------------------------------------------------
async def test_sign_in_link_works_once_and_sets_a_safe_cookie(web_app):
    link = await web_app.web_auth.issue_link(now=web_app.clock.now(), unit_id="van-phong", role="coordinator")
    assert link.virtual  # nobody of Văn phòng is registered as coordinator in this database
    async with web_client(web_app) as client:
        preview = await client.get(path_of(link.url))  # a link preview or a scanner: the link is not used
        assert preview.status_code == 200 and 'id="sign-in"' in preview.text
        first = await client.post(path_of(link.url))
        cookie = first.headers["set-cookie"]
        overview = await client.get("/")
        client.cookies.clear()
        replay = await client.post(path_of(link.url))
    assert first.status_code == 303 and first.headers["location"] == "/"
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    assert overview.status_code == 200 and "Kế hoạch CCHC năm 2022" in overview.text
    assert replay.status_code == 410 and "một lần" in replay.text and COOKIE not in replay.cookies


async def test_expired_link_is_refused(web_app):
    issued = web_app.clock.now() - dt.timedelta(minutes=11)
    link = await web_app.web_auth.issue_link(now=issued, unit_id="thanh-tra", role="head")
    async with web_client(web_app) as client:
        response = await client.post(path_of(link.url))
        unknown = await client.post("/dang-nhap/not-a-token")
    assert response.status_code == 410 and unknown.status_code == 410
    async with web_app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(WebSession)) == 0


async def test_session_ends_after_the_idle_time_and_on_sign_out(web_app):
    async with web_client(web_app) as client:
        await sign_in(client, web_app, "thanh-tra", "head")
        assert (await client.get("/")).status_code == 200
        web_app.clock.advance(dt.timedelta(minutes=59))
        assert (await client.get("/")).status_code == 200  # each request pushes the expiry on
        web_app.clock.advance(dt.timedelta(minutes=61))
        idle = await client.get("/")
        await sign_in(client, web_app, "thanh-tra", "head")
        page = await client.get("/")
        out = await client.post("/dang-xuat", data={"csrf": csrf_of(page.text)})
        after = await client.get("/")
    assert idle.status_code == 401 and "/web" in idle.text
    assert out.status_code == 303 and after.status_code == 401


async def test_cookie_is_secure_behind_tls(tmp_path):
    app = await db_templates.seeded_app(make_settings(tmp_path, web_base_url="https://cchc.example.gov.vn"))
    try:
        link = await app.web_auth.issue_link(now=app.clock.now(), unit_id="van-phong", role="leader")
        assert link.url.startswith("https://cchc.example.gov.vn/dang-nhap/")
        async with web_client(app) as client:
            response = await client.post(path_of(link.url))
    finally:
        await app.close()
    assert "Secure" in response.headers["set-cookie"]


async def test_a_registered_person_signs_in_as_themselves(web_app):
    head = await person(web_app, "qltm", "head", "Anh Minh")
    link = await web_app.web_auth.issue_link(now=web_app.clock.now(), unit_id="qltm", role="head")
    assert not link.virtual
    async with web_client(web_app) as client:
        await client.post(path_of(link.url))
        page = await client.get("/")
    assert "Anh Minh" in page.text and head.unit_id == "qltm"


# -- roles --------------------------------------------------------------------------------------------
async def test_a_head_sees_only_their_unit(web_app):
    async with web_client(web_app) as client:
        await sign_in(client, web_app, "thanh-tra", "head")
        own = await client.get("/don-vi/thanh-tra")
        other = await client.get("/don-vi/van-phong")
        overview = await client.get("/?unit=van-phong")
        queue = await client.get("/minh-chung")
        foreign_task = await client.get("/nhiem-vu/1")  # led by Văn phòng only
        export = await client.get("/xuat.xlsx?unit=van-phong")
    assert own.status_code == 200 and "Thanh tra Sở" in own.text
    assert other.status_code == 403 and "Thanh tra Sở" in other.text
    assert overview.status_code == 200 and 'href="/don-vi/van-phong"' not in overview.text
    assert queue.status_code == 403 and foreign_task.status_code == 403 and export.status_code == 403


async def test_filters_narrow_the_overview(web_app):
    async with web_client(web_app) as client:
        await sign_in(client, web_app, "lanh-dao-so", "leader")
        everything = await client.get("/")
        one_unit = await client.get("/?unit=thanh-tra&status=not_started&area=2&period=Y")
    assert everything.status_code == one_unit.status_code == 200
    assert 'href="/don-vi/van-phong"' in everything.text
    assert 'href="/don-vi/van-phong"' not in one_unit.text and 'href="/don-vi/thanh-tra"' in one_unit.text
    assert "Cả năm" in one_unit.text


async def test_task_page_shows_statuses_history_and_evidence(web_app):
    head = await person(web_app, "van-phong", "head", "Chị Lan")
    when = web_app.clock.now()
    await set_status(web_app, head, 17, "in_progress", when, percent=60, note="đã dự thảo")
    await add_evidence(web_app, await lead_of(web_app, 17, "van-phong"), head, "du-thao.pdf", when)
    async with web_client(web_app) as client:
        await sign_in(client, web_app, "lanh-dao-so", "leader")
        page = await client.get("/nhiem-vu/17")
        missing = await client.get("/nhiem-vu/999")
    assert page.status_code == 200
    text = page.text
    assert "Đang thực hiện 60%" in text and "đã dự thảo" in text and "du-thao.pdf" in text
    assert "Chờ duyệt" in text and 'id="accept-' not in text  # a leader reads, does not review
    assert missing.status_code == 404


# -- evidence ------------------------------------------------------------------------------------------
@pytest.fixture
async def evidence(web_app):
    """A PNG and a PDF of Văn phòng (task 17) stored on disk, waiting for review."""
    head = await person(web_app, "van-phong", "head", "Chị Lan")
    lead = await lead_of(web_app, 17, "van-phong")
    root = web_app.settings.evidence_path / "2022" / "17"
    root.mkdir(parents=True)
    (root / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    (root / "b.pdf").write_bytes(b"%PDF-1.4 test")
    when = web_app.clock.now()
    png = await add_evidence(web_app, lead, head, "anh-chup.png", when, mime="image/png", path="2022/17/a.png")
    pdf = await add_evidence(web_app, lead, head, "bien-ban.pdf", when, path="2022/17/b.pdf")
    return png, pdf


async def test_coordinator_accepts_and_returns_evidence_with_csrf(web_app, evidence):
    png, pdf = evidence
    async with web_client(web_app) as client:
        await sign_in(client, web_app, "van-phong", "coordinator")
        overview = await client.get("/")
        queue = await client.get("/minh-chung")
        token = csrf_of(queue.text)
        forged = await client.post(f"/minh-chung/{png}/chap-nhan", data={"csrf": "forged"})
        accepted = await client.post(f"/minh-chung/{png}/chap-nhan", data={"csrf": token})
        no_reason = await client.post(f"/minh-chung/{pdf}/tra-lai", data={"csrf": token, "comment": " "})
        returned = await client.post(f"/minh-chung/{pdf}/tra-lai", data={"csrf": token, "comment": "thiếu chữ ký"})
        after = await client.get(accepted.headers["location"])
    assert queue.status_code == 200 and "anh-chup.png" in queue.text and "bien-ban.pdf" in queue.text
    assert '<b>2</b><a href="/minh-chung">minh chứng chờ duyệt</a>' in overview.text
    assert forged.status_code == 403
    assert accepted.headers["location"] == "/minh-chung?ok=accepted"
    assert no_reason.headers["location"] == "/minh-chung?ok=empty_comment"
    assert returned.headers["location"] == "/minh-chung?ok=returned"
    assert "Không còn minh chứng nào chờ duyệt" in after.text
    async with web_app.sessions() as session:
        states = dict((await session.execute(select(Evidence.id, Evidence.review_state))).all())
        comment = await session.scalar(select(Evidence.review_comment).where(Evidence.id == pdf))
    assert states == {png: "accepted", pdf: "returned"} and comment == "thiếu chữ ký"


async def test_the_unit_is_told_of_a_review_made_on_the_web(web_app, evidence):
    import asyncio

    from tests.fakes.reminders import RecordingSender

    png, _ = evidence
    sender = RecordingSender(web_app.clock, channel=CHANNEL)
    web_app.senders[CHANNEL] = sender
    async with web_client(web_app) as client:
        await sign_in(client, web_app, "van-phong", "coordinator")
        queue = await client.get("/minh-chung")
        await client.post(f"/minh-chung/{png}/chap-nhan", data={"csrf": csrf_of(queue.text)})
        await asyncio.wait_for(sender.delivered.wait(), 10)  # sent in the background
    [notice] = sender.sent
    assert notice.chat_id == "van-phong-head" and "anh-chup.png" in notice.reply.text and "xác nhận" in notice.reply.text


async def test_leader_cannot_review(web_app, evidence):
    png, _ = evidence
    async with web_client(web_app) as client:
        await sign_in(client, web_app, "lanh-dao-so", "leader")
        queue = await client.get("/minh-chung")
        response = await client.post(f"/minh-chung/{png}/chap-nhan", data={"csrf": csrf_of(queue.text)})
    assert queue.status_code == 200 and 'id="accept-' not in queue.text
    assert response.status_code == 403
    async with web_app.sessions() as session:
        assert await session.scalar(select(Evidence.review_state).where(Evidence.id == png)) == "pending"


async def test_evidence_files_only_through_the_authorised_route(web_app, evidence):
    png, pdf = evidence
    async with web_client(web_app) as client:
        anonymous = await client.get(f"/tep/{pdf}")
        await sign_in(client, web_app, "thanh-tra", "head")
        other_unit = await client.get(f"/tep/{pdf}")
        client.cookies.clear()
        await sign_in(client, web_app, "van-phong", "head")
        download = await client.get(f"/tep/{pdf}")
        thumb = await client.get(f"/tep/{png}?xem=1")
        pdf_inline = await client.get(f"/tep/{pdf}?xem=1")
        listing = await client.get("/evidence/2022/17/")
    assert anonymous.status_code == 401 and other_unit.status_code == 403
    assert download.status_code == 200 and download.content == b"%PDF-1.4 test"
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;") and "bien-ban.pdf" in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"
    assert thumb.headers["content-type"] == "image/png" and thumb.headers["content-disposition"].startswith("inline;")
    assert pdf_inline.headers["content-disposition"].startswith("attachment;")  # only images are shown inline
    assert listing.status_code == 404


async def test_excel_export_downloads(web_app):
    async with web_client(web_app) as client:
        await sign_in(client, web_app, "van-phong", "coordinator")
        whole = await client.get("/xuat.xlsx?period=Q3")
        client.cookies.clear()
        await sign_in(client, web_app, "thanh-tra", "head")
        own = await client.get("/xuat.xlsx")
    assert whole.status_code == 200 and whole.content[:2] == b"PK"
    assert 'filename="bao-cao-cchc-toan-so-q3-20220815.xlsx"' in whole.headers["content-disposition"]
    assert own.status_code == 200 and "bao-cao-cchc-thanh-tra-20220815.xlsx" in own.headers["content-disposition"]


async def test_overview_shows_each_target_with_its_figure_and_verdict(web_app):
    """15/08/2022 is in the Q3 report's period: the overview shows code, short name, goal, the latest
    Q3 figure and đạt / chưa đạt / chưa có số liệu."""
    from presentation.format import fmt_goal

    coord = await person(web_app, "van-phong", "coordinator", "Trần Thị B")
    _, targets = await web_app.targets.targets()
    measured = [t for t in targets if t.goal is not None and t.direction == "ge" and t.goal > 10]
    met, missed, empty = measured[0], measured[1], measured[2]
    for target, value in ((met, 100.0), (missed, 5.0)):
        outcome = await web_app.targets.record(coord, target_id=target.id, period="Q3", value=value, channel="test",
                                               text=None, key=None, now=AUG_15_2022)
        assert outcome.kind == "recorded"
    async with web_client(web_app) as client:
        await sign_in(client, web_app, "thanh-tra", "head")  # targets are the plan's: every role sees them
        page = await client.get("/")
    assert page.status_code == 200
    section = page.text[page.text.index('id="targets"'):]
    assert "số liệu Quý III" in section

    def item(code: str) -> str:
        match = re.search(rf"<li[^>]*><b>{re.escape(code)}</b>(.*?)</li>", section, re.S)
        assert match, f"target {code} not on the overview"
        return match.group(1)

    assert html.escape(met.text, quote=False) in item(met.code) and f"mục tiêu {fmt_goal(met.goal, met.direction)}" in item(met.code)
    assert "số liệu 100%" in item(met.code) and "chưa đạt" not in item(met.code) and ">đạt<" in item(met.code)
    assert "số liệu 5%" in item(missed.code) and ">chưa đạt<" in item(missed.code)
    assert ">chưa có số liệu<" in item(empty.code) and "số liệu " not in item(empty.code).split("mục tiêu")[1]


async def test_report_draft_downloads_for_coordinators_and_leaders_only(web_app):
    from services.report_files import DOCX_MIME

    async with web_client(web_app) as client:
        await sign_in(client, web_app, "van-phong", "coordinator")
        overview = await client.get("/")
        draft = await client.get("/bao-cao.docx?period=q3")
        unknown = await client.get("/bao-cao.docx?period=Q9")
        client.cookies.clear()
        await sign_in(client, web_app, "lanh-dao-so", "leader")
        leader_page = await client.get("/")
        refused = {}
        for role in ("head", "officer"):
            client.cookies.clear()
            await sign_in(client, web_app, "thanh-tra", role)
            refused[role] = (await client.get("/bao-cao.docx?period=Q3"), await client.get("/"))
    assert 'href="/bao-cao.docx?period=Q3"' in overview.text and 'href="/bao-cao.docx?period=Q3"' in leader_page.text
    assert draft.status_code == 200 and draft.content[:2] == b"PK"
    assert draft.headers["content-type"] == DOCX_MIME
    assert draft.headers["content-disposition"] == 'attachment; filename="bao-cao-cchc-q3-2022-20220815.docx"'
    assert unknown.status_code == 400 and "Kỳ báo cáo không hợp lệ" in unknown.text and "«Q9»" in unknown.text
    for role, (response, page) in refused.items():
        assert response.status_code == 403, role
        assert "Văn phòng Sở và Lãnh đạo Sở" in response.text
        assert "/bao-cao.docx" not in page.text


# -- Telegram Mini App ----------------------------------------------------------------------------------
def _init_data(user_id: int, auth_date: dt.datetime, token: str = BOT_TOKEN) -> str:
    fields = {"auth_date": str(int(auth_date.timestamp())), "query_id": "AAE1",
              "user": json.dumps({"id": user_id, "first_name": "Lan"}, separators=(",", ":"))}
    return sign_init_data(fields, token)


async def test_mini_app_signs_in_a_registered_telegram_user(web_app):
    await web_app.users.ensure_local_user("telegram", "777001", "qlcn", "head", "Anh Tuấn")
    now = web_app.clock.now()
    async with web_client(web_app) as client:
        page = await client.get("/telegram-mini-app")
        good = await client.post("/telegram-mini-app", data={"init_data": _init_data(777001, now - dt.timedelta(hours=2))})
        overview = await client.get("/")
    assert page.status_code == 200 and "tgWebAppData" in page.text
    assert good.status_code == 303 and "Anh Tuấn" in overview.text


async def test_mini_app_refuses_bad_hash_old_data_and_strangers(web_app):
    await web_app.users.ensure_local_user("telegram", "777002", "qlcn", "head", "Anh Tuấn")
    now = web_app.clock.now()
    fresh = _init_data(777002, now)
    tampered = fresh.replace("Lan", "Lam")
    cases = {
        "bad hash": tampered,
        "other bot": _init_data(777002, now, token="999:another-bot"),
        "older than a day": _init_data(777002, now - dt.timedelta(days=1, minutes=1)),
        "not registered": _init_data(424242, now),
        "empty": "",
    }
    async with web_client(web_app) as client:
        answers = {name: await client.post("/telegram-mini-app", data={"init_data": data}) for name, data in cases.items()}
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(cases, 403)
    assert verify_init_data(fresh, BOT_TOKEN, now=now)["id"] == 777002
    async with web_app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(WebSession)) == 0


# -- command line ----------------------------------------------------------------------------------------
def test_web_link_command_prints_a_one_time_link(tmp_path, capsys, monkeypatch):
    from bot.cli import main

    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WEB_BASE_URL", "https://cchc.example.gov.vn/")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--db", db, "web", "link", "--unit", "van-phong", "--role", "leader", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"url", "expires_at"}
    assert re.fullmatch(r"https://cchc\.example\.gov\.vn/dang-nhap/[A-Za-z0-9_-]{40,}", out["url"])
    expires = dt.datetime.fromisoformat(out["expires_at"])
    assert dt.timedelta(minutes=9) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=10)
    assert main(["--db", db, "web", "link", "--unit", "khong-co", "--role", "head"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "khong-co" in err


async def test_web_serve_answers_over_http(web_app):
    import asyncio

    from web.server import create_web_app, serve

    stop, started, bound = asyncio.Event(), asyncio.Event(), []
    task = asyncio.create_task(serve(create_web_app(web_app), "127.0.0.1", 0, stop, started=started, bound=bound))
    await asyncio.wait_for(started.wait(), 10)
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{bound[0]}/healthz")
    finally:
        stop.set()
        await task
    assert response.status_code == 200 and response.json()["status"] == "ok"


async def test_web_in_chat_gives_a_link_without_a_button_outside_telegram(web_app):
    from conversation.router import Router

    await person(web_app, "qltm", "officer", "Chị Hoa", chat="web-chat")
    web_app.web_running = True  # this process serves the web view (as `run` with WEB_PORT does)
    [reply] = await Router(web_app).handle(Incoming(CHANNEL, "web-chat", "web-chat", "/web", message_id="w1"))
    url = re.search(r"http://127\.0\.0\.1:8080/dang-nhap/\S+", reply.text).group(0)
    assert reply.buttons == [] and reply.private_only
    async with web_client(web_app) as client:
        assert (await client.post(path_of(url))).status_code == 303
        page = await client.get("/")
    assert "Chị Hoa" in page.text and "công chức" in page.text


async def test_links_and_sessions_on_postgresql(tmp_path, postgres_url):
    app = await build_app(make_settings(tmp_path, database_url=postgres_url), clock=FixedClock(AUG_15_2022))
    try:
        await app.plans.import_plan(SEED)
        link = await app.web_auth.issue_link(now=app.clock.now(), unit_id="thanh-tra", role="head")
        stale = await app.web_auth.issue_link(now=app.clock.now() - dt.timedelta(minutes=11), unit_id="thanh-tra",
                                              role="head")
        async with web_client(app) as client:
            first = await client.post(path_of(link.url))
            own = await client.get("/don-vi/thanh-tra")
            other = await client.get("/don-vi/van-phong")
            app.clock.advance(dt.timedelta(minutes=61))
            idle = await client.get("/")
            client.cookies.clear()
            replay = await client.post(path_of(link.url))
            expired = await client.post(path_of(stale.url))
    finally:
        await app.close()
    assert first.status_code == 303 and own.status_code == 200 and other.status_code == 403
    assert idle.status_code == 401 and replay.status_code == 410 and expired.status_code == 410


def test_run_refuses_webhook_mode_without_a_web_port(tmp_path, capsys, monkeypatch):
    from bot.cli import main

    for name, value in {"CCHC_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": "123:abc",
                        "TELEGRAM_WEBHOOK_URL": "https://cchc.example.gov.vn/telegram",
                        "TELEGRAM_WEBHOOK_SECRET": "s3cret", "WEB_PORT": "", "ZALO_BOT_TOKEN": ""}.items():
        monkeypatch.setenv(name, value)
    assert main(["--db", f"sqlite:///{tmp_path / 'run.db'}", "run"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "WEB_PORT" in err and "TELEGRAM_WEBHOOK_URL" in err


async def test_web_serve_command_runs_until_sigterm(tmp_path):
    import asyncio
    import os
    import signal
    import sys

    from tests.e2e.test_zalo_run import _free_port, _healthz

    port = _free_port()
    env = {**os.environ, "CCHC_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "WEB_LISTEN": "127.0.0.1",
           "WEB_PORT": str(port), "TELEGRAM_BOT_TOKEN": "", "ZALO_BOT_TOKEN": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", "serve", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        health = await _healthz(port)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert health.status_code == 200
    assert health.json()["scheduler"] == "not running here" and health.json()["channels"] == []
    assert process.returncode == 0, stderr.decode()[-2000:]
