"""Evidence review: coordinators accept a unit's evidence or return it with a comment, and the unit
is told.

Rules (decided here, documented in docs/coordinators.md):
- Only coordinators (and admins) review. Leaders see the queue read-only; heads and officers never see
  other units' files here and cannot review (their own files are listed by the evidence handler).
- A file is reviewed once. A returned file stays returned; the unit sends a new one. Hence the
  evidence row is the whole review history and the audit trail needs no extra table.
- A unit's share of a task is **done and verified** when its status is `done`, at least one of its
  files was accepted and none is still waiting for review. A pending file means the coordinator has
  not finished looking at what the unit submitted, so the report must not claim verification yet;
  returned files do not count against it (they were replaced or judged unnecessary).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from domain.clock import Clock
from domain.messages import Reply
from domain.people import UserView
from domain.shares import ReviewState, Status, verified
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.access import Permission, coordinating
from services.broadcast_service import BroadcastService, PushReport
from services.reminders import ReminderService
from services.status_service import StatusService
from storage.uow import UnitOfWork, UnitOfWorkFactory

PENDING, ACCEPTED, RETURNED = ReviewState.PENDING, ReviewState.ACCEPTED, ReviewState.RETURNED
PAGE = 5
MAX_COMMENT_CHARS = 500


class ReviewForbidden(PermissionError):
    """The person may not see the review queue (heads and officers)."""


@dataclass(frozen=True)
class EvidenceView:
    id: int
    lead_id: int
    unit_id: str
    task_number: int
    task_title: str
    section: int
    file_name: str | None
    caption: str | None
    mime_type: str
    size: int
    path: str
    sha256: str
    channel: str
    created_at: dt.datetime
    uploader_id: int | None
    uploader: str | None
    review_state: str
    review_comment: str | None
    reviewer: str | None
    reviewed_at: dt.datetime | None
    lead_status: str = Status.NOT_STARTED

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


def person(user) -> str | None:
    return (user.display_name or f"#{user.id}") if user is not None else None


def evidence_view(row) -> EvidenceView:
    ev, lead, _assignment, task, uploader, reviewer = row
    return EvidenceView(
        id=ev.id, lead_id=ev.lead_id, unit_id=lead.unit_id, task_number=task.number, task_title=task.title,
        section=task.section_number, file_name=ev.file_name, caption=ev.caption, mime_type=ev.mime_type or "",
        size=ev.size or 0, path=ev.path, sha256=ev.sha256, channel=ev.channel, created_at=ev.created_at,
        uploader_id=ev.user_id, uploader=person(uploader), review_state=ev.review_state or PENDING,
        review_comment=ev.review_comment, reviewer=person(reviewer), reviewed_at=ev.reviewed_at,
        lead_status=lead.status,
    )


@dataclass(frozen=True)
class Verification:
    """Review tallies of one unit's share of a task."""

    accepted: int = 0
    pending: int = 0
    returned: int = 0

    @property
    def files(self) -> int:
        return self.accepted + self.pending + self.returned

    def verified(self, status: str) -> bool:
        return verified(status, self.accepted, self.pending)


@dataclass
class PendingPage:
    items: list[EvidenceView]
    total: int  # pending files in scope, this page included
    remaining: int  # after this page


class ReviewKind(StrEnum):
    """What became of the request (`ReviewOutcome.kind`)."""

    ACCEPTED = "accepted"
    RETURNED = "returned"
    FORBIDDEN = "forbidden"
    READ_ONLY = "read_only"
    NOT_FOUND = "not_found"
    ALREADY_REVIEWED = "already_reviewed"
    EMPTY_COMMENT = "empty_comment"


@dataclass
class ReviewOutcome:
    kind: ReviewKind
    evidence: EvidenceView | None = None
    verified: bool = False  # the unit's share is now done and verified
    notify: list[int] = field(default_factory=list)

    @property
    def file(self) -> EvidenceView:
        """The file reviewed: every kind but the refusals (forbidden, read_only, not_found, empty_comment)
        carries it."""
        if self.evidence is None:
            raise LookupError(f"a {self.kind} review outcome carries no file")
        return self.evidence


