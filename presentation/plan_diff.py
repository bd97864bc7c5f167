"""A new year's plan against last year's, in words: the whole department's changes (`plan diff`) and
the part that concerns one unit (the first message of the new year to its head)."""

from __future__ import annotations

from domain.plan_diff import PlanDiff, TaskChange, TaskOutline
from domain.units import UnitDirectory
from presentation.format import short

SHOWN = 10  # a phone screen: the rest is counted, not listed


def _task(t: TaskOutline) -> str:
    return f"NV {t.number}: {short(t.title)}"


def _change(c: TaskChange, units: UnitDirectory) -> str:
    what: list[str] = []
    if c.title_changed:
        what.append("tên")
    if c.deadlines_changed:
        what.append("thời hạn")
    if c.products_changed:
        what.append("sản phẩm")
    if c.leads_added:
        what.append("thêm chủ trì " + ", ".join(units.name(u) for u in c.leads_added))
    if c.leads_removed:
        what.append("bỏ chủ trì " + ", ".join(units.name(u) for u in c.leads_removed))
    number = f"NV {c.new.number} (năm trước NV {c.old.number})" if c.renumbered else f"NV {c.new.number}"
    return f"{number}: {short(c.new.title)} — đổi {'; '.join(what)}"


def _block(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    shown = [f"• {line}" for line in lines[:SHOWN]]
    more = [f"• … và {len(lines) - SHOWN} việc khác"] if len(lines) > SHOWN else []
    return [f"{title} ({len(lines)}):", *shown, *more]


def diff_text(diff: PlanDiff, units: UnitDirectory) -> str:
    """The department's changes from one year to the next, as the `plan diff` command prints them."""
    renumbered = sum(1 for c in diff.kept if c.renumbered)
    lines = [
        f"Kế hoạch {diff.to_year} so với {diff.from_year}: {len(diff.added)} nhiệm vụ mới, "
        f"{len(diff.removed)} nhiệm vụ bỏ, {len(diff.changed)} nhiệm vụ thay đổi, {renumbered} nhiệm vụ đổi số thứ tự."
    ]
    lines += _block("Nhiệm vụ mới", [_task(t) for t in diff.added])
    lines += _block("Nhiệm vụ không còn", [f"NV {t.number} năm {diff.from_year}: {short(t.title)}" for t in diff.removed])
    lines += _block("Thay đổi", [_change(c, units) for c in diff.changed])
    return "\n".join(lines)


def new_year_text(diff: PlanDiff, unit_id: str, units: UnitDirectory) -> str:
    """What is new this year for one unit: the first message its head reads when the plan is imported."""
    mine = diff.for_unit(unit_id)
    led = [c for c in mine.kept if unit_id in c.new.leads]
    head = (
        f"📅 Kế hoạch CCHC năm {diff.to_year} đã được nhập. {units.name(unit_id)} chủ trì "
        f"{len(led) + len(mine.added)} nhiệm vụ; số thứ tự nhiệm vụ có thể khác năm {diff.from_year}."
    )
    lines = [head]
    lines += _block("Việc mới của đơn vị", [_task(t) for t in mine.added])
    lines += _block("Không còn chủ trì", [f"NV {t.number} năm {diff.from_year}: {short(t.title)}" for t in mine.removed])
    lines += _block("Thay đổi", [_change(c, units) for c in mine.changed])
    lines.append("Gõ «việc của tôi năm nay» để xem danh sách.")
    return "\n".join(lines)
