"""The NLU's output types. Kept apart from the rules so that handlers can import them without pulling in
the matching machinery."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

CONTRACT_KEYS = ("intent", "task", "unit", "period", "status", "percent", "report", "section", "code")


@dataclass(frozen=True)
class Period:
    """An inclusive date range (docs/contracts.md §3: ranges are inclusive)."""

    start: dt.date
    end: dt.date

    def to_contract(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


# Internal intents shown as a contract intent by `to_contract` (docs/contracts.md §3).
CONTRACT_INTENTS = {"thanks": "greeting", "goodbye": "greeting"}


@dataclass
class NluResult:
    """What a message means. `to_contract()` is the docs/contracts.md §3 view; the other fields serve handlers."""

    intent: str
    task: int | None = None
    unit: str | None = None
    period: Period | None = None
    status: str | None = None
    percent: int | None = None
    report: str | None = None
    section: int | None = None
    code: str | None = None
    # < 0.75 means "ask the user to confirm before writing anything" (see handlers/update_status.py).
    confidence: float = 1.0
    note: str | None = None
    trigger_date: dt.date | None = None
    # set_deadline: the date a coordinator gives a milestone imported without one («nv 3 hạn 30/06»)
    due_date: dt.date | None = None
    choice: int | None = None
    reminder: dict[str, Any] | None = None
    # How the task number was found: "number" (typed), "description" (best match of the plan's titles).
    task_source: str | None = None
    # target_figure: {"value": 97.0, "numerator": None, "denominator": None} (value None: an impossible fraction)
    figure: dict[str, Any] | None = None
    # list_tasks: "year_round" asks for the work done all year (folded out of ordinary lists)
    scope: str | None = None
    # report_schedule: which periodic report — "cchc" or "kiem-soat-tthc"; not in docs/contracts.md §3 (a report
    # outside the calendar, «báo cáo đánh giá công chức», is task_info of its task)
    report_kind: str | None = None
    # update_status: the unit whose share a coordinator writes («cập nhật giúp phòng X: …»); not in §3
    target_unit: str | None = None
    # the plan year the message names («năm 2022 …», «năm ngoái …», «kế hoạch năm trước»; None: the current
    # plan answers); not in §3 — periods.named_year
    year: int | None = None

    def to_contract(self) -> dict[str, Any]:
        """Exactly the nine keys of docs/contracts.md §3, period as {"from", "to"} ISO dates or null. Thanks and goodbyes
        are answered apart (handlers/help.py) but are the contract's `greeting`."""
        return {
            "intent": CONTRACT_INTENTS.get(self.intent, self.intent),
            "task": self.task,
            "unit": self.unit,
            "period": self.period.to_contract() if self.period else None,
            "status": self.status,
            "percent": self.percent,
            "report": self.report,
            "section": self.section,
            "code": self.code,
        }
