"""The conversation core's typed pieces: the button-data codec, the chat state, the intent table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversation import callbacks, registry
from conversation.callbacks import (
    MAX_INT,
    AttachEvidence,
    Confirm,
    InvalidButton,
    ListPage,
    Review,
    SetStatus,
    Snooze,
    UnknownButton,
    decode,
    encode,
)
from conversation.intents import INTENTS, SLASH, help_sections, menu_commands
from conversation.state import ChatState
from domain.messages import CALLBACK_DATA_MAX_BYTES
from presentation.help import help_text

ROOT = Path(__file__).resolve().parents[2]

ids = st.integers(min_value=0, max_value=MAX_INT)
words = st.from_regex(r"[A-Za-z0-9_\-]{1,40}", fullmatch=True).filter(lambda w: w != "-")  # "-" writes None
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


def _strategy(kind: type) -> st.SearchStrategy:
    """Every value a field of `kind` can hold, at its largest too."""
    import typing

    hints = typing.get_type_hints(kind)
    fields = {}
    for f in dataclasses.fields(kind):
        hint = hints[f.name]
        optional = isinstance(hint, type(int | None)) and type(None) in hint.__args__
        base = next((a for a in getattr(hint, "__args__", (hint,)) if a is not type(None)), hint)
        allowed = f.metadata.get("choices")
        value = (
            st.sampled_from(sorted(allowed)) if allowed else ids if base is int else days if base is dt.date else words
        )
        fields[f.name] = st.one_of(st.none(), value) if optional else value
    return st.builds(kind, **fields)


@pytest.mark.parametrize("kind", list(callbacks.KINDS.values()), ids=lambda k: k.PREFIX)
@given(data=st.data())
def test_every_button_kind_round_trips_within_64_bytes(kind, data):
    button = data.draw(_strategy(kind))
    try:
        text = encode(button)
    except ValueError as too_long:  # only the word fields can make data too long; never silently cut
        assert "64" in str(too_long) or str(CALLBACK_DATA_MAX_BYTES) in str(too_long)
        return
    assert len(text.encode()) <= CALLBACK_DATA_MAX_BYTES
    decoded = decode(text)
    if isinstance(button, Review | ListPage):  # trailing None fields are left out, and come back as None
        assert encode(decoded) == text
    else:
        assert decoded == button


def test_the_largest_buttons_the_bot_builds_fit_telegram():
    from bot.settings import DEFAULTS
    from domain.units import UnitDirectory

    units = UnitDirectory.load(DEFAULTS / "units.yaml").units
    biggest = [
        SetStatus(MAX_INT, "in_progress"),
        AttachEvidence(MAX_INT),
        # a past year's list of any bundled unit on page 10,000 (a 5,000-task plan lists at most 500 pages)
        *(ListPage(unit.id, dt.date(2022, 7, 1), dt.date(2022, 9, 30), "not_started", 9_999, "all", 2022)
          for unit in units),
        Review("n", MAX_INT, MAX_INT),
        Snooze(str(MAX_INT), "mon"),
    ]
    for button in biggest:
        assert len(encode(button).encode()) <= CALLBACK_DATA_MAX_BYTES


@pytest.mark.parametrize(
    "data",
    [
        "st:99999999999999999999:done",  # over 32 bits
        "st:2147483648:done",
        "st:12:deleted",  # not a status
        "st:12",  # a field missing
        "st:12:done:extra",
        "st:-1:done",
        "st:1e3:done",
        "cf:maybe",
        "ls:van-phong:20221301:-:-:0",  # no 13th month
        "rv:a:x",
        "x" * 65,
    ],
)
def test_forged_or_broken_data_is_refused(data):
    with pytest.raises(InvalidButton):
        decode(data)


def test_a_prefix_nobody_knows_is_an_old_button():
    with pytest.raises(UnknownButton):
        decode("zz:1")


def test_status_button_data_is_built_in_one_place():
    """`st:<lead>:<status>` appears nowhere but in the codec (task details and reminders use it)."""
    built = re.compile(r"""f?["']st:\{""")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("conversation", "handlers", "presentation", "services", "scheduler", "bot")
        for path in (ROOT / folder).rglob("*.py")
        if built.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert encode(SetStatus(17, "done")) == "st:17:done"


def test_every_button_kind_has_a_handler():
    import handlers

    handlers.load_all()
    assert set(callbacks.KINDS) <= set(registry.CALLBACKS)


def test_chat_state_round_trips_and_keeps_what_it_does_not_know():
    raw = {"choices": ["st:1:done", 7], "awaiting": {"kind": "reason", "lead_id": 3}, "task": 17, "later": {"x": 1}}
    state = ChatState.from_json(raw)
    assert state.choices == ["st:1:done"] and state.awaiting_kind == "reason" and state.task == 17
    assert state.extra == {"later": {"x": 1}}
    out = state.to_json()
    assert out["later"] == {"x": 1} and "pending" not in out and out["task"] == 17
    assert ChatState.from_json({"awaiting": "garbage", "task": "17"}).awaiting is None
    assert ChatState.from_json(None) == ChatState()


def test_intent_table_drives_help_slash_commands_and_the_telegram_menu():
    menu = dict(menu_commands())
    assert menu_commands()[0][0] == "start"
    assert {"viec", "nv", "capnhat", "huongdan"} <= set(menu)
    for spec in INTENTS:
        for command in spec.commands:
            assert SLASH[command.name] == (command.name, spec.name)
            for alias in command.aliases:
                assert SLASH[alias][1] == spec.name
    lines = [line for _, items in help_sections(coordinator=True) for line in items]
    assert any("trang web tổng quan (/web)" in line for line in lines)  # a line of the table, as written there
    from bot.settings import DEFAULTS
    from domain.units import UnitDirectory

    text = help_text(None, UnitDirectory.load(DEFAULTS / "units.yaml"))
    assert "/viec" in text and "quý này có việc gì đến hạn?" in text
    assert "thông báo tới trưởng các đơn vị" not in text  # coordinators' lines only for them


def test_a_slash_command_with_no_arguments_needs_only_its_table_entry():
    """/duyet and /toi have no branch of their own in the command parser: the table gives the intent."""
    from conversation.nlu.commands import parse_command

    class Plain:
        def normalize(self, text):
            raise AssertionError("no arguments to read")

    assert parse_command(Plain(), "/toi", dt.date(2022, 8, 15)).intent == "whoami"
    assert parse_command(Plain(), "/duyet@cchc_bot", dt.date(2022, 8, 15)).intent == "review"
    assert parse_command(Plain(), "/khongco", dt.date(2022, 8, 15)).intent == "unknown"


def test_confirm_button_words():
    assert encode(Confirm("yes")) == "cf:yes"
