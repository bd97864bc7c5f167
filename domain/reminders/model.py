"""The reminder engine's vocabulary: kinds of reminder, the records the planner works on (a candidate
milestone, a recipient, a due item), the idempotency keys, and the two small rules every part shares
(`before_plan`, `aware`). Pure data; no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from domain.lateness import before_plan as before_plan  # the one rule, re-exported for the reminder code
from domain.plan import PERIODIC_REPORT, YEAR_ROUND
from domain.reminders.policy import ReminderPolicy
from domain.shares import Status, milestone_done

BEFORE_DUE = "before_due"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
REPORT_BEFORE_DUE = "report_before_due"
REPORT_INPUT = "report_input"
CHECKIN = "checkin"
DIGEST = "digest"
YEAR_END = "year_end"
# The first message of a new plan year to each unit: what is new for it (domain.plan_diff), sent once.
NEW_YEAR = "new_year"
# The plan's targets with no figure for the period of a check-in's cut-off; it rides in that day's message
# and is reported as kind «checkin» (docs/contracts.md §4 keeps its list of kinds).
TARGETS = "targets"
KINDS = (OVERDUE, DUE_TODAY, REPORT_INPUT, BEFORE_DUE, REPORT_BEFORE_DUE, CHECKIN, DIGEST, YEAR_END)
OVERVIEW = "overview"  # the coordinators' weekly overview; reported as kind «digest» (docs/contracts.md §4)
# Most urgent first inside one grouped message.
URGENCY = {OVERDUE: 0, DUE_TODAY: 1, REPORT_INPUT: 2, BEFORE_DUE: 3, REPORT_BEFORE_DUE: 3, CHECKIN: 4, TARGETS: 5}

SNOOZE_CODES = ("1d", "3d", "mon")

# Why an item reaches nobody (docs/contracts.md §4 `unreachable_reason`).
NO_HEAD = "no_registered_head"
NO_DELEGATE = "no_delegate_registered"
OPTED_OUT = "all_opted_out"
SNOOZED = "all_snoozed"
UNREACHABLE = "all_identities_unreachable"

def year_closed(plan_year: int, today: dt.date) -> bool:
    return bool(plan_year) and today > dt.date(plan_year, 12, 31)


@dataclass(slots=True)
class Candidate:
    """One not-done (lead unit, milestone) pair with a known deadline, as the repository reads it."""

    lead_id: int
    unit_id: str
    milestone_id: int
    milestone_kind: str
    label: str
    due: dt.date
    task_number: int
    task_title: str = ""
    status: str = "not_started"
    percent: int | None = None
    plan_year: int = 0
    report: str | None = None
    period: str | None = None
    # Periodic reports: the data cut-off and the units that feed the report (its coordinating units).
    cutoff: dt.date | None = None
    contributors: tuple[str, ...] = ()
    scope: str | None = None

    @property
    def is_report(self) -> bool:
        return self.milestone_kind == PERIODIC_REPORT

    @property
    def year_round(self) -> bool:
        return self.milestone_kind == YEAR_ROUND

    @property
    def remindable(self) -> bool:
        """Counted down and reminded: not year-round work, not fulfilled by the plan itself."""
        return not self.year_round and not before_plan(self.due, self.plan_year)


@dataclass(frozen=True)
class Recipient:
    """A registered person as the policy sees them; `channels` are the reachable (channel, chat) pairs."""

    user_id: int
    unit_id: str
    role: str
    enabled: bool | None = None  # None: the role's default
    days_before: int | None = None
    snoozed_until: dt.datetime | None = None
    channels: tuple[str, ...] = ()

    def wants_items(self, policy: ReminderPolicy) -> bool:
        if self.role == "head":
            default = policy.head_reminders
        elif self.role == "officer":
            default = policy.officer_reminders
        else:
            return False  # coordinators, leaders, admins follow the plan through the overview
        return default if self.enabled is None else self.enabled

    def wants_digest(self, policy: ReminderPolicy) -> bool:
        return self.role == "head" and (policy.head_reminders if self.enabled is None else self.enabled)

    def wants_overview(self, policy: ReminderPolicy) -> bool:
        return self.role == "coordinator" and (
            policy.coordinator_overview if self.enabled is None else self.enabled
        )

    def paused(self, now: dt.datetime) -> bool:
        return self.snoozed_until is not None and aware(self.snoozed_until) > now

    def wants_delegated(self) -> bool:
        """A delegate (units.yaml `reminders_to`) receives the unit's reminders unless turned off."""
        return self.enabled is not False



@dataclass(frozen=True, order=True)
class Step:
    """One reminder of a milestone. Ordered by (slot, rank): the greater is the more recent."""

    slot: dt.date
    rank: int
    kind: str = field(compare=False)
    offset: int = field(compare=False)  # days before the deadline; negative once overdue


