"""Helpers to drive the router like a messenger would: users with invites, messages with ids."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from conversation.router import Router
from domain.messages import Incoming, Reply

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AUG_15_2022 = dt.datetime(2022, 8, 15, 9, 0, tzinfo=TZ)
_ids = itertools.count(1000)


class Chat:
    """One person's chat with the bot on a test channel."""

    def __init__(self, router: Router, sender_id: str, channel: str = "test", name: str = "") -> None:
        self.router = router
        self.sender_id = sender_id
        self.channel = channel
        self.name = name or f"Người dùng {sender_id}"

    async def say(self, text: str, *, message_id: str | None = None) -> list[Reply]:
        return await self.router.handle(
            Incoming(
                channel=self.channel, sender_id=self.sender_id, chat_id=self.sender_id, text=text,
                message_id=message_id or str(next(_ids)), sender_name=self.name,
            )
        )

    async def press(self, data: str) -> list[Reply]:
        return await self.router.handle(
            Incoming(
                channel=self.channel, sender_id=self.sender_id, chat_id=self.sender_id, callback_data=data,
                message_id=str(next(_ids)), sender_name=self.name,
            )
        )

    async def text(self, text: str) -> str:
        return "\n".join(r.text for r in await self.say(text))


async def registered(app, router: Router, sender_id: str, unit: str, role: str = "head") -> Chat:
    invite = await app.users.create_invite(unit, role, now=app.clock.now())
    chat = Chat(router, sender_id)
    replies = await chat.say(f"đăng ký {invite.code}")
    assert "thành công" in replies[0].text, replies[0].text
    return chat
