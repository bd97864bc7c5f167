"""`cchc-bot plan diff --from YEAR --to YEAR [--json]`: what changed from one year's plan to the next
(docs/contracts.md §2)."""

from __future__ import annotations

import argparse
import json

from bot.bootstrap import App
from bot.cli import register
from domain.plan_diff import PlanDiff, TaskChange, TaskOutline
from presentation.plan_diff import diff_text


def _task_json(t: TaskOutline) -> dict[str, object]:
    return {"number": t.number, "title": t.title, "lead": list(t.leads)}


def _change_json(c: TaskChange) -> dict[str, object]:
    return {
        "from_number": c.old.number,
        "to_number": c.new.number,
        "title": c.new.title,
        "title_changed": c.title_changed,
        "deadlines_changed": c.deadlines_changed,
        "products_changed": c.products_changed,
        "leads_added": list(c.leads_added),
        "leads_removed": list(c.leads_removed),
    }


def diff_json(diff: PlanDiff) -> dict[str, object]:
    return {
        "from": diff.from_year,
        "to": diff.to_year,
        "added": [_task_json(t) for t in diff.added],
        "removed": [_task_json(t) for t in diff.removed],
        "changed": [_change_json(c) for c in diff.changed],
        "lead_changes": [_change_json(c) for c in diff.lead_changes],
        "renumbered": [{"from_number": c.old.number, "to_number": c.new.number} for c in diff.kept if c.renumbered],
    }


@register("plan diff")
async def cmd_plan_diff(app: App, args: argparse.Namespace) -> int:
    diff = await app.plans.diff(args.from_year, args.to_year)
    if args.json:
        print(json.dumps(diff_json(diff), ensure_ascii=False, indent=2))
    else:
        print(diff_text(diff, app.units))
    return 0
