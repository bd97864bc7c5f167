"""`cchc-bot chat [--as UNIT] [--role ROLE]` and the console fallback of `cchc-bot run`."""

from __future__ import annotations

import sys

from bot.bootstrap import App
from bot.channels.console import ask, run_console
from bot.cli import CliError, register
from conversation.router import Router
from presentation.help import plan_year_warning
from presentation.names import ROLE_NAMES
from presentation.people import refusal
from services.user_service import InviteError


async def ensure_plan(app: App) -> str | None:
    """On an empty database, import the bundled plan re-based to the current year; say what was done."""
    if await app.plans.has_plan():
        return None
    year = app.clock.today().year
    parsed = app.plans.parse(app.settings.seed_plan_file)
    original = parsed.year
    result = await app.plans.store(parsed.rebase(year), source=app.settings.seed_plan_file.name)
    moved = f", chuyển các mốc sang năm {result.year}" if result.year != original else ""
    return (
        f"Cơ sở dữ liệu còn trống: đã nạp kế hoạch mẫu (Kế hoạch CCHC {original} của Sở Công Thương{moved}) "
        f"— {result.tasks} nhiệm vụ."
    )


async def open_console(app: App, unit: str, role: str) -> int:
    note = await ensure_plan(app)
    try:
        user = await app.users.ensure_local_user("console", f"{unit}:{role}", unit, role, f"Console {unit}")
    except InviteError as exc:
        raise CliError(refusal(exc)) from exc
    today = app.clock.today()
    print(f"Trợ lý Kế hoạch CCHC — chat console (hôm nay {today:%d/%m/%Y}).")
    if note:
        print(note)
    info = await app.queries.plan_info()
    if info is not None and info[1] != today.year:
        print(plan_year_warning(info[1], today, app.settings.seed_plan_file))
    print(
        f"Anh/chị đang là {ROLE_NAMES.get(user.role, user.role)} — {app.units.name(user.unit_id)}. "
        "Gõ câu hỏi, «hướng dẫn» để xem ví dụ, /thoat để thoát.\n",
        flush=True,
    )
    await run_console(Router(app), sender_id=f"{unit}:{role}", name=f"Console {unit}", stdout=sys.stdout)
    return 0


# Who the demo can make you (`./scripts/run` with no token): the three people the plan is run by.
PERSONAS = (
    ("van-phong", "head", "trưởng phòng (Văn phòng Sở)"),
    ("van-phong", "coordinator", "điều phối — Văn phòng Sở theo dõi cả Sở"),
    ("lanh-dao-so", "leader", "Lãnh đạo Sở (chỉ xem)"),
)


async def choose_persona() -> tuple[str, str]:
    """The console demo's one-line menu; Enter (or no terminal) keeps the first."""
    if not sys.stdin.isatty():
        return PERSONAS[0][0], PERSONAS[0][1]
    menu = "   ".join(f"[{n}] {label}" for n, (_u, _r, label) in enumerate(PERSONAS, 1))
    print(f"Anh/chị muốn thử với vai trò nào? {menu}", flush=True)
    answer = (await ask("Chọn 1–3 (Enter = 1): ") or "").strip()
    chosen = PERSONAS[int(answer) - 1] if answer in {"1", "2", "3"} else PERSONAS[0]
    print(f"(Lần sau: `./scripts/cchc chat --as {chosen[0]} --role {chosen[1]}`.)", flush=True)
    return chosen[0], chosen[1]


@register("chat")
async def cmd_chat(app: App, args) -> int:
    return await open_console(app, args.as_unit, args.role)
