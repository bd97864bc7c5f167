"""People (docs/contracts.md §9): `cchc-bot users list / set-role / deactivate / activate`, audited; a
deactivated person gets no reminders and one clear answer whatever they send."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conversation.router import Router
from presentation.common import ACCOUNT_DEACTIVATED
from tests.cli_kit import cli, process
from tests.conftest import SEED
from tests.conversation_kit import AUG_15_2022, Chat, registered
from tests.fakes.reminders import add_person

DUE_AT = dt.datetime(2022, 9, 21, 8, 0, tzinfo=AUG_15_2022.tzinfo)


async def test_deactivated_person_is_answered_and_not_reminded_then_activated(plan_app) -> None:
    app = plan_app
    router = Router(app)
    uid = await add_person(app, "van-phong", "head", chat="vp-head")
    chat = Chat(router, "vp-head", channel="telegram")
    person = next(p for p in await app.people.people("van-phong") if p.id == uid)
    reminded = {uid for item in await app.reminders.due(DUE_AT) for uid in item.recipients}
    assert person.id in reminded  # a head of a unit with work due is reminded…

    change = await app.people.set_active(person.id, False, by="thu-ky", now=AUG_15_2022)
    assert change.changed and change.old == "true" and not change.person.active
    reminded = {uid for item in await app.reminders.due(DUE_AT) for uid in item.recipients}
    assert person.id not in reminded  # …and not once deactivated
    for text in ("nhiệm vụ 17 là gì", "đăng ký K7Q2XP", "/start", "cảm ơn"):
        assert [r.text for r in await chat.say(text)] == [ACCOUNT_DEACTIVATED]
    assert [r.text for r in await Chat(router, "stranger").say("nhiệm vụ 17")] != [ACCOUNT_DEACTIVATED]

    await app.people.set_active(person.id, True, by="thu-ky", now=AUG_15_2022 + dt.timedelta(hours=1))
    assert ACCOUNT_DEACTIVATED not in await chat.text("nhiệm vụ 17 là gì")
    history = await app.people.history(person.id)
    assert [(f, o, n, b) for f, o, n, b, _ in history] == [("active", "true", "false", "thu-ky"),
                                                          ("active", "false", "true", "thu-ky")]
    assert history[0][4] == AUG_15_2022


async def test_set_role_is_audited_and_a_repeat_changes_nothing(plan_app) -> None:
    app = plan_app
    router = Router(app)
    await registered(app, router, "vp-officer", "van-phong", "officer")
    person = (await app.people.people("van-phong"))[0]
    first = await app.people.set_role(person.id, "coordinator", by="an", now=AUG_15_2022)
    again = await app.people.set_role(person.id, "coordinator", by="an", now=AUG_15_2022)
    assert (first.changed, first.old, first.person.role) == (True, "officer", "coordinator")
    assert not again.changed
    assert len(await app.people.history(person.id)) == 1
    user = await app.users.identify("test", "vp-officer")
    assert user is not None and user.is_coordinator


def test_users_cli_lists_changes_and_refuses_bad_input(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "plan", "import", str(SEED), "--year", "2026").returncode == 0
    assert cli(data, "chat", "--role", "coordinator", stdin="/thoat\n").returncode == 0  # one person: the console
    listed = json.loads(cli(data, "users", "list", "--json").stdout)
    assert len(listed) == 1
    person = listed[0]
    assert set(person) == {"id", "name", "unit", "role", "channels", "active", "last_seen"}
    assert (person["unit"], person["role"], person["channels"], person["active"]) == (
        "van-phong", "coordinator", ["console"], True)
    assert dt.datetime.fromisoformat(person["last_seen"]).utcoffset() == dt.timedelta(hours=7)
    uid = str(person["id"])
    changed = cli(data, "users", "set-role", "--user", uid, "--role", "head", "--by", "Nguyễn An")
    assert changed.returncode == 0 and "head" in changed.stdout
    off = cli(data, "users", "deactivate", "--user", uid, "--db", f"sqlite:///{data / 'cchc.db'}")  # --db after
    assert off.returncode == 0 and "ngừng" in off.stdout
    listed = json.loads(cli(data, "users", "list", "--unit", "van-phong", "--json").stdout)
    assert (listed[0]["role"], listed[0]["active"]) == ("head", False)
    assert json.loads(cli(data, "users", "list", "--unit", "thanh-tra", "--json").stdout) == []
    for args, named in ((("users", "set-role", "--user", "999", "--role", "head"), "999"),
                        (("users", "set-role", "--user", uid, "--role", "boss"), "boss"),
                        (("users", "deactivate", "--user", "abc"), "abc"),
                        (("users", "list", "--unit", "nowhere"), "nowhere")):
        refused = cli(data, *args)
        assert refused.returncode != 0 and named in refused.stderr, (args, refused)
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    real = process(data, "users", "activate", "--user", uid)  # the operator's OS user is the audit's «who»
    assert real.returncode == 0 and "đang hoạt động" in real.stdout, real.stderr
