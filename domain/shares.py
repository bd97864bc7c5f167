"""A lead unit's share of a task: its status, who may write it, its percent, and how «done» completes
it milestone by milestone. Pure rules — the status service loads the share, asks these functions what
changes, and has the repository write it.

A share is one (assignment × lead unit): a task led collectively by «Các phòng, đơn vị thuộc Sở» is
done for a unit when that unit says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain import lateness
from domain.lateness import Workdays as Workdays  # re-exported: the share rules' callers import them here
from domain.lateness import due_working_day as due_working_day


class Status(StrEnum):
    """The status of a share. A StrEnum: equal to its value, so the database and JSON keep the words."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"


STATUSES: tuple[Status, ...] = tuple(Status)
OPEN_STATUSES: tuple[Status, ...] = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED)
PERCENT_MIN, PERCENT_MAX = 0, 100


class ShareRuleError(ValueError):
    """A request the share's rules refuse; nothing is written."""


class UnknownStatus(ShareRuleError):
    def __init__(self, value: object) -> None:
        super().__init__(f"unknown status {value!r} (one of {', '.join(STATUSES)})")
        self.value = value


class PercentOutOfRange(ShareRuleError):
    def __init__(self, value: int) -> None:
        super().__init__(f"percent {value} outside {PERCENT_MIN}–{PERCENT_MAX}")
        self.value = value
        self.low, self.high = PERCENT_MIN, PERCENT_MAX


def parse_status(value: object) -> Status:
    if not isinstance(value, str):  # a Status is a str too
        raise UnknownStatus(value)
    try:
        return Status(value)
    except ValueError:
        raise UnknownStatus(value) from None


def share_percent(status: Status, percent: int | None) -> int | None:
    """The percent a status update records: 100 for done, none for not started, else the one given —
    which must lie in 0–100 (refused otherwise, never clamped: a typo must not be written)."""
    if status is Status.DONE:
        return PERCENT_MAX
    if status is Status.NOT_STARTED:
        return None
    if percent is not None and not PERCENT_MIN <= percent <= PERCENT_MAX:
        raise PercentOutOfRange(percent)
    return percent


class ReviewState(StrEnum):
    """Where one evidence file of a share stands with the Văn phòng's review."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"


def verified(status: str, accepted: int, pending: int) -> bool:
    """A share is «done and verified» when it is done, at least one of its files was accepted and none
    still waits for review (returned files do not count against it)."""
    return status == Status.DONE and accepted > 0 and pending == 0


# -- milestones ----------------------------------------------------------------------------------------
def milestone_done(status: str, done_through: dt.date | None, due: dt.date | None) -> bool:
    """A milestone is done when its share is, or when the share has been done up to its date
    (shares with several dated milestones are completed one milestone at a time)."""
    return status == Status.DONE or (due is not None and done_through is not None and due <= done_through)


def milestone_overdue(
    status: str, done_through: dt.date | None, due: dt.date | None, today: dt.date, workdays: Workdays,
) -> bool:
    """A dated milestone not done whose working day has passed: the projection's rule
    (`domain.lateness.milestone_overdue`, re-exported by `domain.projection`) for callers holding a
    share's current values (the reminders' candidates, the report)."""
    return lateness.milestone_overdue(done=milestone_done(status, done_through, due), due=due, at=today, workdays=workdays)


def share_overdue(
    status: str, done_through: dt.date | None, dues: Iterable[dt.date | None], today: dt.date, workdays: Workdays,
) -> bool:
    """A share is overdue when any of its milestones is (the projection's rule)."""
    return any(milestone_overdue(status, done_through, due, today, workdays) for due in dues)


@dataclass(frozen=True)
class DatedMilestone:
    """What completion needs of a milestone: which one, what it is called, when it is due."""

    id: int
    label: str
    due: dt.date
    position: int = 0


@dataclass(frozen=True)
class ShareChange:
    """What one status update does to a share.

    `recorded` / `recorded_percent` go to the history (what the person reported); `status`,
    `percent`, `done_through` are the share's new current values. When «done» completes only part of
    a share, `completed` is the last milestone it completes and `remaining` the ones still ahead."""

    recorded: Status
    recorded_percent: int | None
    status: Status
    percent: int | None
    done_through: dt.date | None
    completed: DatedMilestone | None = None
    remaining: tuple[DatedMilestone, ...] = ()

    @property
    def partial(self) -> bool:
        return self.completed is not None


def apply_update(
    status: Status,
    percent: int | None,
    *,
    done_through: dt.date | None,
    milestones: Iterable[DatedMilestone],
    today: dt.date,
) -> ShareChange:
    """The share after a status update.

    A share with several dated milestones (four periodic reports, or «Ban hành Kế hoạch: Quý I» then
    «Thực hiện: Cả năm») is done milestone by milestone — everything already due, or else the next
    one — so that reporting the first report sent does not silence the reminders of the next ones.
    The last one makes the share done. «Chưa thực hiện» starts the share over."""
    status = parse_status(status)
    percent = share_percent(status, percent)
    if status is Status.NOT_STARTED:
        return ShareChange(status, percent, status, percent, None)
    if status is not Status.DONE:
        return ShareChange(status, percent, status, percent, done_through)
    dated = sorted(milestones, key=lambda m: (m.due, m.position))
    ahead = [m for m in dated if done_through is None or m.due > done_through]
    reached = [m for m in ahead if m.due <= today] or ahead[:1]
    # Progress is kept as a date (`done_through`): milestones due the same day are completed together.
    reached = [m for m in ahead if m.due <= reached[-1].due] if reached else []
    left = ahead[len(reached):]
    if not left:
        return ShareChange(status, percent, status, percent, max((m.due for m in dated), default=None))
    share = round(100 * (len(dated) - len(left)) / len(dated))
    last = reached[-1]
    return ShareChange(status, percent, Status.IN_PROGRESS, share, last.due, last, tuple(left))
