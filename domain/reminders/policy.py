"""The reminder policy: when reminders go out, to whom, and how deliveries are retried and paced.

It is editable configuration (`bot/defaults/reminder_policy.yaml`, or the file named by
REMINDER_POLICY_FILE) because every department negotiates its own rhythm with its units; the code only
supplies defaults that match that file, so a partial copy still works.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from domain.yaml_text import parse_yaml

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[2] / "bot" / "defaults" / "reminder_policy.yaml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


TOP_LEVEL_KEYS = frozenset({
    "window", "before_due_working_days", "due_today", "overdue", "report_days_are_working_days",
    "catch_up_working_days", "recipients", "digest", "delivery", "year_round", "report_input", "year_end",
})


class PolicyError(ValueError):
    """The policy file is malformed; the message names the offending key (shown to the operator)."""


@dataclass(frozen=True)
class DigestPolicy:
    weekday: int = 0  # Monday; the digest goes out on the first working day from this weekday on
    time: dt.time = dt.time(8, 0)
    upcoming_report_days: int = 21
    max_items: int = 10
    max_overdue: int = 5  # overdue lines listed newest first; older ones are counted («+N việc trễ cũ hơn»)
    skip_empty: bool = True


@dataclass(frozen=True)
class DeliveryPolicy:
    rate_per_second: float = 29.0
    concurrency: int = 16
    lease_seconds: float = 300.0
    max_attempts: int = 5
    backoff_seconds: tuple[float, ...] = (60.0, 300.0, 900.0, 3600.0)
    claim_batch: int = 50

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (the last value repeats)."""
        steps = self.backoff_seconds or (60.0,)
        return steps[min(max(attempts, 1), len(steps)) - 1]


