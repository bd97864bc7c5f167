"""Evidence (minh chứng): files that prove a unit's share of a task was done.

Rules, and why:
- Only PDF, DOCX, XLSX, JPG and PNG are kept: what the department files and can open on any office
  PC. The type is decided from the *content* (magic bytes, the parts inside a DOCX/XLSX zip), not
  from the name or the messenger's MIME type, which the sender controls.
- Over `EVIDENCE_MAX_BYTES` (20 MB, also the Bot API's download limit) is refused before
  downloading when the messenger tells the size, and again after downloading when it did not.
- Files are downloaded at once (a messenger's file reference may expire; the plan year's evidence
  must outlive the chat) and stored at `EVIDENCE_DIR/<year>/<task>/<sha256>.<ext>`: the name comes
  from the content, never from user input (no path tricks, no clashes), and an existing file is never
  overwritten — the same content has the same name.
- A file whose task is not known yet is staged in `EVIDENCE_DIR/.incoming/` and referenced from the
  chat state until the user says which task it belongs to.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import io
import logging
import os
import time
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from domain import plan_years
from domain.messages import Attachment, FileTooBig
from services.metrics import EVIDENCE_BYTES
from storage.repositories.evidence import EvidenceRow
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

STAGING = ".incoming"
STAGING_TTL = dt.timedelta(days=1)


@dataclass(frozen=True)
class FileType:
    ext: str
    mime: str


PDF = FileType("pdf", "application/pdf")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
JPG = FileType("jpg", "image/jpeg")
PNG = FileType("png", "image/png")
ACCEPTED = {t.ext: t for t in (PDF, DOCX, XLSX, JPG, PNG)}
BY_MIME = {t.mime: t for t in ACCEPTED.values()} | {"image/jpg": JPG, "image/pjpeg": JPG}
EXT_ALIASES = {"jpeg": "jpg", "jpe": "jpg"}


class EvidenceRefused(Exception):
    """A file the bot will not keep, with the facts the user's explanation needs
    (presentation.evidence.refusal words it)."""

    def __init__(
        self, reason: str, *, file_name: str | None, image: bool, limit: int, size: int | None = None,
        declared: str | None = None, during: str = "check",
    ) -> None:
        super().__init__(f"{reason}: {file_name or ('photo' if image else 'file')}")
        self.reason = reason  # too_big | bad_type | bad_content | download_failed | empty
        self.file_name = file_name  # as the sender named it (None for a photo)
        self.image = image
        self.limit = limit  # EVIDENCE_MAX_BYTES
        self.size = size  # the file's size, when known
        self.declared = declared  # the extension the sender claimed (bad_content)
        self.during = during  # check | download: whether the messenger itself refused to hand the file over


@dataclass
class Received:
    """A downloaded, checked file, not yet attached to a task."""

    data: bytes | None  # None when staged on disk (`staged` holds where)
    sha256: str
    size: int
    type: FileType
    file_name: str | None  # as the sender named it — shown to people, never used as a path
    file_id: str | None
    staged: Path | None = None

    def as_state(self) -> dict[str, Any]:
        """JSON-able form kept in the chat state while the bot asks which task."""
        return {
            "sha256": self.sha256, "size": self.size, "ext": self.type.ext, "file_name": self.file_name,
            "file_id": self.file_id, "staged": self.staged.name if self.staged else None,
        }


class AttachKind(StrEnum):
    """What became of the request (`AttachOutcome.kind`)."""

    STORED = "stored"
    DUPLICATE = "duplicate"
    CLOSED = "closed"  # a past year's plan after its closing date: nothing stored


@dataclass(frozen=True)
class AttachOutcome:
    kind: AttachKind
    path: str  # relative to the evidence root
    evidence_id: int
    count: int  # files of that unit's share of the task after this one
    year: int | None = None  # closed: the plan's year and its closing day
    closed_on: dt.date | None = None


def declared_type(attachment: Attachment) -> FileType | None:
    """What the sender claims the file is (kind, MIME type, then the name's extension)."""
    if attachment.kind == "photo":
        return JPG  # messengers re-encode photos as JPEG
    if attachment.kind != "document":
        return None
    by_mime = BY_MIME.get((attachment.mime_type or "").lower())
    if by_mime:
        return by_mime
    if attachment.file_name and "." in attachment.file_name:
        ext = attachment.file_name.rsplit(".", 1)[1].lower()
        return ACCEPTED.get(EXT_ALIASES.get(ext, ext))
    return None


def sniff(data: bytes) -> FileType | None:
    """The type the content really has, or None for anything not accepted."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


class EvidenceService:
    def __init__(self, uow: UnitOfWorkFactory, root: Path, max_bytes: int) -> None:
        self.uow = uow
        self.root = Path(root)
        self.max_bytes = max_bytes

    # -- checks and download -----------------------------------------------------------------------
    def precheck(self, attachment: Attachment) -> FileType:
        """Refuse before downloading whatever the messenger already tells us is too big or of
        another type."""
        declared = declared_type(attachment)
        if declared is None:
            raise self._refused("bad_type", attachment)
        if attachment.size is not None and attachment.size > self.max_bytes:
            raise self._refused("too_big", attachment, size=attachment.size)
        return declared

    async def fetch(self, attachment: Attachment) -> Received:
        """Download and check the file (size, real type); nothing is written yet."""
        declared = self.precheck(attachment)
        if attachment.fetch is None:
            raise self._refused("download_failed", attachment, during="check")
        try:
            data = await attachment.fetch()
        except FileTooBig:
            raise self._refused("too_big", attachment, during="download") from None
        except Exception:
            log.warning("evidence download failed: file_id=%s", attachment.file_id, exc_info=True)
            raise self._refused("download_failed", attachment, during="download") from None
        if not data:
            raise self._refused("empty", attachment)
        if len(data) > self.max_bytes:
            raise self._refused("too_big", attachment, size=len(data))
        real = sniff(data)
        if real is None:
            raise self._refused("bad_content", attachment, declared=declared.ext)
        sha = await asyncio.to_thread(lambda: hashlib.sha256(data).hexdigest())
        return Received(data, sha, len(data), real, attachment.file_name, attachment.file_id)

    def _refused(self, reason: str, attachment: Attachment, **facts: Any) -> EvidenceRefused:
        return EvidenceRefused(reason, file_name=attachment.file_name, image=attachment.kind == "photo",
                               limit=self.max_bytes, **facts)

    # -- staging (task not known yet) ---------------------------------------------------------------
    async def stage(self, received: Received) -> Received:
        folder = self.root / STAGING
        target = folder / f"{received.sha256}.{received.type.ext}"
        await asyncio.to_thread(self._write_once, target, received.data)
        await asyncio.to_thread(self._sweep_staging, folder)
        received.staged = target
        return received

    def load_staged(self, state: dict[str, Any]) -> Received | None:
        """The staged file a chat state refers to, or None when it is gone (swept, or a bad state)."""
        file_type = ACCEPTED.get(str(state.get("ext")))
        name = state.get("staged")
        if file_type is None or not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        path = self.root / STAGING / name
        if not path.is_file():
            return None
        return Received(
            None, str(state["sha256"]), int(state["size"]), file_type, state.get("file_name"),
            state.get("file_id"), staged=path,
        )

    @staticmethod
    def _sweep_staging(folder: Path) -> None:
        """Forget files nobody attached within a day (the question expired long ago)."""
        cutoff = time.time() - STAGING_TTL.total_seconds()
        for path in folder.iterdir():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()

    # -- attaching ---------------------------------------------------------------------------------
    async def attach(
        self, *, user_id: int | None, lead_id: int, received: Received, channel: str, caption: str | None,
        now: dt.datetime,
    ) -> AttachOutcome:
        """Store the file for one unit's share of a task. The same content sent again for the same
        share is not stored twice."""
        async with self.uow() as uow:
            repo = uow.evidence
            where = await repo.plan_year_of_lead(lead_id)
            if where is None:
                raise LookupError(f"no assignment lead {lead_id}")
            year, task = where
            plan = await uow.plans.plan_by_year(year)
            closes_on = plan.closes_on if plan is not None else None
            if not plan_years.writable(year, now.date(), closes_on):
                return AttachOutcome(AttachKind.CLOSED, "", 0, 0, year, closes_on or plan_years.default_closing(year))
            relative = f"{year}/{task}/{received.sha256}.{received.type.ext}"
            existing = await repo.find(lead_id, received.sha256)
            if existing is not None:
                return AttachOutcome(AttachKind.DUPLICATE, existing.path, existing.id, await self._count(uow, lead_id))
            await asyncio.to_thread(self._place, self.root / relative, received)
            evidence_id = await repo.add(
                lead_id=lead_id, user_id=user_id, channel=channel, caption=(caption or None) and caption[:1000],
                file_name=(received.file_name or None) and received.file_name[:300],
                channel_file_id=received.file_id, sha256=received.sha256, size=received.size,
                mime_type=received.type.mime, path=relative, created_at=now,
            )
            count = await self._count(uow, lead_id)
            await uow.commit()
        EVIDENCE_BYTES.inc(received.size)
        log.info("evidence stored: lead=%s path=%s size=%s", lead_id, relative, received.size)
        return AttachOutcome(AttachKind.STORED, relative, evidence_id, count)

    @staticmethod
    async def _count(uow: UnitOfWork, lead_id: int) -> int:
        return (await uow.statuses.evidence_counts([lead_id])).get(lead_id, 0)

    def _place(self, target: Path, received: Received) -> None:
        if received.data is not None:
            self._write_once(target, received.data)
            return
        assert received.staged is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            return
        try:
            os.link(received.staged, target)  # never replaces an existing file
        except FileExistsError:
            return
        except OSError:  # another file system, or no hard links: copy without overwriting
            self._write_once(target, received.staged.read_bytes())

    @staticmethod
    def _write_once(target: Path, data: bytes | None) -> None:
        """Write `data` at `target` unless a file is already there (same name = same content).
        A temporary file plus a hard link keeps a crash from leaving a half-written evidence file."""
        assert data is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            return
        temp = target.with_name(f".{target.name}.{os.getpid()}.{time.monotonic_ns()}.part")
        temp.write_bytes(data)
        try:
            os.link(temp, target)
        except FileExistsError:
            pass
        except OSError:
            if not target.exists():
                os.replace(temp, target)
                return
        with contextlib.suppress(OSError):
            temp.unlink()

    # -- reading -----------------------------------------------------------------------------------
    async def for_task(self, task: int, unit_ids: list[str] | None = None) -> list[EvidenceRow] | None:
        """Evidence of a task of the current plan (None: no plan loaded)."""
        async with self.uow() as uow:
            plan = await uow.plans.current_plan()
            if plan is None:
                return None
            return await uow.evidence.for_task(plan.id, task, unit_ids)

    def absolute(self, relative: str) -> Path:
        return self.root / relative
