"""`cchc-bot plan check PATH [--json] [--year N]`: read a plan document without storing it and show what
was understood — tasks, units, each deadline phrase → its milestones, the phrases that need a date and
the unit names the directory does not know (docs/contracts.md §2), so a coordinator can check a new
plan before importing it. A malformed document stops with the row named, as `plan import` does."""

from __future__ import annotations

import json
from typing import Any

from bot.bootstrap import App
from bot.cli import register

KIND_WORDS = {
    "date": "hạn", "year_round": "cả năm", "annual": "hằng năm", "recurring": "định kỳ", "relative": "sau sự kiện",
    "after_event": "sau sự kiện", "periodic_report": "báo cáo định kỳ", "per_authority": "theo quy định",
    "on_request": "khi có yêu cầu", "needs_date": "CẦN XÁC ĐỊNH THỜI HẠN",
}


@register("plan check")
async def cmd_plan_check(app: App, args) -> int:
    report = app.plans.check(args.path, args.year)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("\n".join(describe(report, app)))
    return 0


def describe(report: dict[str, Any], app: App) -> list[str]:
    plan = report["plan"]
    rows = sum(len(t["assignments"]) for t in report["tasks"])
    lines = [f"{plan['title']} — {plan['issuer']}: {len(report['tasks'])} nhiệm vụ, {rows} dòng phân công."]
    for task in report["tasks"]:
        lines.append(f"NV {task['number']}. {task['title']}")
        for a in task["assignments"]:
            leads = ", ".join(app.units.name(u) for u in a["lead"]) or "—"
            unknown = "".join(f"; chưa có trong danh mục: «{n}»" for n in a["unknown_lead"])
            coordinating = ", ".join([*(app.units.name(u) for u in a["coordinating"]), *a["external_coordinating"]])
            lines.append(f"  chủ trì: {leads}{unknown}" + (f" · phối hợp: {coordinating}" if coordinating else ""))
            lines.append(f"  «{a['deadline_text']}» → " + "; ".join(_milestone(m) for m in a["milestones"]))
    lines.append(_needs_date(report["needs_date"]))
    lines.append(_unknown_units(report["unknown_units"]))
    return lines


def _milestone(m: dict[str, Any]) -> str:
    due = m["due"]
    when = f"{due[8:10]}/{due[5:7]}/{due[:4]}" if due else ""
    kind = KIND_WORDS.get(m["kind"], m["kind"])
    return f"{kind} {when}".strip() + (f" ({m['label']})" if m["label"] != m["text"] else "")


def _needs_date(items: list[dict[str, Any]]) -> str:
    if not items:
        return "Mọi thời hạn đều hiểu được."
    listed = ", ".join(f"NV {i['task']} «{i['text']}»" for i in items)
    return f"{len(items)} mốc cần xác định thời hạn (nhập vẫn được, đặt hạn sau bằng «nv N hạn 30/06»): {listed}."


def _unknown_units(items: list[dict[str, Any]]) -> str:
    if not items:
        return "Mọi đơn vị chủ trì đều có trong danh mục."
    parts = [
        f"NV {i['task']} «{i['name']}» — đơn vị chưa có trong danh mục"
        + (f"; có phải «{i['suggestion']}»?" if i["suggestion"] else "")
        for i in items
    ]
    return f"{len(items)} đơn vị chưa có trong danh mục (thêm vào aliases trong units.yaml): " + " · ".join(parts) + "."