class ReviewService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        units: UnitDirectory,
        evidence_dir: Path,
        *,
        statuses: StatusService,
        broadcasts: BroadcastService,
        reminders: ReminderService,
        workdays: WorkingCalendar,
        clock: Clock,
    ) -> None:
        self.uow = uow
        self.units = units
        self.evidence_dir = evidence_dir
        self.statuses = statuses
        self.broadcasts = broadcasts
        self.reminders = reminders
        self.workdays = workdays
        self.clock = clock

    @staticmethod
    async def _plan_id(uow: UnitOfWork) -> int | None:
        plan = await uow.plans.current_plan()
        return plan.id if plan else None

    # -- reading --------------------------------------------------------------------------------------
    async def pending(
        self, user: UserView, *, task: int | None = None, after_id: int | None = None, limit: int = PAGE
    ) -> PendingPage:
        """Files waiting for review, oldest first (coordinators, admins and, read-only, leaders)."""
        if coordinating(user) is Permission.FORBIDDEN:  # leaders read the queue
            raise ReviewForbidden(user.role)
        async with self.uow() as uow:
            plan_id = await self._plan_id(uow)
            if plan_id is None:
                return PendingPage([], 0, 0)
            repo = uow.review
            total = await repo.count(plan_id, state=PENDING, task_number=task)
            rows = await repo.evidence(plan_id, state=PENDING, task_number=task, after_id=after_id, limit=limit)
            items = [evidence_view(r) for r in rows]
            remaining = (
                await repo.count(plan_id, state=PENDING, task_number=task, after_id=items[-1].id) if items else 0
            )
        return PendingPage(items, total, remaining)

    async def get(self, evidence_id: int) -> EvidenceView | None:
        async with self.uow() as uow:
            row = await uow.review.one(evidence_id)
            return evidence_view(row) if row else None

    async def for_task(self, task: int, *, unit_ids: list[str] | None = None) -> list[EvidenceView]:
        """Every file of a task (of `unit_ids` only, when given), oldest first, with its review state."""
        async with self.uow() as uow:
            plan_id = await self._plan_id(uow)
            if plan_id is None:
                return []
            rows = await uow.review.evidence(plan_id, task_number=task, unit_ids=unit_ids)
        return [evidence_view(r) for r in rows]

    async def verification(self, lead_ids: list[int] | None = None) -> dict[int, Verification]:
        async with self.uow() as uow:
            tallies = await uow.review.tallies(lead_ids)
        return {
            lead_id: Verification(t.get(ACCEPTED, 0), t.get(PENDING, 0), t.get(RETURNED, 0))
            for lead_id, t in tallies.items()
        }

    async def waiting(self, plan_id: int) -> int:
        """How many files of the plan wait for review (one COUNT; the web overview's figure)."""
        async with self.uow() as uow:
            return await uow.review.count(plan_id, state=PENDING)

    def file_path(self, evidence: EvidenceView) -> Path | None:
        """The stored file, if it is still on disk (paths are absolute or relative to EVIDENCE_DIR)."""
        path = Path(evidence.path)
        if not path.is_absolute():
            path = self.evidence_dir / path
        return path if path.is_file() else None

    # -- reviewing ------------------------------------------------------------------------------------
    async def accept(self, user: UserView, evidence_id: int, *, now: dt.datetime) -> ReviewOutcome:
        return await self._review(user, evidence_id, ACCEPTED, None, now)

    async def return_(self, user: UserView, evidence_id: int, comment: str, *, now: dt.datetime) -> ReviewOutcome:
        comment = (comment or "").strip()[:MAX_COMMENT_CHARS]
        if not comment:
            return ReviewOutcome(ReviewKind.EMPTY_COMMENT)
        return await self._review(user, evidence_id, RETURNED, comment, now)

    async def _review(
        self, user: UserView, evidence_id: int, state: str, comment: str | None, now: dt.datetime
    ) -> ReviewOutcome:
        permission = coordinating(user)
        if permission is not Permission.ALLOWED:
            return ReviewOutcome(ReviewKind(permission.value))
        async with self.uow() as uow:
            repo = uow.review
            row = await repo.one(evidence_id)
            if row is None:
                return ReviewOutcome(ReviewKind.NOT_FOUND)
            if not await repo.review(evidence_id, state=state, comment=comment, user_id=user.id, at=now):
                return ReviewOutcome(ReviewKind.ALREADY_REVIEWED, evidence_view(row))
            view = evidence_view(await repo.one(evidence_id, fresh=True))
            tally = (await repo.tallies([view.lead_id])).get(view.lead_id, {})
            verification = Verification(tally.get(ACCEPTED, 0), tally.get(PENDING, 0), tally.get(RETURNED, 0))
            notify = list(dict.fromkeys([*await repo.heads_of(view.unit_id), *([view.uploader_id] if view.uploader_id else [])]))
            await uow.commit()
        notify = [uid for uid in notify if uid != user.id]
        return ReviewOutcome(
            ReviewKind.ACCEPTED if state == ACCEPTED else ReviewKind.RETURNED, view, verification.verified(view.lead_status), notify
        )

    # -- the audit trail ------------------------------------------------------------------------------
    async def audit(self, task: int, *, unit_ids: list[str] | None = None) -> list[AuditLine] | None:
        """A task's full history for the chat's /lichsu: every status change, evidence upload and review,
        oldest first (None: no such task). The export's «Lịch sử» sheet holds the same events."""
        rows = await self.statuses.history(task)
        if rows is None:
            return None
        lines = [
            AuditLine(at, unit, "status", who, channel, status=status, percent=percent, note=note)
            for unit, status, percent, note, at, who, channel in rows
            if unit_ids is None or unit in unit_ids
        ]
        async with self.uow() as uow:
            plan_id = await self._plan_id(uow)
            files = [
                evidence_view(r) for r in await uow.review.evidence(plan_id, task_number=task, unit_ids=unit_ids)
            ] if plan_id is not None else []
        for ev in files:
            lines.append(AuditLine(ev.created_at, ev.unit_id, "evidence", ev.uploader or "?", ev.channel, evidence=ev))
            if ev.review_state == ACCEPTED and ev.reviewed_at:
                lines.append(AuditLine(ev.reviewed_at, ev.unit_id, "accepted", ev.reviewer or "?", None, evidence=ev))
            elif ev.review_state == RETURNED and ev.reviewed_at:
                lines.append(AuditLine(ev.reviewed_at, ev.unit_id, "returned", ev.reviewer or "?", None, evidence=ev))
        order = {"status": 0, "evidence": 1, "accepted": 2, "returned": 2}
        tz = self.clock.tz
        lines.sort(key=lambda line: (_wall(line.at, tz), order[line.event]))
        return lines

    # -- telling people -------------------------------------------------------------------------------
    async def notify(self, outcome: ReviewOutcome, notice: Reply) -> PushReport:
        """Tell the unit's heads (and the uploader) about a review (`notice`, worded by presentation/review.py),
        once, through the paced path."""
        if outcome.evidence is None or outcome.kind not in ("accepted", "returned"):
            return PushReport()
        key = f"rv:{outcome.evidence.id}:{outcome.kind}"
        return await self.broadcasts.push(outcome.notify, key, notice)

    async def send_digest(
        self, now: dt.datetime | None = None, *, render: Callable[[int, int, dt.datetime], Reply]
    ) -> PushReport | None:
        """The coordinators' daily digest of evidence waiting for review, with a button that opens the queue.

        Safe to call on every scheduler tick: it only sends inside the reminders' sending window (working
        days, office hours) and at most once per day and coordinator (idempotency key `rvd:<date>`).
        Returns None when nothing was due.
        """
        now = now or self.clock.now()
        planner = self.reminders.planner
        if not planner.window_open(now):
            return None
        today = planner.local(now).date()
        since_day = self.workdays.previous_working_day(today, include=False)
        since = dt.datetime.combine(since_day, dt.time(8), tzinfo=planner.tz)
        async with self.uow() as uow:
            plan_id = await self._plan_id(uow)
            if plan_id is None:
                return None
            waiting = await uow.review.count(plan_id, state=PENDING)
            fresh = await uow.review.count(plan_id, state=PENDING, since=since)
            coordinators = [uid for uid, _ in await uow.review.users_with_roles(("coordinator",))]
        if not waiting or not coordinators:
            return None
        return await self.broadcasts.push(
            coordinators, f"rvd:{today.isoformat()}", render(waiting, fresh, since), kind=DIGEST_KIND
        )


@dataclass(frozen=True)
class AuditLine:
    """One event of a task's history; its words are presentation's (`presentation.records.audit_text`)."""

    at: dt.datetime
    unit_id: str
    event: str  # status | evidence | accepted | returned
    who: str
    channel: str | None
    status: str | None = None  # a status change: what was reported
    percent: int | None = None
    note: str | None = None
    evidence: EvidenceView | None = None  # an upload or a review: the file


def _wall(at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Sort key: SQLite gives naive local wall times, PostgreSQL aware ones; compare as local wall time."""
    return at if at.tzinfo is None else at.astimezone(tz).replace(tzinfo=None)


# -- notifications (their words: presentation/review.py, passed in by the caller) ------------------------
DIGEST_KIND = "review_digest"


class HasReview(Protocol):
    review: ReviewService


async def send_review_digest(
    app: HasReview, now: dt.datetime | None = None, *, render: Callable[[int, int, dt.datetime], Reply]
) -> PushReport | None:
    """The scheduler's entry to `ReviewService.send_digest` (called on every tick with the App)."""
    return await app.review.send_digest(now, render=render)
