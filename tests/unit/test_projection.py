"""The projection's rules (domain/projection.py): milestone-by-milestone replay, lateness of a completion,
milestones before the plan's year, the working day a deadline on a day off moves to, the cut-off date."""

from __future__ import annotations

import datetime as dt

from domain.projection import (
    PlanMilestone,
    PlanShare,
    RecordedUpdate,
    effective_due,
    milestone_overdue,
    project,
)
from domain.shares import Status
from domain.workdays import WorkingCalendar

D = dt.date
# Weekends off, plus 2/9/2022 (Friday) as a declared day off: deterministic, no package data needed.
CAL = WorkingCalendar(days_off={D(2022, 9, 2): "Quốc khánh"})
TASK2 = PlanShare(
    lead_id=1, task=2, unit_id="van-phong", assignment_id=10,
    milestones=(PlanMilestone(21, "Ban hành Kế hoạch", "date", D(2022, 3, 31), 0),
                PlanMilestone(22, "Thực hiện", "year_round", D(2022, 12, 31), 1)),
)


def one(share: PlanShare, updates: list[RecordedUpdate], at: dt.date):
    projection = project([share], updates, at, CAL, plan_year=2022)
    return projection, projection.shares[0]


def test_completing_one_milestone_of_two_is_in_progress_not_done():
    projection, s = one(TASK2, [RecordedUpdate(1, "done", 100, D(2022, 7, 5))], D(2022, 9, 14))
    assert (s.status, s.percent, s.done_on, s.done_late) == (Status.IN_PROGRESS, 50, None, None)
    first, second = s.milestones
    assert (first.done_on, first.done_late) == (D(2022, 7, 5), True)  # due 31/3, done in July
    assert (second.done, second.done_on, second.effective_due) == (False, None, D(2022, 12, 30))
    assert not s.overdue
    assert projection.counts().as_contract() == {
        "shares": 1, "done": 0, "done_on_time": 0, "done_late": 0, "in_progress": 1, "blocked": 0,
        "not_started": 0, "overdue": 0,
    }


def test_second_done_finishes_the_share_on_time():
    updates = [RecordedUpdate(1, "done", 100, D(2022, 3, 30)), RecordedUpdate(1, "done", 100, D(2022, 11, 2))]
    projection, s = one(TASK2, updates, D(2022, 12, 31))
    assert (s.status, s.percent, s.done_on, s.done_late) == (Status.DONE, 100, D(2022, 11, 2), False)
    assert [m.done_on for m in s.milestones] == [D(2022, 3, 30), D(2022, 11, 2)]
    assert [m.done_late for m in s.milestones] == [False, False]
    assert projection.counts().done_on_time == 1


def test_done_after_the_last_effective_due_is_done_late():
    share = PlanShare(2, 5, "thanh-tra", 11, (PlanMilestone(31, "Báo cáo", "date", D(2022, 6, 30)),))
    projection, s = one(share, [RecordedUpdate(2, "done", None, D(2022, 7, 1))], D(2022, 7, 2))
    assert (s.status, s.done_on, s.done_late) == (Status.DONE, D(2022, 7, 1), True)
    counts = projection.counts()
    assert (counts.done, counts.done_late, counts.done_on_time, counts.overdue) == (1, 1, 0, 0)


def test_a_milestone_dated_before_the_plan_year_never_makes_a_share_overdue():
    share = PlanShare(3, 1, "van-phong", 12, (PlanMilestone(41, "Ban hành", "date", D(2021, 12, 31)),))
    projection, s = one(share, [], D(2022, 9, 14))
    assert s.milestones[0].before_plan and not s.milestones[0].overdue and not s.overdue
    assert projection.counts().overdue == 0
    assert not milestone_overdue(done=False, due=D(2021, 12, 31), at=D(2022, 9, 14), workdays=CAL, plan_year=2022)
    # done in the plan year, it is not «late» either
    _, s = one(share, [RecordedUpdate(3, "done", None, D(2022, 2, 1))], D(2022, 9, 14))
    assert (s.status, s.done_late, s.milestones[0].done_late) == (Status.DONE, False, False)


def test_effective_due_moves_a_deadline_on_a_day_off_to_the_working_day_before():
    assert effective_due(D(2022, 12, 31), CAL) == D(2022, 12, 30)  # Saturday → Friday
    # Sunday, Saturday, the declared day off Friday 2/9 and the holiday Thursday 1/9 → Wednesday
    assert effective_due(D(2022, 9, 4), CAL) == D(2022, 8, 31)
    assert effective_due(D(2022, 9, 5), CAL) == D(2022, 9, 5)
    share = PlanShare(4, 7, "van-phong", 13, (PlanMilestone(51, "Nộp", "date", D(2022, 9, 4)),))
    _, s = one(share, [], D(2022, 9, 1))
    assert s.milestones[0].effective_due == D(2022, 8, 31) and s.overdue  # late on the holiday already
    _, s = one(share, [], D(2022, 8, 31))
    assert not s.overdue  # due at the end of its effective day
    _, s = one(share, [RecordedUpdate(4, "done", None, D(2022, 9, 3))], D(2022, 9, 5))
    assert s.done_late  # finished on Saturday: after the day it was really due


def test_updates_after_the_date_are_not_seen_and_not_started_starts_over():
    updates = [
        RecordedUpdate(1, "in_progress", 30, D(2022, 2, 1)),
        RecordedUpdate(1, "blocked", None, D(2022, 3, 1)),
        RecordedUpdate(1, "not_started", None, D(2022, 5, 1)),
        RecordedUpdate(1, "done", None, D(2022, 6, 1)),
    ]
    assert one(TASK2, updates, D(2022, 1, 31))[1].status is Status.NOT_STARTED
    assert not one(TASK2, updates, D(2022, 1, 31))[1].updated
    _, s = one(TASK2, updates, D(2022, 2, 15))
    assert (s.status, s.percent, s.updated) == (Status.IN_PROGRESS, 30, True)
    _, s = one(TASK2, updates, D(2022, 4, 1))
    assert s.status is Status.BLOCKED and s.overdue  # Q1 milestone passed, not done
    _, s = one(TASK2, updates, D(2022, 5, 2))
    assert s.status is Status.NOT_STARTED and s.updated and s.overdue
    projection, s = one(TASK2, updates, D(2022, 6, 2))
    assert s.milestones[0].done_on == D(2022, 6, 1) and s.status is Status.IN_PROGRESS
    assert projection.counts().not_updated == 0
    assert projection.milestone_counts().done == 1


def test_a_share_without_updates_counts_as_not_updated():
    projection = project([TASK2], [], D(2022, 4, 5), CAL, plan_year=2022)
    counts = projection.counts()
    assert (counts.not_started, counts.not_updated, counts.overdue) == (1, 1, 1)
    assert projection.milestone_counts().overdue == 1
    assert projection.overdue_tasks() == 1
