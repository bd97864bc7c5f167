"""End to end through the fake Bot API (real PTB Application, real router, seeded 2022 plan): a head
sends a photo as evidence, the coordinator opens the review queue from the daily digest and accepts
it, the head is notified, and the coordinator's export shows the share as "đã xác nhận"."""

from __future__ import annotations

import io
import os

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from presentation.review import review_digest
from services.review_service import send_review_digest
from storage.models import Evidence
from tests.fake_telegram import TgUser
from tests.fake_telegram.harness import telegram_bot

HEAD = TgUser(8101, "Lan")  # trưởng Văn phòng
COORD = TgUser(8102, "Hà")  # điều phối của Văn phòng
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(4000)


def button(call, prefix: str) -> dict:
    return next(b for b in call.buttons if b.get("callback_data", "").startswith(prefix))


def appendix_row(data: bytes, task: int) -> tuple:
    ws = load_workbook(io.BytesIO(data))["Phụ lục"]
    return next(v for v in ws.iter_rows(min_row=4, values_only=True) if v[0] == task)


@pytest.mark.heavy
async def test_photo_accepted_head_notified_export_shows_verified(tmp_path):
    async with telegram_bot(tmp_path) as bot:
        fake, app = bot.fake, bot.app
        await bot.register(HEAD, "van-phong")
        await bot.register(COORD, "van-phong", "coordinator")
        await bot.ask(HEAD, "xong nhiệm vụ 3")
        [stored] = await bot.send(lambda: fake.photo(HEAD, JPEG, caption="nv 3 biên bản kiểm tra"), HEAD.id)
        assert "Đã lưu minh chứng" in stored.text

        # what the scheduler's tick calls on a working morning
        before = len(fake.sent(COORD.id))
        report = await send_review_digest(app, render=review_digest)
        assert report is not None and report.sent == 1
        [digest] = await fake.wait_sent(COORD.id, after=before)
        assert "Minh chứng chờ duyệt: 1" in digest.text

        header, card = await bot.press(COORD, button(digest, "rv:l")["callback_data"], message=digest, count=2)
        assert "1 minh chứng chờ duyệt" in header.text
        assert card.method == "sendPhoto" and card.files["photo"].data == JPEG  # the coordinator sees the photo
        assert "NV 3" in card.text and "Văn phòng Sở" in card.text and "Lan" in card.text

        head_before = len(fake.sent(HEAD.id))
        [done] = await bot.press(COORD, button(card, "rv:a:")["callback_data"], message=card)
        assert "Đã xác nhận minh chứng" in done.text and "Đã báo cho đơn vị (1 người)" in done.text
        [notice] = await fake.wait_sent(HEAD.id, after=head_before)
        assert "xác nhận" in notice.text and "nhiệm vụ 3" in notice.text
        assert "hoàn thành và được xác nhận" in notice.text

        text, document = await bot.ask(COORD, "/xuatbaocao", count=2)
        assert "toàn Sở" in text.text and document.method == "sendDocument"
        row = appendix_row(document.files["document"].data, 3)
        assert row[6] == "Hoàn thành — đã xác nhận"
        assert "đã xác nhận" in row[8] and row[7].startswith("Lan, 15/08/2022")

        # a forwarded accept button pressed by the head changes nothing
        async with app.sessions() as session:
            evidence = (await session.scalars(select(Evidence))).one()
        [refused] = await bot.press(HEAD, f"rv:r:{evidence.id}")
        assert "Chỉ Văn phòng Sở" in refused.text
    assert evidence.review_state == "accepted"
