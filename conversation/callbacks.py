"""Button data, typed: one dataclass per button kind, encoded as `<prefix>:<field>:<field>…`.

Telegram gives a button at most 64 bytes of data and sends it back verbatim — from a message of any
age, or forged by a client. So every kind declares its fields, `encode` checks the 64-byte limit, and
`decode` accepts only what `encode` could have produced: integers are bounded digits, words come from
a fixed set, dates are yyyymmdd. Anything else raises `InvalidButton`, which the router answers with
«nút không hợp lệ» — never a traceback, never a write.

    data = encode(SetStatus(lead_id=12, status="done"))      # "st:12:done"
    decode(data)                                             # SetStatus(lead_id=12, status="done")

A field typed `X | None` is written `-` when None; trailing None fields are left out entirely (so
`rv:l` and `rv:a:7` are the same kind). Adding a kind: a frozen dataclass with `PREFIX` below, and a
handler `@callback(TheKind)`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar

from domain.messages import CALLBACK_DATA_MAX_BYTES

MAX_INT = 2**31 - 1  # every id in the database is a 32-bit integer
_DIGITS = re.compile(r"\d{1,10}")
_WORD = re.compile(r"[A-Za-z0-9_\-]{1,40}")
_DAY = re.compile(r"\d{8}")
NONE = "-"


class InvalidButton(ValueError):
    """Button data that no current button could carry (forged, truncated or from an old version)."""


def choices(*values: str) -> Any:
    """A field that takes one of `values` only."""
    return field(metadata={"choices": frozenset(values)})


@dataclass(frozen=True)
class ButtonData:
    PREFIX: ClassVar[str] = ""


STATUS_VALUES = ("done", "in_progress", "blocked", "not_started")


@dataclass(frozen=True)
class SetStatus(ButtonData):
    """A status button under a task detail or a reminder: write this status on that share."""

    PREFIX: ClassVar[str] = "st"
    lead_id: int
    status: str = choices(*STATUS_VALUES)


@dataclass(frozen=True)
class AttachEvidence(ButtonData):
    """📎: attach the file waiting in the chat to that share (or ask for one)."""

    PREFIX: ClassVar[str] = "ev"
    lead_id: int


@dataclass(frozen=True)
class PickShare(ButtonData):
    """Which share of a task with several a pending update is for."""

    PREFIX: ClassVar[str] = "pk"
    lead_id: int


@dataclass(frozen=True)
class Confirm(ButtonData):
    """✔️ / ✖️ under «Anh/chị muốn cập nhật …?»."""

    PREFIX: ClassVar[str] = "cf"
    answer: str = choices("yes", "no")


@dataclass(frozen=True)
class ListPage(ButtonData):
    """◀ ▶ of a task list: the same question, another page."""

    PREFIX: ClassVar[str] = "ls"
    unit: str | None
    start: dt.date | None
    end: dt.date | None
    status: str | None
    page: int
    scope: str | None = None  # "all": the year-round work folded out of the first answer
    year: int | None = None  # a past year's plan («năm 2022 …»); None: the plan in use


@dataclass(frozen=True)
class TargetsPage(ButtonData):
    """◀ ▶ of one area's targets."""

    PREFIX: ClassVar[str] = "ct"
    section: int
    page: int


@dataclass(frozen=True)
class PickTarget(ButtonData):
    """The right target for a figure waiting for confirmation, chosen among the alternatives."""

    PREFIX: ClassVar[str] = "tg"
    target_id: int


@dataclass(frozen=True)
class Review(ButtonData):
    """Evidence review: a/r/x <evidence id>, n <task|0> <after id>, l (the queue from the start)."""

    PREFIX: ClassVar[str] = "rv"
    action: str = choices("a", "r", "x", "n", "l")
    first: int | None = None
    second: int | None = None


@dataclass(frozen=True)
class Broadcast(ButtonData):
    PREFIX: ClassVar[str] = "bc"
    action: str = choices("go", "no")


@dataclass(frozen=True)
class ReminderChannel(ButtonData):
    PREFIX: ClassVar[str] = "rc"
    channel: str = choices("telegram", "zalo")


@dataclass(frozen=True)
class Snooze(ButtonData):
    """Under a reminder `sn:<delivery id>:1d|3d|mon`, under the settings `sn:set:on|off|resume|d<N>`
    (the reminders' own vocabulary: words checked for shape here, for meaning by the handler)."""

    PREFIX: ClassVar[str] = "sn"
    target: str
    choice: str | None = None  # missing: a button of an older version (the handler says so)


KINDS: dict[str, type[ButtonData]] = {
    k.PREFIX: k for k in (SetStatus, AttachEvidence, PickShare, Confirm, ListPage, TargetsPage, PickTarget, Review, Broadcast, ReminderChannel, Snooze)
}


def encode(data: ButtonData) -> str:
    values = [getattr(data, f.name) for f in dataclasses.fields(data)]
    while values and values[-1] is None:  # trailing empty fields are left out
        values.pop()
    text = ":".join([data.PREFIX, *map(_encode_value, values)])
    if len(text.encode()) > CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"button data over {CALLBACK_DATA_MAX_BYTES} bytes: {text!r}")
    decode(text)  # what we send must be what we accept
    return text


def decode(text: str) -> ButtonData:
    """The typed button, or InvalidButton. An unknown prefix raises `UnknownButton` (an old kind)."""
    if not isinstance(text, str) or len(text.encode()) > CALLBACK_DATA_MAX_BYTES:
        raise InvalidButton(text)
    prefix, *raw = text.split(":")
    kind = KINDS.get(prefix)
    if kind is None:
        raise UnknownButton(prefix)
    fields, hints = _shape(prefix)
    if len(raw) > len(fields):
        raise InvalidButton(text)
    values = {}
    for i, f in enumerate(fields):
        if i < len(raw):
            values[f.name] = _decode_value(raw[i], hints[f.name], f, text)
        elif _optional(hints[f.name]):
            values[f.name] = None
        else:
            raise InvalidButton(text)
    return kind(**values)


@functools.cache
def _shape(prefix: str) -> tuple[tuple[dataclasses.Field[Any], ...], dict[str, Any]]:
    """The fields of a kind of button (by its prefix) and their types, read once: every button sent is
    decoded back, and reading the type hints was most of a decode."""
    kind = KINDS[prefix]
    return dataclasses.fields(kind), typing.get_type_hints(kind)


class UnknownButton(InvalidButton):
    """A prefix no handler knows (a button of a feature since removed)."""


def _encode_value(value: object) -> str:
    if value is None:
        return NONE
    if isinstance(value, bool):
        raise TypeError("booleans are written as words")
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    return str(value)


def _optional(hint: object) -> bool:
    return isinstance(hint, types.UnionType) and type(None) in hint.__args__


def _decode_value(raw: str, hint: Any, f: dataclasses.Field[Any], text: str) -> str | int | dt.date | None:
    if _optional(hint):
        if raw == NONE:
            return None
        hint = next(a for a in hint.__args__ if a is not type(None))
    if hint is int:
        if not _DIGITS.fullmatch(raw) or int(raw) > MAX_INT:
            raise InvalidButton(text)
        return int(raw)
    if hint is dt.date:
        if not _DAY.fullmatch(raw):
            raise InvalidButton(text)
        try:
            return dt.datetime.strptime(raw, "%Y%m%d").date()
        except ValueError as exc:
            raise InvalidButton(text) from exc
    allowed = f.metadata.get("choices")
    if allowed is not None and raw not in allowed:
        raise InvalidButton(text)
    if not _WORD.fullmatch(raw) or raw == NONE:
        raise InvalidButton(text)
    return raw