@dataclass(frozen=True)
class ReminderPolicy:
    window_start: dt.time = dt.time(8, 0)
    window_end: dt.time = dt.time(17, 0)
    before_due_working_days: tuple[int, ...] = (7, 3, 1)
    due_today: bool = True
    overdue_every_working_days: int = 3
    overdue_max_times: int = 5
    report_days_are_working_days: bool = False
    digest: DigestPolicy = field(default_factory=DigestPolicy)
    head_reminders: bool = True
    officer_reminders: bool = False
    coordinator_overview: bool = True
    catch_up_working_days: int = 5
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    # «Cả năm» work: no countdown to 31/12; a check-in this many working days before each cut-off of
    # the named periodic report (the reporting calendar's `cutoff`).
    checkin_report: str = "cchc"
    checkin_working_days_before: int = 5
    # Units that feed a consolidated periodic report (its coordinating units) are asked for their
    # input this many working days before the report's cut-off.
    report_input_working_days_before: int = 3
    # The plan year closes: no overdue reminders after 31/12; a year-end summary on the next working day.
    year_end_summary: bool = True

    # -- loading ------------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> ReminderPolicy:
        path = Path(path) if path else DEFAULT_POLICY_FILE
        try:
            data = parse_yaml(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (dòng {mark.line + 1})" if mark else ""
            problem = getattr(exc, "problem", None) or type(exc).__name__
            raise PolicyError(f"tệp chính sách nhắc việc {path} không đọc được{where}: {problem}") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReminderPolicy:
        try:
            return cls._from_dict(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise PolicyError(f"chính sách nhắc việc không hợp lệ: {exc}") from None

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> ReminderPolicy:
        if not isinstance(data, dict):
            raise ValueError("tệp phải là một bảng khóa: giá trị (xem bot/defaults/reminder_policy.yaml)")
        unknown = set(data) - TOP_LEVEL_KEYS
        if unknown:  # a misspelt key would otherwise silently keep the default
            raise ValueError(f"khóa không biết {sorted(unknown)} (các khóa: {', '.join(sorted(TOP_LEVEL_KEYS))})")
        policy = cls()
        values: dict[str, Any] = {}
        window = data.get("window") or {}
        if "start" in window:
            values["window_start"] = _time(window["start"])
        if "end" in window:
            values["window_end"] = _time(window["end"])
        if "before_due_working_days" in data:
            values["before_due_working_days"] = _offsets(data["before_due_working_days"])
        if "due_today" in data:
            values["due_today"] = bool(data["due_today"])
        overdue = data.get("overdue") or {}
        if "every_working_days" in overdue:
            values["overdue_every_working_days"] = _positive(overdue["every_working_days"], "overdue.every_working_days")
        if "max_times" in overdue:
            values["overdue_max_times"] = int(overdue["max_times"])
        if "report_days_are_working_days" in data:
            values["report_days_are_working_days"] = bool(data["report_days_are_working_days"])
        if "catch_up_working_days" in data:
            values["catch_up_working_days"] = int(data["catch_up_working_days"])
        recipients = data.get("recipients") or {}
        for key, attr in (("head", "head_reminders"), ("officer", "officer_reminders"),
                          ("coordinator_overview", "coordinator_overview")):
            if key in recipients:
                values[attr] = bool(recipients[key])
        if data.get("digest"):
            values["digest"] = _digest(data["digest"], policy.digest)
        year_round = data.get("year_round") or {}
        if "checkin_report" in year_round:
            values["checkin_report"] = str(year_round["checkin_report"])
        if "checkin_working_days_before" in year_round:
            values["checkin_working_days_before"] = int(year_round["checkin_working_days_before"])
        report_input = data.get("report_input") or {}
        if "working_days_before" in report_input:
            values["report_input_working_days_before"] = int(report_input["working_days_before"])
        year_end = data.get("year_end") or {}
        if "summary" in year_end:
            values["year_end_summary"] = bool(year_end["summary"])
        if data.get("delivery"):
            values["delivery"] = _delivery(data["delivery"], policy.delivery)
        result = replace(policy, **values)
        if result.window_start >= result.window_end:
            raise ValueError("window: start phải trước end")
        return result

    # -- derived ------------------------------------------------------------------------------------
    def offsets_for(self, days_before: int | None) -> tuple[int, ...]:
        """A user's before-due offsets: «nhắc trước N ngày» moves the first reminder to N working days
        and keeps the policy's closer ones, so the last-minute nudges are never lost."""
        if days_before is None:
            return self.before_due_working_days
        closer = [d for d in self.before_due_working_days if d < days_before]
        return tuple(sorted({days_before, *closer} - {0}, reverse=True))


def _digest(digest: dict[str, Any], d: DigestPolicy) -> DigestPolicy:
    return DigestPolicy(
        weekday=WEEKDAYS.index(str(digest.get("weekday", WEEKDAYS[d.weekday])).lower()),
        time=_time(digest["time"]) if "time" in digest else d.time,
        upcoming_report_days=int(digest.get("upcoming_report_days", d.upcoming_report_days)),
        max_items=int(digest.get("max_items", d.max_items)),
        max_overdue=int(digest.get("max_overdue", d.max_overdue)),
        skip_empty=bool(digest.get("skip_empty", d.skip_empty)),
    )


def _delivery(delivery: dict[str, Any], default: DeliveryPolicy) -> DeliveryPolicy:
    unknown = set(delivery) - {f.name for f in fields(DeliveryPolicy)}
    if unknown:
        raise ValueError(f"delivery: khóa không biết {sorted(unknown)}")
    converted = dict(delivery)
    if "backoff_seconds" in converted:
        converted["backoff_seconds"] = tuple(float(x) for x in converted["backoff_seconds"])
    return replace(default, **converted)


def _time(value: Any) -> dt.time:
    if isinstance(value, int):  # YAML reads 08:00 unquoted as sexagesimal minutes
        return dt.time(value // 60, value % 60)
    return dt.time.fromisoformat(str(value))


def _offsets(value: Any) -> tuple[int, ...]:
    offsets = tuple(sorted({int(x) for x in value}, reverse=True))
    if any(x <= 0 for x in offsets):
        raise ValueError("before_due_working_days: các số phải dương (hạn chót là due_today)")
    return offsets


def _positive(value: Any, name: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(f"{name} phải dương")
    return number
