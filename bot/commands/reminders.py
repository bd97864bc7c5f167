"""`cchc-bot reminders due --at ISO [--json]`: the dry run, and
`cchc-bot reminders simulate --from DATE --to DATE [--staff-all] [--texts] [--json]`: the simulator of §4b
(docs/contracts.md §4).

Neither sends nor writes anything to the real database: operators use them to see who would be reminded
of what at a given instant — including units where nobody would receive it (no registered head,
reminders turned off) — or over a whole year, before it starts.
"""

from __future__ import annotations

import json
from collections import Counter

from bot.bootstrap import App
from bot.cli import CliError, register
from domain.reminders.policy import PolicyError
from presentation.reminders import DUE_KIND_NAMES, NOBODY_REASONS
from services.reminders import as_contract


@register("reminders simulate")
async def cmd_reminders_simulate(app: App, args) -> int:
    if args.end < args.start:
        raise CliError("--to phải cùng ngày hoặc sau --from")
    if (args.end - args.start).days > 800:
        raise CliError("khoảng mô phỏng tối đa khoảng hai năm (800 ngày)")
    messages = await app.reminders.simulate(args.start, args.end, staff_all=args.staff_all)
    if args.json:
        print(json.dumps([m.as_contract(texts=args.texts) for m in messages], ensure_ascii=False, indent=2))
        return 0
    if args.texts:  # each message as the person reads it, in time order
        for m in messages:
            print(f"── {m.at:%H:%M %d/%m/%Y} → #{m.to_user} {app.units.name(m.to_unit)} ({m.role}), {m.kind}\n{m.text}\n")
    per = Counter((m.to_unit, m.role) for m in messages)
    days = Counter((m.to_user, m.at.date()) for m in messages)
    print(f"{len(messages)} tin nhắn từ {args.start:%d/%m/%Y} đến {args.end:%d/%m/%Y}"
          f" (tối đa {max(days.values(), default=0)} tin/người/ngày):")
    for (unit_id, role), n in sorted(per.items(), key=lambda p: -p[1]):
        print(f"  {app.units.name(unit_id)} ({role}): {n}")
    return 0


@register("reminders due")
async def cmd_reminders_due(app: App, args) -> int:
    at = args.at if args.at.tzinfo else args.at.replace(tzinfo=app.settings.tz)
    try:
        service = app.reminders
    except PolicyError as exc:
        raise CliError(str(exc)) from None
    items = as_contract(await service.due(at))
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    local = service.planner.local(at)
    if not service.planner.window_open(at):
        opening = service.planner.next_window_opening(at)
        print(
            f"{local:%H:%M %d/%m/%Y} nằm ngoài giờ gửi nhắc việc "
            f"({service.policy.window_start:%H:%M}–{service.policy.window_end:%H:%M} ngày làm việc): "
            f"không có gì được gửi lúc này. Lần gửi kế tiếp: {opening:%H:%M %d/%m/%Y}."
        )
        return 0
    if not items:
        print(f"Không có nhắc việc nào đến hạn lúc {local:%H:%M %d/%m/%Y}.")
        return 0
    print(_table(items))
    nobody = sum(1 for item in items if not item["recipients"])
    print(f"\n{len(items)} nhắc việc đến hạn lúc {local:%H:%M %d/%m/%Y}; {nobody} không có ai nhận "
          "(đơn vị chưa có người đăng ký hoặc đã tắt nhắc nhở).")
    return 0


def _table(items: list[dict]) -> str:
    header = ("Đơn vị", "NV", "Mốc", "Hạn", "Loại", "Trước hạn", "Người nhận")
    rows = [
        (
            item["recipient_unit"] or "(điều phối)",
            str(item["task"] or "—"),
            _clip(item["milestone"], 40),
            _date(item["due"]),
            DUE_KIND_NAMES.get(item["kind"], item["kind"]),
            "—" if item["days_before"] is None else str(item["days_before"]),
            ", ".join(f"#{uid}" for uid in item["recipients"])
            or f"(không ai: {NOBODY_REASONS.get(item['unreachable_reason'] or '', item['unreachable_reason'] or '?')})",
        )
        for item in items
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    line = lambda row: "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))  # noqa: E731
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def _date(iso: str | None) -> str:
    if not iso:
        return "—"
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
