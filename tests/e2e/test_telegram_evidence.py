"""Evidence rules behind the Telegram channel: what is accepted, where it is stored, how a file
without a task finds its task. The router is driven directly (no HTTP) so each rule is checked fast."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import zipfile

import pytest
from sqlalchemy import select

from conversation.router import Router
from domain.clock import FixedClock
from domain.messages import CONSOLE, TELEGRAM, Attachment, Incoming
from handlers.evidence import caption_task
from services.evidence_service import (
    DOCX,
    JPG,
    PDF,
    PNG,
    XLSX,
    EvidenceRefused,
    EvidenceService,
    Received,
    sniff,
)
from storage.models import Evidence
from tests import db_templates
from tests.conftest import make_settings
from tests.fake_telegram.harness import AUG_15_2022

_ids = itertools.count(1)
PDF_BYTES = b"%PDF-1.7\n" + os.urandom(2000)


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buffer.getvalue()


def test_the_type_comes_from_the_content_not_the_name():
    assert sniff(PDF_BYTES) is PDF
    assert sniff(b"\xff\xd8\xff\xe1" + b"x" * 10) is JPG
    assert sniff(b"\x89PNG\r\n\x1a\n" + b"x" * 10) is PNG
    assert sniff(zipped("word/document.xml")) is DOCX
    assert sniff(zipped("xl/workbook.xml")) is XLSX
    assert sniff(zipped("other.txt")) is None  # a plain zip is not a document
    assert sniff(b"PK\x03\x04 broken") is None
    assert sniff(b"MZ\x90\x00") is None


def test_a_caption_names_a_task_only_by_number():
    assert caption_task("#17 biên bản kiểm tra") == 17
    assert caption_task("nv 17 ...") == 17
    assert caption_task("NV17 báo cáo") == 17
    assert caption_task("Nhiệm vụ số 5: báo cáo quý") == 5
    assert caption_task("biên bản kiểm tra") is None
    assert caption_task("biên bản kiểm tra", 8, "description") is None  # a guess is not enough to file evidence
    assert caption_task("gửi minh chứng 12", 12, "number") == 12


def document(data: bytes | None, name: str, mime: str, size: int | None = None) -> Attachment:
    async def fetch() -> bytes:
        if data is None:
            raise AssertionError("must not download")
        return data

    return Attachment("document", file_id=f"F{next(_ids)}", file_name=name, mime_type=mime,
                      size=len(data) if size is None and data is not None else size, fetch=fetch)


async def test_size_is_checked_before_and_after_downloading(tmp_path):
    service = EvidenceService(None, tmp_path, max_bytes=1000)
    with pytest.raises(EvidenceRefused) as before:
        await service.fetch(document(None, "a.pdf", "application/pdf", size=5000))
    undeclared = document(PDF_BYTES, "a.pdf", "application/pdf")
    undeclared.size = None  # the messenger did not say: the download is checked instead
    with pytest.raises(EvidenceRefused) as after:
        await service.fetch(undeclared)
    assert before.value.reason == after.value.reason == "too_big"


@pytest.fixture
async def bot(tmp_path):
    app = await db_templates.seeded_app(make_settings(tmp_path), clock=FixedClock(AUG_15_2022))
    yield app, Router(app)
    await app.close()


class Person:
    def __init__(self, router: Router, uid: str, channel: str = TELEGRAM) -> None:
        self.router, self.uid, self.channel = router, uid, channel

    async def send(self, text: str = "", *attachments: Attachment, data: str | None = None) -> str:
        replies = await self.router.handle(Incoming(
            channel=self.channel, sender_id=self.uid, chat_id=self.uid, text=text, message_id=str(next(_ids)),
            attachments=list(attachments), callback_data=data, sender_name=f"Người {self.uid}",
        ))
        self.last = replies
        return "\n".join(r.text for r in replies)

    def button(self, starts: str) -> str:
        return next(b.data for r in self.last for row in r.buttons for b in row if b.text.startswith(starts))


async def person(app, router, uid: str, unit: str, role: str = "head", channel: str = TELEGRAM) -> Person:
    invite = await app.users.create_invite(unit, role, now=app.clock.now())
    p = Person(router, uid, channel)
    assert "thành công" in await p.send(f"đăng ký {invite.code}")
    return p


async def rows(app) -> list[Evidence]:
    async with app.sessions() as session:
        return list((await session.scalars(select(Evidence).order_by(Evidence.id))).all())


async def test_names_never_come_from_user_input_and_the_same_file_is_stored_once(bot):
    app, router = bot
    lan = await person(app, router, "1", "van-phong")
    evil = document(PDF_BYTES, "../../../etc/passwd.pdf", "application/pdf")
    assert "Đã lưu minh chứng" in await lan.send("nv 3 kế hoạch", evil)
    [row] = await rows(app)
    sha = hashlib.sha256(PDF_BYTES).hexdigest()
    stored = app.settings.evidence_path / "2022" / "3" / f"{sha}.pdf"
    assert row.path == f"2022/3/{sha}.pdf" and stored.read_bytes() == PDF_BYTES
    inode = stored.stat().st_ino
    again = document(PDF_BYTES, "ban-sao.pdf", "application/pdf")
    assert "không lưu thêm bản trùng" in await lan.send("#3", again)
    assert len(await rows(app)) == 1 and stored.stat().st_ino == inode  # never rewritten
    assert [p.name for p in app.settings.evidence_path.rglob("*") if p.is_file() and ".incoming" not in p.parts] == [stored.name]


async def test_a_file_without_a_task_waits_for_a_typed_answer(bot):
    app, router = bot
    lan = await person(app, router, "1", "van-phong")
    asked = await lan.send("", document(PDF_BYTES, "kh.pdf", "application/pdf"))
    assert "nhiệm vụ nào" in asked and await rows(app) == []
    assert "Đã lưu minh chứng cho **nhiệm vụ 8**" in await lan.send("nv 8")
    [row] = await rows(app)
    assert row.lead_id == (await app.queries.leads(unit_ids=["van-phong"], task=8))[0].lead_id


async def test_a_file_waiting_for_its_task_survives_an_unrelated_message(bot):
    app, router = bot
    lan = await person(app, router, "1", "van-phong")
    await lan.send("", document(PDF_BYTES, "kh.pdf", "application/pdf"))
    nv8 = lan.button("NV 8")
    assert "chưa rõ" in await lan.send("hôm nay trời đẹp")  # not an answer: said so, nothing filed
    assert "NV 3" in await lan.send("quý này có việc gì đến hạn?")  # the conversation goes on normally
    assert "Đã lưu minh chứng cho **nhiệm vụ 8**" in await lan.send(data=nv8)  # the file still waits
    assert len(await rows(app)) == 1
    assert "gửi ảnh hoặc tệp minh chứng" in await lan.send(data=nv8)  # filed once; now it asks for a new file


async def test_the_attach_button_of_a_task_asks_for_the_file_then_files_it_there(bot):
    app, router = bot
    lan = await person(app, router, "1", "van-phong")
    await lan.send("nv 8")
    asks = await lan.send(data=lan.button("📎"))
    assert "gửi ảnh hoặc tệp minh chứng cho **nhiệm vụ 8**" in asks
    jpg = Attachment("photo", file_id="P1", mime_type="image/jpeg", size=20,
                     fetch=lambda: _bytes(b"\xff\xd8\xff\xe0" + b"1" * 16))
    assert "nhiệm vụ 8" in await lan.send("", jpg)
    [row] = await rows(app)
    assert row.mime_type == "image/jpeg" and row.path.endswith(".jpg") and row.path.startswith("2022/8/")


async def _bytes(data: bytes) -> bytes:
    return data


async def test_numbered_choices_work_on_channels_without_buttons(bot):
    app, router = bot
    lan = await person(app, router, "console-1", "van-phong", channel=CONSOLE)
    await lan.send("", document(PDF_BYTES, "kh.pdf", "application/pdf"))
    second = lan.last[0].buttons[1][0]  # shown as "[2] NV 7 · ..." on the console
    assert f"nhiệm vụ {second.text.split()[1]}**" in await lan.send("2")


async def test_read_only_roles_and_other_units_cannot_file_evidence(bot):
    app, router = bot
    leader = await person(app, router, "9", "van-phong", role="leader")
    minh = await person(app, router, "2", "thanh-tra")
    assert "chỉ xem" in await leader.send("nv 3", document(PDF_BYTES, "a.pdf", "application/pdf"))
    assert "không gửi minh chứng" in await minh.send("nv 3", document(PDF_BYTES, "a.pdf", "application/pdf"))
    assert await rows(app) == []


async def test_staged_references_cannot_point_outside_the_staging_folder(tmp_path):
    service = EvidenceService(None, tmp_path, max_bytes=10_000)
    received = await service.stage(Received(PDF_BYTES, hashlib.sha256(PDF_BYTES).hexdigest(), len(PDF_BYTES), PDF,
                                            "a.pdf", "F1"))
    state = received.as_state()
    assert service.load_staged(state).staged == received.staged
    assert service.load_staged({**state, "staged": "../../etc/passwd"}) is None
    assert service.load_staged({**state, "ext": "exe"}) is None


async def test_a_caption_that_reports_progress_records_it_with_the_file(bot):
    app, router = bot
    lan = await person(app, router, "1", "van-phong")
    text = await lan.send("nv 3 xong, biên bản kèm theo", document(PDF_BYTES, "bb.pdf", "application/pdf"))
    assert "Đã lưu minh chứng" in text and "Đã ghi nhận" in text
    assert (await app.queries.leads(unit_ids=["van-phong"], task=3))[0].status == "done"
    assert len(await rows(app)) == 1


@pytest.mark.parametrize(("reason", "facts", "expected"), [
    ("bad_type", {}, "Trợ lý chỉ lưu PDF, Word (DOCX), Excel (XLSX) hoặc ảnh JPG/PNG, tối đa 20,0 MB"),
    ("too_big", {"size": 25 * 1024 * 1024}, "nặng 25,0 MB, vượt giới hạn 20,0 MB"),
    ("too_big", {"during": "download"}, "máy chủ tin nhắn không cho tải về"),
    ("empty", {}, "rỗng"),
    ("bad_content", {"declared": "docx"}, "không phải Word (DOCX) hợp lệ"),
    ("download_failed", {"during": "download"}, "gửi lại sau ít phút"),
])
def test_every_refusal_names_the_file_says_nothing_was_kept_or_what_to_do(reason, facts, expected):
    from presentation.evidence import refusal

    text = refusal(EvidenceRefused(reason, file_name="bao-cao.docx", image=False, limit=20 * 1024 * 1024, **facts))
    assert "«bao-cao.docx»" in text and expected in text
    assert "chưa được lưu" in text or "gửi lại" in text
    photo = refusal(EvidenceRefused(reason, file_name=None, image=True, limit=20 * 1024 * 1024, **facts))
    assert "«ảnh»" in photo
