"""`cchc-bot users list [--unit U] [--json]`, `users set-role --user ID --role R`, `users deactivate --user ID`,
`users activate --user ID` (docs/contracts.md §9). Every change is audited with who (`--by NAME`, else the
operator's OS user) and when."""

from __future__ import annotations

import argparse
import getpass
import json

from bot.bootstrap import App
from bot.cli import CliError, register, register_parser
from domain.people import ROLES, PersonRecord
from presentation.names import ROLE_NAMES
from presentation.people import refusal
from services.people_service import PeopleError, PersonChange


@register_parser
def _parsers(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="người dùng: xem, đổi vai trò, ngừng / kích hoạt lại")
    commands = users.add_subparsers(dest="users_command", required=True)
    listing = commands.add_parser("list", help="danh sách người dùng")
    listing.add_argument("--unit", metavar="UNIT_ID")
    listing.add_argument("--json", action="store_true")
    role = commands.add_parser("set-role", help="đổi vai trò của một người")
    role.add_argument("--user", required=True, type=_user_id, metavar="ID")
    role.add_argument("--role", required=True, choices=ROLES)
    for name, text in (("deactivate", "ngừng tài khoản (không nhắc việc, không trả lời)"),
                       ("activate", "kích hoạt lại tài khoản")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--user", required=True, type=_user_id, metavar="ID")
    for command in (role, *(commands.choices[n] for n in ("deactivate", "activate"))):
        command.add_argument("--by", metavar="NAME", help="người thực hiện (mặc định: tài khoản hệ điều hành)")


def _user_id(value: str) -> int:
    if not value.strip().isdigit():
        raise argparse.ArgumentTypeError(f"số người dùng «{value}» không hợp lệ (xem cột id của `users list`)")
    return int(value)


def _operator(args: argparse.Namespace) -> str:
    if args.by and args.by.strip():
        return str(args.by.strip())[:100]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return "unknown"


def person_json(person: PersonRecord, tz: object) -> dict[str, object]:
    seen = person.last_seen.astimezone(tz).isoformat(timespec="seconds") if person.last_seen else None  # type: ignore[arg-type]
    return {"id": person.id, "name": person.name, "unit": person.unit_id, "role": person.role,
            "channels": list(person.channels), "active": person.active, "last_seen": seen}


@register("users list")
async def cmd_users_list(app: App, args: argparse.Namespace) -> int:
    try:
        people = await app.people.people(args.unit)
    except PeopleError as exc:
        raise CliError(refusal(exc)) from None
    if args.json:
        print(json.dumps([person_json(p, app.clock.tz) for p in people], ensure_ascii=False, indent=2))
        return 0
    if not people:
        print("Chưa có ai đăng ký" + (f" ở đơn vị {args.unit}." if args.unit else "."))
        return 0
    for p in people:
        seen = f"{p.last_seen.astimezone(app.clock.tz):%d/%m/%Y %H:%M}" if p.last_seen else "—"
        state = "" if p.active else "  [đã ngừng]"
        print(f"{p.id:>5}  {p.name or '(không tên)'} — {p.unit_id}, {p.role}; {', '.join(p.channels)}; "
              f"lần cuối {seen}{state}")
    return 0


def _said(change: PersonChange) -> str:
    who = f"người dùng {change.person.id} ({change.person.name or change.person.unit_id})"
    if change.field == "role":
        what = f"vai trò {ROLE_NAMES.get(change.new, change.new)} ({change.new})"
    else:
        what = "đang hoạt động" if change.new == "true" else "đã ngừng hoạt động"
    return f"{who}: {'đã đổi sang' if change.changed else 'vẫn là'} {what}" + ("" if change.changed else
                                                                                 " — không có gì thay đổi")


@register("users set-role")
async def cmd_users_set_role(app: App, args: argparse.Namespace) -> int:
    try:
        change = await app.people.set_role(args.user, args.role, by=_operator(args), now=app.clock.now())
    except PeopleError as exc:
        raise CliError(refusal(exc)) from None
    print(_said(change))
    return 0


@register("users deactivate")
async def cmd_users_deactivate(app: App, args: argparse.Namespace) -> int:
    return await _set_active(app, args, False)


@register("users activate")
async def cmd_users_activate(app: App, args: argparse.Namespace) -> int:
    return await _set_active(app, args, True)


async def _set_active(app: App, args: argparse.Namespace, active: bool) -> int:
    try:
        change = await app.people.set_active(args.user, active, by=_operator(args), now=app.clock.now())
    except PeopleError as exc:
        raise CliError(refusal(exc)) from None
    print(_said(change))
    return 0