@dataclass(slots=True)
class DueItem:
    """A unit-level reminder due now (docs/contracts.md §4) and the people it would reach."""

    key: str
    kind: str  # one of KINDS, or OVERVIEW
    unit_id: str | None
    offset: int | None
    due: dt.date | None
    task_number: int | None = None
    label: str = ""
    candidate: Candidate | None = None
    recipients: list[int] = field(default_factory=list)
    unreachable: list[int] = field(default_factory=list)
    content: object | None = None  # digests, check-ins, year-end: what the message will list
    period: str | None = None  # check-ins and targets: the report period of the cut-off (Q1, H1, Q3, Y)
    unreachable_reason: str | None = None
    _message: str | None = field(default=None, repr=False)
    # dry run: composes the message's text on first need (shared by the items of one message: composed once)
    compose_message: Callable[[], str] | None = field(default=None, repr=False, compare=False)

    @property
    def message(self) -> str | None:
        """Dry run: the text of the message this item goes out in, composed when first read."""
        if self._message is None and self.compose_message is not None:
            self._message = self.compose_message()
        return self._message

    @message.setter
    def message(self, text: str | None) -> None:
        self._message = text

    @property
    def contract_kind(self) -> str:
        return {OVERVIEW: DIGEST, TARGETS: CHECKIN}.get(self.kind, self.kind)

    @property
    def urgency(self) -> tuple[int, dt.date, int, str]:
        return (URGENCY.get(self.kind, 9), self.due or dt.date.max, self.task_number or 0, self.key)

    def delivery_key(self, user_id: int) -> str:
        return person_key(self.key, user_id)


def person_key(item: str, user_id: int) -> str:
    """The idempotency key of one delivery: the unit-level item's key — (unit, lead, milestone, kind,
    offset, due date) or (unit, digest, week) — plus the person it goes to."""
    return f"{item}:u{user_id}"


def item_key(c: Candidate, step: Step) -> str:
    return f"{c.unit_id}:{c.lead_id}:{c.milestone_id}:{step.kind}:{step.offset}:{c.due.isoformat()}"


def digest_key(unit_id: str, week: dt.date) -> str:
    return f"{unit_id}:digest:{week.isoformat()}"


def overview_key(week: dt.date) -> str:
    return f"*:overview:{week.isoformat()}"


def input_key(unit_id: str, c: Candidate) -> str:
    return f"{unit_id}:input:{c.lead_id}:{c.milestone_id}:{(c.cutoff or c.due).isoformat()}"


def checkin_key(unit_id: str, cutoff: dt.date) -> str:
    return f"{unit_id}:checkin:{cutoff.isoformat()}"


def targets_key(unit_id: str | None, cutoff: dt.date) -> str:
    return f"{unit_id or '*'}:targets:{cutoff.isoformat()}"


def year_end_key(unit_id: str | None, year: int) -> str:
    return f"{unit_id or '*'}:year_end:{year}"


def new_year_key(unit_id: str, year: int) -> str:
    return f"{unit_id}:new_year:{year}"



@dataclass(frozen=True)
class SettingsView:
    """A person's reminder settings as the service reports them."""

    role: str
    enabled: bool  # effective, after the role default
    explicit: bool | None
    days_before: int | None
    offsets: tuple[int, ...]
    snoozed_until: dt.datetime | None



@dataclass(frozen=True)
class Route:
    """One way to reach a person: a reachable identity on a channel (the delivery engine tries them in order)."""

    identity_id: int
    channel: str
    chat_id: str


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)



class MilestoneRow(NamedTuple):
    """One (lead unit's share, milestone) pair as a repository fetched it: plain columns, no rule applied.
    The planning and counting fetches leave the text columns empty (they are read for the few items that
    are listed or go out). A named tuple: immutable, and cheap to build by the ten thousand."""

    lead_id: int
    unit_id: str
    milestone_id: int
    kind: str
    due: dt.date | None
    status: str
    done_through: dt.date | None
    task_number: int = 0
    plan_year: int = 0
    label: str = ""
    task_title: str = ""
    percent: int | None = None
    scope: str | None = None
    report: str | None = None
    period: str | None = None
    coordinating: tuple[str, ...] = ()
    assignment_id: int = 0

    @property
    def open(self) -> bool:
        """Not done: the one completion rule (`domain.shares.milestone_done`)."""
        return not milestone_done(self.status, self.done_through, self.due)

    @property
    def consolidated(self) -> bool:
        """A periodic report of the whole assignment (not a unit's own restricted share): its
        coordinating units feed it."""
        return self.kind == PERIODIC_REPORT and self.scope is None

    def planning_candidate(self) -> Candidate:
        """What planning needs (no text). A consolidated report's contributors are its coordinating units —
        not for a unit's own restricted share (the Trung tâm's annual report of task 5)."""
        return Candidate(lead_id=self.lead_id, unit_id=self.unit_id, milestone_id=self.milestone_id,
                         milestone_kind=self.kind, label="", due=self.due or dt.date.min, task_number=0,
                         plan_year=self.plan_year, report=self.report, period=self.period,
                         contributors=self.coordinating if self.consolidated else ())

    def listed_candidate(self, undated: dt.date | None = None) -> Candidate:
        """What a message lists: the share's task, milestone, status and percent (`undated`: the date an
        undated milestone is shown with)."""
        return Candidate(lead_id=self.lead_id, unit_id=self.unit_id, milestone_id=self.milestone_id,
                         milestone_kind=self.kind, label=self.label, due=self.due or undated or dt.date.min,
                         task_number=self.task_number, task_title=self.task_title, status=self.status,
                         percent=self.percent, plan_year=self.plan_year, scope=self.scope)

    def current_candidate(self) -> Candidate:
        """An item about to go out, read again: done (by the completion rule) or as it stands."""
        listed = self.listed_candidate()
        listed.report, listed.period = self.report, self.period
        if not self.open:
            listed.status = Status.DONE
        return listed


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One person with one of their identities (None: no identity), as a repository fetched it."""

    user_id: int
    unit_id: str
    role: str
    active: bool
    enabled: bool | None
    days_before: int | None
    snoozed_until: dt.datetime | None
    preferred_channel: str | None
    identity_id: int | None = None
    channel: str | None = None
    chat_id: str | None = None
    reachable: bool = False
