"""`cchc-bot reminders due --at T [--json]` (docs/contracts.md §1, §4): a dry run that sends and writes nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.bootstrap import build_app
from bot.cli import main
from domain.clock import FixedClock
from storage.models import ReminderDelivery
from tests.conftest import SEED, make_settings
from tests.fakes.reminders import RecordingSender, add_person, fast_service

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CONTRACT_KEYS = ["recipient_unit", "recipients", "task", "milestone", "due", "kind", "days_before", "key", "message",
                 "unreachable_reason"]
SIM_KEYS = ["at", "to_user", "to_unit", "role", "kind", "chars", "items"]


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A seeded SQLite file with Văn phòng's head registered; returns (url, head's user id)."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    settings = make_settings(tmp_path)

    async def prepare() -> int:
        app = await build_app(settings)
        try:
            await app.plans.import_plan(SEED)
            return await add_person(app, "van-phong", "head")
        finally:
            await app.close()

    return settings.db_url, asyncio.run(prepare())


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def deliveries(url: str, tmp_path) -> int:
    app = await build_app(make_settings(tmp_path, database_url=url))
    try:
        async with app.sessions() as session:
            return await session.scalar(select(func.count()).select_from(ReminderDelivery))
    finally:
        await app.close()


def test_json_follows_the_contract(db, capsys, tmp_path):
    url, head = db
    code, out, err = run(capsys, "--db", url, "reminders", "due", "--at", "2022-09-21T08:00", "--json")
    assert code == 0, err
    items = json.loads(out)
    assert items and all(list(item) == CONTRACT_KEYS for item in items)
    q3 = [i for i in items if i["task"] == 3]
    assert q3 == [{
        "recipient_unit": "van-phong", "recipients": [head], "task": 3, "milestone": "Quý III", "due": "2022-09-30",
        "kind": "before_due", "days_before": 7, "key": q3[0]["key"], "message": q3[0]["message"],
        "unreachable_reason": None,
    }]
    assert {i["kind"] for i in items} <= {"before_due", "due_today", "overdue", "report_before_due", "report_input",
                                          "checkin", "digest", "year_end"}
    # One message per person: every item of Văn phòng's head shares its text, which names each task.
    mine = [i for i in items if head in i["recipients"]]
    assert len(mine) > 1 and len({i["message"] for i in mine}) == 1
    assert all(f"NV {i['task']}" in mine[0]["message"] for i in mine if i["task"])
    # A unit nobody has registered for is listed, with nobody to receive it, and why.
    nobody = [i for i in items if i["recipient_unit"] == "ttkc" and i["recipients"] == []]
    assert nobody and all(i["unreachable_reason"] == "no_registered_head" and i["message"] for i in nobody)
    assert all(i["unreachable_reason"] for i in items if not i["recipients"])
    assert len({i["key"] for i in items}) == len(items)
    assert asyncio.run(deliveries(url, tmp_path)) == 0  # a dry run writes nothing


def test_what_was_sent_is_no_longer_due(db, capsys, tmp_path):
    url, _ = db

    async def send_all() -> None:
        at = dt.datetime(2022, 9, 21, 8, tzinfo=TZ)
        app = await build_app(make_settings(tmp_path, database_url=url), clock=FixedClock(at))
        try:
            await fast_service(app).tick({"telegram": RecordingSender(app.clock)})
        finally:
            await app.close()

    asyncio.run(send_all())
    code, out, _ = run(capsys, "--db", url, "reminders", "due", "--at", "2022-09-21T10:00+07:00", "--json")
    items = json.loads(out)
    assert code == 0 and all(i["recipients"] == [] for i in items)  # only units nobody would reach remain
    assert not [i for i in items if i["recipient_unit"] == "van-phong" and i["task"] == 3]


def test_outside_the_window_nothing_is_due(db, capsys):
    url, _ = db
    for at in ("2022-09-24T10:00", "2022-09-21T07:59", "2022-09-21T17:00", "2022-09-02T09:00"):
        code, out, _ = run(capsys, "--db", url, "reminders", "due", "--at", at, "--json")
        assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, "--db", url, "reminders", "due", "--at", "2022-01-28T17:30")
    assert code == 0 and "ngoài giờ gửi" in out and "08:00 07/02/2022" in out  # Tết


def test_readable_table(db, capsys):
    url, head = db
    code, out, _ = run(capsys, "--db", url, "reminders", "due", "--at", "2022-09-21T08:00")
    assert code == 0
    assert "Đơn vị" in out and "trước hạn" in out and f"#{head}" in out and "(không ai: chưa có ai đăng ký)" in out
    assert "nhắc việc đến hạn lúc 08:00 21/09/2022" in out


def test_bad_input_is_one_line(db, capsys, tmp_path, monkeypatch):
    url, _ = db
    with pytest.raises(SystemExit) as exc:
        main(["--db", url, "reminders", "due", "--at", "hôm qua"])
    assert exc.value.code == 2 and "thời điểm không hợp lệ" in capsys.readouterr().err
    bad = tmp_path / "policy.yaml"
    bad.write_text("window: {start: '18:00', end: '08:00'}\n", encoding="utf-8")
    monkeypatch.setenv("REMINDER_POLICY_FILE", str(bad))
    code, _, err = run(capsys, "--db", url, "reminders", "due", "--at", "2022-09-21T08:00")
    assert code == 1 and err.count("\n") == 1 and "chính sách nhắc việc" in err and "Traceback" not in err


def test_simulate_prints_every_message_and_leaves_the_real_database_alone(db, capsys, tmp_path):
    url, head = db
    before = asyncio.run(deliveries(url, tmp_path))
    code, out, err = run(capsys, "--db", url, "reminders", "simulate", "--from", "2022-09-01", "--to", "2022-09-30",
                         "--json")
    assert code == 0, err
    messages = json.loads(out)
    assert messages and all(list(m) == SIM_KEYS for m in messages)
    assert {m["to_user"] for m in messages} == {head}  # without --staff-all: the people registered
    assert [m["at"] for m in messages] == sorted(m["at"] for m in messages)
    days = [m["at"][:10] for m in messages]
    assert len(days) == len(set(days))  # at most one message a day
    assert all(m["chars"] > 0 and m["items"] for m in messages)
    assert {"task", "milestone", "due", "kind", "recipient_unit"} == set(messages[0]["items"][0])
    assert asyncio.run(deliveries(url, tmp_path)) == before  # the real database is not written

    code, out, _ = run(capsys, "--db", url, "reminders", "simulate", "--from", "2022-09-01", "--to", "2022-09-30",
                       "--staff-all", "--json")
    staffed = json.loads(out)
    assert {(m["to_unit"], m["role"]) for m in staffed} >= {("van-phong", "head"), ("van-phong", "coordinator"),
                                                             ("qlcn", "head")}
    assert asyncio.run(deliveries(url, tmp_path)) == before


def test_simulate_bad_range_is_one_line(db, capsys):
    url, _ = db
    code, _, err = run(capsys, "--db", url, "reminders", "simulate", "--from", "2022-09-30", "--to", "2022-09-01")
    assert code == 1 and err.count("\n") == 1 and "--to" in err
    with pytest.raises(SystemExit):
        main(["--db", url, "reminders", "simulate", "--from", "30/09/2022", "--to", "2022-10-01"])
    assert "ngày không hợp lệ" in capsys.readouterr().err
