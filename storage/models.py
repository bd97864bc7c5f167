"""SQLAlchemy 2 models. The schema is created and upgraded only by Alembic (`storage/migrations`).

Status is kept per (assignment, lead unit): a task led collectively by "Các phòng, đơn vị thuộc Sở"
is done only when each unit says so, and each unit is reminded of its own share.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from domain.shares import Status


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict: JSON, list: JSON}


class Plan(Base):
    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(Text)
    # «Kế hoạch số …/KH-SCT ngày …/12/2021» as the plan file states them (parts left blank stay out)
    number: Mapped[str | None] = mapped_column(String(100))
    signed: Mapped[str | None] = mapped_column(String(40))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The day after which a past year's plan only reads (None: 31 January of the next year,
    # domain.plan_years.default_closing); the Văn phòng sets it with `cchc-bot plan close`.
    closes_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    sections: Mapped[list[Section]] = relationship(back_populates="plan", order_by="Section.number")
    tasks: Mapped[list[Task]] = relationship(back_populates="plan", order_by="Task.number")


class Section(Base):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    roman: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    targets: Mapped[list] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="sections")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    section_number: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="task", order_by="Assignment.position")


class Unit(Base):
    """A copy of the unit directory, so that foreign keys and reports can name units."""

    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))


class Assignment(Base):
    """One row of the appendix: who leads which products by when (a task may have several)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("task_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    lead: Mapped[list] = mapped_column(JSON, default=list)
    coordinating: Mapped[list] = mapped_column(JSON, default=list)
    external_coordinating: Mapped[list] = mapped_column(JSON, default=list)
    products: Mapped[list] = mapped_column(JSON, default=list)
    scope: Mapped[str | None] = mapped_column(Text)
    deadline_text: Mapped[str] = mapped_column(Text, default="")

    task: Mapped[Task] = relationship(back_populates="assignments")
    milestones: Mapped[list[Milestone]] = relationship(back_populates="assignment", order_by="Milestone.position")
    leads: Mapped[list[AssignmentLead]] = relationship(back_populates="assignment")


class AssignmentLead(Base):
    """(assignment, lead unit): the grain at which status, evidence and reminders live."""

    __tablename__ = "assignment_leads"
    __table_args__ = (UniqueConstraint("assignment_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    # Denormalised current status (the latest StatusUpdate), so lists and reminder ticks need no history scan.
    status: Mapped[str] = mapped_column(String(16), default=Status.NOT_STARTED.value)
    percent: Mapped[int | None] = mapped_column(Integer)
    status_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Milestones due on or before this date are done, though later ones are not (a share with four
    # periodic reports is done report by report; `status` becomes "done" with the last one).
    done_through: Mapped[dt.date | None] = mapped_column(Date)

    assignment: Mapped[Assignment] = relationship(back_populates="leads")


class ReminderScope(Base):
    """A coordinator's word on which units a scoped collective share concerns («nv 54 giao QLTM, QLNL»):
    a share led by «Các phòng, đơn vị … được giao» is reminded only to the units named here."""

    __tablename__ = "reminder_scopes"
    __table_args__ = (UniqueConstraint("assignment_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Milestone(Base):
    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("assignment_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    period: Mapped[str | None] = mapped_column(String(4))
    report: Mapped[str | None] = mapped_column(String(64))
    offset_days: Mapped[int | None] = mapped_column(Integer)
    working_days: Mapped[bool | None] = mapped_column(Boolean)
    trigger: Mapped[str | None] = mapped_column(Text)
    recurrence: Mapped[str | None] = mapped_column(String(16))  # monthly, quarterly, half_yearly, yearly
    trigger_date: Mapped[dt.date | None] = mapped_column(Date)
    trigger_recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assignment: Mapped[Assignment] = relationship(back_populates="milestones")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Reminder preferences (issue: reminders): None = the policy default. For `reminders_enabled`
    # the default depends on the role (heads and coordinators on, officers off until they opt in),
    # so it needs a third state besides on/off.
    reminders_enabled: Mapped[bool | None] = mapped_column(Boolean, default=None)
    remind_days_before: Mapped[int | None] = mapped_column(Integer)
    snoozed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    preferred_channel: Mapped[str | None] = mapped_column(String(16))

    identities: Mapped[list[Identity]] = relationship(back_populates="user")


class UserChange(Base):
    """The audit history of `cchc-bot users set-role / deactivate / activate` (docs/contracts.md §9): who
    (the operator's OS user or `--by NAME`) changed what, when."""

    __tablename__ = "user_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(16))  # role | active
    old_value: Mapped[str | None] = mapped_column(String(32))
    new_value: Mapped[str] = mapped_column(String(32))
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Identity(Base):
    """A user's account on one channel (Telegram id, Zalo id, console)."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="identities")


class Invite(Base):
    __tablename__ = "invites"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when the invite links a further channel account to an existing user.
    for_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class StatusUpdate(Base):
    """Append-only history; the current status is the latest row (mirrored on AssignmentLead)."""

    __tablename__ = "status_updates"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("assignment_leads.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    percent: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(16))
    original_text: Mapped[str | None] = mapped_column(Text)
    # Set when the update completed one milestone of a share with several dated ones.
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("assignment_leads.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(16))
    caption: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(300))
    channel_file_id: Mapped[str | None] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    review_state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|accepted|returned
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Target(Base):
    """A chỉ tiêu of the plan (one measure of an area's «a) Chỉ tiêu»), kept across re-imports by its code."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    section_number: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str] = mapped_column(String(200))
    goal: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(String(4))  # ge | gt | le | lt
    # False once a re-import no longer has this target but figures were reported for it (kept, not shown).
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TargetFigure(Base):
    """Append-only history of the figures reported for a target and a reporting period; the latest row of
    (target, period) is the figure. Who, when, through which channel and in which words: the audit trail."""

    __tablename__ = "target_figures"
    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(4))  # Q1 | Q2 | H1 | Q3 | Y
    value: Mapped[float] = mapped_column(Float)
    numerator: Mapped[int | None] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(16))
    original_text: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProcessedMessage(Base):
    """Inbound idempotency: a channel message (or update) id seen once is never handled again."""

    __tablename__ = "processed_messages"
    __table_args__ = (UniqueConstraint("channel", "message_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InboxUpdate(Base):
    """The durable inbox: every update a messenger delivered, stored BEFORE it is acknowledged
    (before the next getUpdates offset, before the webhook's 200).

    state: `new` (not handled yet) → `done` (its effects committed — in the same transaction as this
    mark —, `replies` holds what to answer) → `answered` (the replies went out)."""

    __tablename__ = "inbox_updates"
    __table_args__ = (
        UniqueConstraint("channel", "update_key"),
        Index("ix_inbox_updates_state_id", "state", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_key: Mapped[str] = mapped_column(String(200))
    chat_key: Mapped[str] = mapped_column(String(64), default="")
    payload: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="new")
    replies: Mapped[list | None] = mapped_column(JSON, nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PacingSlot(Base):
    """A shared send budget (GCRA): the time, in epoch seconds, at which the next send may go.
    Several bot processes on one PostgreSQL reserve their sends here, so together they keep to the
    messenger's per-bot limit."""

    __tablename__ = "pacing_slots"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


class FailedAttempts(Base):
    """Recent failed attempts of one key (wrong invite codes of one sender), shared by every process so
    that N processes do not give a guesser N times the allowance: the epoch seconds of the last few."""

    __tablename__ = "failed_attempts"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[list] = mapped_column(JSON, default=list)
    last_at: Mapped[float] = mapped_column(Float)


class ChatState(Base):
    """A pending question per chat (a confirmation, a numbered choice), with an expiry."""

    __tablename__ = "chat_states"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReminderDelivery(Base):
    """Outbound idempotency: one row per reminder key, claimed before sending (unique key)."""

    __tablename__ = "reminder_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    unit_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_leads.id", ondelete="CASCADE"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    due: Mapped[dt.date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default="claimed")  # claimed|sent|failed|skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)


Index("ix_reminder_deliveries_state", ReminderDelivery.state, ReminderDelivery.next_attempt_at)


class WebSignIn(Base):
    """A one-time sign-in link for the web view (`/web`, `cchc-bot web link`): only its SHA-256 is kept,
    it expires after 10 minutes and `used_at` makes it single-use. `user_id` is NULL for a virtual user
    (nobody of that unit and role is registered yet)."""

    __tablename__ = "web_sign_ins"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A browser session of the web view (cookie holds the token; only its SHA-256 is stored)."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
