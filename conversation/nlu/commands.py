"""Slash commands (`/viec`, `/nv 17`, `/capnhat 17 xong`, ...) mapped to the same intents as free text.

Commands are for people who prefer them and for Telegram's command menu; they are exact, so their
results carry confidence 1.0. Arguments after the command are parsed with the same slot extractors as
free text ("/viec vp quý sau", "/capnhat 17 vướng chưa có kinh phí"). In groups Telegram appends the
bot's name ("/viec@cchc_bot"), which is ignored. An unknown command is `unknown`, so the user gets the
polite "not understood" answer with suggestions.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Protocol

from conversation.intents import SLASH
from conversation.nlu.normalize import Normalized
from conversation.nlu.periods import find_period, find_report_period, quarter_of, quarter_range
from conversation.nlu.result import NluResult
from conversation.nlu.slots import (
    LIST_STATUS,
    UPDATE_STATUS,
    blocked_reason,
    find_code,
    find_percent,
    find_status,
    mask,
)
from domain.text import fold


class Understander(Protocol):
    """What the command parser uses of `conversation.nlu.intents.Understander` (no import: no cycle)."""

    def normalize(self, text: str) -> Normalized: ...
    def find_unit(self, s: str) -> str | None: ...
    def find_section(self, s: str) -> int | None: ...
    def best_task(self, content: str) -> tuple[int, float] | None: ...

_COMMAND = re.compile(r"^/(?P<name>[^\s@/]+?)(?P<glued>\d*)(?:@[\w.]+)?(?:\s+(?P<args>.*))?$", re.S)

# every spelling → (canonical command, intent), from the one intent table
ALIASES: dict[str, tuple[str, str]] = SLASH
_REPORT_TOKENS = {"q1": "Q1", "q2": "Q2", "q3": "Q3", "h1": "H1", "y": "Y", "nam": "Y", "6t": "H1", "6thang": "H1",
                  "q4": "Y", "canam": "Y"}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7}


def parse_command(nlu: Understander, text: str, today: dt.date) -> NluResult | None:
    """The intent of a slash command, or None when `text` is not shaped like one (e.g. "/ hello")."""
    m = _COMMAND.match(text.strip())
    if not m:
        return None
    name = fold(m.group("name")).replace(" ", "")
    args = ((m.group("glued") or "") + " " + (m.group("args") or "")).strip()
    found_command = ALIASES.get(name)
    if found_command is None:
        return NluResult("unknown", confidence=1.0)
    command, intent = found_command
    norm = nlu.normalize(args) if args else None
    s = norm.text if norm else ""
    number = _first_int(s)
    if command == "nhiemvu":  # "/nhiemvu" lists, "/nhiemvu 17" shows one task
        command = "nv" if number is not None else "viec"

    if command in ("viec", "quynay", "trehan", "thuongxuyen"):
        found = find_period(s, today) if s else None
        period = found[0] if found else None
        if command == "quynay":
            period = quarter_range(today.year, quarter_of(today))
        status = "overdue" if command == "trehan" else (find_status(s, LIST_STATUS) or (None,))[0]
        scope = "year_round" if command == "thuongxuyen" else None
        return NluResult("list_tasks", unit=nlu.find_unit(s) if s else None, period=period, status=status, scope=scope)
    if command == "nv":
        if number is None and s:
            match = nlu.best_task(s)
            if match:
                return NluResult("task_info", task=match[0], confidence=max(match[1], 0.5), task_source="description")
        return NluResult("task_info", task=number, task_source="number" if number is not None else None)
    if command == "capnhat":
        return _update(nlu, norm, number)
    if command == "baocao":
        return NluResult("report_schedule", report=_report(s, today))
    if command == "baocao_cchc":
        return NluResult("report_draft", report=_report(s, today))
    if command == "chitieu":
        return NluResult("targets", section=_section(nlu, s))
    if command == "tiendo":
        return NluResult("progress", unit=nlu.find_unit(s) if s else None)
    if command in ("start", "dangky"):
        code = find_code(args, frozenset(), strict=False) if args else None
        if command == "start" and code is None:
            return NluResult("help")
        return NluResult("register", code=code)
    if intent == "reminder_settings":
        return NluResult("reminder_settings", reminder=_reminder(s))
    if command == "minhchung":
        return NluResult("evidence", task=number)
    if intent == "export":
        return NluResult("export", report=_report(s, today), unit=nlu.find_unit(s) if s else None)
    if intent in ("history", "review"):
        return NluResult(intent, task=number)
    if intent == "web_link":
        return NluResult("web_link")
    if intent == "broadcast":
        return NluResult("broadcast", note=args or None)
    return NluResult(intent)  # a command with no arguments: its intent from the table


def _first_int(s: str) -> int | None:
    m = re.search(r"\b(\d{1,4})\b", s)
    return int(m.group(1)) if m else None


def _update(nlu: Understander, norm: Normalized | None, number: int | None) -> NluResult:
    """`/capnhat 17 xong`, `/capnhat 17 dang lam 60`, `/capnhat 17 vuong <lý do>`, `/capnhat 17 chua lam`."""
    if norm is None:
        return NluResult("update_status")
    s = norm.text
    rest = re.sub(r"^\s*\d{1,4}\b", " ", s, count=1) if number is not None else s
    found = find_status(rest, UPDATE_STATUS)
    status = found[0] if found else None
    percent = find_percent(rest, bare=True)
    value = percent[0] if percent else None
    if value is None:  # "/capnhat 17 dang lam 60": a bare number after the task number is a percentage
        m = re.search(r"\b(\d{1,3})\b", mask(rest, [found[1]]) if found else rest)
        if m and int(m.group(1)) <= 100:
            value = int(m.group(1))
    if value is not None and status != "blocked":
        status = "done" if value == 100 else "in_progress" if value > 0 or status == "in_progress" else "not_started"
    if status is None and re.search(r"\b(?:ok|xong|done)\b", rest):
        status = "done"
    note = blocked_reason(norm) if status == "blocked" else None
    return NluResult(
        "update_status", task=number, status=status, percent=value, note=note,
        task_source="number" if number is not None else None,
    )


def _report(s: str, today: dt.date) -> str | None:
    for token in s.split():
        if token in _REPORT_TOKENS:
            return _REPORT_TOKENS[token]
    return find_report_period(s, today) if s else None


def _section(nlu: Understander, s: str) -> int | None:
    token = s.split()[0] if s else ""
    if token.isdigit():
        return int(token) if 1 <= int(token) <= 7 else None
    if token in _ROMAN:
        return _ROMAN[token]
    return nlu.find_section(s) if s else None


def _reminder(s: str) -> dict[str, Any] | None:
    if not s:
        return None
    if re.search(r"\b(?:tat|off|ngung|dung|huy)\b", s):
        return {"action": "off"}
    if re.search(r"\b(?:bat|on|mo)\b", s):
        return {"action": "on"}
    m = re.search(r"\b(\d{1,2})\b", s)
    if m:
        return {"action": "days_before", "days": int(m.group(1))}
    return None
