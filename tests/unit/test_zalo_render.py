"""Zalo rendering and update parsing: numbered choices in the router's order, clean 2,000-char splits,
and every spelling of a photo URL we have seen."""

from __future__ import annotations

from pathlib import Path

from bot.channels.zalo.adapter import parse_update, photo_url
from bot.channels.zalo.render import render
from domain.messages import Button, OutgoingFile, Reply
from presentation.channels import ZALO_CHOICE_HINT as CHOICE_HINT
from tests.fake_zalo import image_update, sticker_update, text_update, unsupported_update


async def _no_fetch(url, attachment):  # pragma: no cover - never called here
    raise AssertionError


def test_buttons_become_numbered_lines_row_by_row():
    reply = Reply(
        "Nhiệm vụ **3**: chọn tình trạng.",
        buttons=[[Button("✅ Hoàn thành", "st:1:done"), Button("🔄 Đang làm", "st:1:in_progress")],
                 [Button("⚠️ Vướng mắc", "st:1:blocked")]],
    )
    (text,) = render(reply)
    assert text == (
        f"Nhiệm vụ 3: chọn tình trạng.\n\n{CHOICE_HINT}\n1. ✅ Hoàn thành\n2. 🔄 Đang làm\n3. ⚠️ Vướng mắc"
    )


def test_long_text_is_split_at_lines_and_choices_stay_together():
    lines = [f"NV {i:02d} — " + "việc cần làm " * 8 for i in range(60)]
    reply = Reply("\n".join(lines), buttons=[[Button("Trang sau ▶", "pg:2")]])
    parts = render(reply)
    assert len(parts) > 1
    assert all(1 <= len(p) <= 2000 for p in parts)
    body = "\n".join(parts)
    for line in lines:
        assert line.strip() in body  # no line cut in the middle
    assert parts[-1].endswith(f"{CHOICE_HINT}\n1. Trang sau ▶")


def test_markup_is_removed_and_files_are_explained():
    reply = Reply("**Đậm** và _nghiêng_", file=OutgoingFile(Path("/tmp/x.pdf"), "bien-ban.pdf"))
    (text,) = render(reply)
    assert text.startswith("Đậm và nghiêng")
    assert "bien-ban.pdf" in text and "**" not in text


def test_empty_reply_sends_nothing():
    assert render(Reply("")) == []


def test_text_update_becomes_incoming():
    parsed = parse_update(text_update("u7", "nv 3", chat_type="GROUP", chat_id="g1", message_id="abc"), _no_fetch)
    msg = parsed.incoming
    assert parsed.kind == "text" and msg.is_group
    assert (msg.channel, msg.sender_id, msg.chat_id, msg.text, msg.message_id) == ("zalo", "u7", "g1", "nv 3", "abc")
    assert msg.idempotency_key == "zalo:g1:abc"


def test_webhook_body_wrapped_in_result_is_accepted():
    parsed = parse_update({"ok": True, "result": text_update("u7", "xin chào")}, _no_fetch)
    assert parsed.incoming.text == "xin chào"


def test_photo_url_in_every_known_place():
    for field in ("photo_url", "photo", "attachments"):
        parsed = parse_update(image_update("u1", "https://cdn.zalo.test/a.jpg", field=field, caption="nv 3 ảnh"), _no_fetch)
        assert parsed.kind == "image", field
        (attachment,) = parsed.incoming.attachments
        assert attachment.kind == "photo" and attachment.url == "https://cdn.zalo.test/a.jpg"
        assert parsed.incoming.text == "nv 3 ảnh"
    assert photo_url({"photo": [{"url": "https://s/small.jpg"}, {"url": "https://s/big.jpg"}]}) == "https://s/big.jpg"
    assert photo_url({"photo": {"photo_url": "https://s/p.png"}}) == "https://s/p.png"
    assert photo_url({"attachments": [{"type": "file", "url": "https://s/x.pdf"}]}) is None


def test_stickers_unsupported_and_junk():
    assert parse_update(sticker_update("u1"), _no_fetch).kind == "sticker"
    assert parse_update(unsupported_update("u1"), _no_fetch).kind == "withheld"  # content withheld by Zalo
    assert parse_update({"event_name": "message.text.received"}, _no_fetch).kind == "ignored"
    assert parse_update({"message": {"text": "x", "from": {}, "chat": {}}}, _no_fetch).kind == "ignored"
    bot_echo = text_update("u1", "x")
    bot_echo["message"]["from"]["is_bot"] = True
    assert parse_update(bot_echo, _no_fetch).kind == "ignored"


def test_parts_fit_2000_utf16_units_even_full_of_emoji():
    from bot.channels.zalo.render import utf16_len

    text = "\n".join("🎯 " + "😀" * 30 + f" dòng {n}" for n in range(60))  # ~4,400 UTF-16 units, ~2,500 characters
    parts = render(Reply(text, buttons=[[Button("Một", "a:1")]]))
    assert len(parts) >= 3
    assert all(utf16_len(p) <= 2000 for p in parts)
    assert "\n".join(parts).count("😀") == 30 * 60  # nothing lost
    assert parts[-1].endswith("1. Một")
