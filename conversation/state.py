"""What the bot remembers about one chat between two messages, typed.

Stored as JSON in the `chat_states` row of the chat (through `services.inbox.Inbox`, with an expiry),
so it survives a restart and is shared by several bot processes. This module is the only writer of
that row: the router, the handlers (`change`) and the Zalo sender (`change_for`) all go through it. The JSON keys are the field names;
unknown keys are kept untouched (another version of the bot may have written them).

- `choices`   the button data of the bot's last answer in this chat (typing «2» presses the 2nd);
              always replaced by the next answer — an answer without buttons leaves none
- `awaiting`  the next free text answers a question: {"kind": "reason"|"evidence_task"|…, …}
- `pending`   an update waiting for «có»/«không» or for the choice of a share
- `evidence_pending` a received file waiting for its task · `evidence_for` the share the next file is for
- `broadcast` a notice waiting for «Gửi»
- `task`      the task the last answer was about (so «xong rồi» right after it means that task)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from domain.messages import Incoming

if TYPE_CHECKING:
    from services.container import App
    from services.inbox import Inbox


class Context(Protocol):
    """What `load`/`change` use of `conversation.context.Context` (not imported: no cycle)."""

    @property
    def app(self) -> App: ...
    @property
    def message(self) -> Incoming: ...
    @property
    def now(self) -> dt.datetime: ...

    chat_written: bool


@dataclass
class ChatState:
    choices: list[str] = field(default_factory=list)
    awaiting: dict[str, Any] | None = None
    pending: dict[str, Any] | None = None
    evidence_pending: dict[str, Any] | None = None
    evidence_for: dict[str, Any] | None = None
    broadcast: dict[str, Any] | None = None
    task: int | None = None
    forward: str | None = None  # the «Sau ▶» button among `choices`: what «xem tiếp», «trang sau» press
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ChatState:
        data = dict(data or {})
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values = {k: data.pop(k) for k in list(data) if k in known}
        choices = values.get("choices")
        values["choices"] = [c for c in choices if isinstance(c, str)] if isinstance(choices, list) else []
        for name in ("awaiting", "pending", "evidence_pending", "evidence_for", "broadcast"):
            if name in values and not isinstance(values[name], dict):
                values[name] = None
        if "task" in values and not isinstance(values["task"], int):
            values["task"] = None
        if "forward" in values and not isinstance(values["forward"], str):
            values["forward"] = None
        return cls(**values, extra=data)

    def to_json(self) -> dict[str, Any]:
        out = dict(self.extra)
        for f in dataclasses.fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if value is not None and value != []:
                out[f.name] = value
        return out

    @property
    def awaiting_kind(self) -> str | None:
        return (self.awaiting or {}).get("kind")


async def load(ctx: Context) -> ChatState:
    return await load_for(ctx.app.inbox, ctx.message.channel, ctx.message.chat_id, ctx.now)


async def load_for(inbox: Inbox, channel: str, chat_id: str, now: dt.datetime) -> ChatState:
    return ChatState.from_json(await inbox.get_state(channel, chat_id, now))


async def change(ctx: Context, **changes: Any) -> ChatState:
    """Set fields of the chat's state (None clears one) and store it; the other fields are kept."""
    ctx.chat_written = True
    return await change_for(ctx.app.inbox, ctx.message.channel, ctx.message.chat_id, ctx.now, **changes)


async def change_for(inbox: Inbox, channel: str, chat_id: str, now: dt.datetime, **changes: Any) -> ChatState:
    names = {f.name for f in dataclasses.fields(ChatState)} - {"extra"}
    unknown = set(changes) - names
    if unknown:
        raise TypeError(f"unknown chat state fields: {sorted(unknown)}")
    state = await load_for(inbox, channel, chat_id, now)
    for name, value in changes.items():
        setattr(state, name, [] if name == "choices" and value is None else value)
    await save_for(inbox, channel, chat_id, state, now)
    return state


async def save_for(inbox: Inbox, channel: str, chat_id: str, state: ChatState, now: dt.datetime) -> None:
    """Store the whole state (one write, no read: the caller holds the current state)."""
    await inbox.set_state(channel, chat_id, state.to_json(), now)
