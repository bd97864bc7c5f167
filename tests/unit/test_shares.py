"""The rules of a lead unit's share, without a database: status values, percent, the overdue rule and milestone-by-milestone completion."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.people import UserView
from domain.shares import (
    OPEN_STATUSES,
    PERCENT_MAX,
    PERCENT_MIN,
    STATUSES,
    DatedMilestone,
    PercentOutOfRange,
    ReviewState,
    Status,
    UnknownStatus,
    apply_update,
    due_working_day,
    milestone_done,
    milestone_overdue,
    parse_status,
    share_overdue,
    share_percent,
    verified,
)
from domain.workdays import WorkingCalendar

D = dt.date
# Task 5's four periodic reports of 2022 (CCHC quarterly reports: Q1, 6 tháng, Q3, cả năm).
REPORTS = (
    DatedMilestone(1, "Báo cáo Quý I", D(2022, 3, 15), 0),
    DatedMilestone(2, "Báo cáo 6 tháng", D(2022, 6, 15), 1),
    DatedMilestone(3, "Báo cáo Quý III", D(2022, 9, 15), 2),
    DatedMilestone(4, "Báo cáo năm", D(2022, 12, 15), 3),
)


def user(role: str, unit: str = "qltm") -> UserView:
    return UserView(id=1, unit_id=unit, role=role)


# -- status -------------------------------------------------------------------------------------------
def test_status_values_are_the_stored_words():
    assert [str(s) for s in STATUSES] == ["not_started", "in_progress", "blocked", "done"]
    assert Status.DONE == "done" and json.dumps({"status": Status.IN_PROGRESS}) == '{"status": "in_progress"}'
    assert Status.DONE not in OPEN_STATUSES and set(OPEN_STATUSES) | {Status.DONE} == set(STATUSES)


def test_an_unknown_status_is_refused():
    assert parse_status("blocked") is Status.BLOCKED
    with pytest.raises(UnknownStatus):
        parse_status("finished")


# -- percent ------------------------------------------------------------------------------------------
def test_percent_follows_the_status():
    assert share_percent(Status.DONE, 40) == 100
    assert share_percent(Status.NOT_STARTED, 40) is None
    assert share_percent(Status.IN_PROGRESS, 60) == 60
    assert share_percent(Status.BLOCKED, None) is None
    assert share_percent(Status.IN_PROGRESS, 0) == 0 and share_percent(Status.IN_PROGRESS, 100) == 100


@pytest.mark.parametrize("percent", [-1, 101, 600])
def test_a_percent_out_of_range_is_refused_with_the_range(percent):
    with pytest.raises(PercentOutOfRange) as refused:
        share_percent(Status.IN_PROGRESS, percent)
    assert (refused.value.low, refused.value.high, refused.value.value) == (PERCENT_MIN, PERCENT_MAX, percent)
    with pytest.raises(PercentOutOfRange):
        apply_update(Status.IN_PROGRESS, percent, done_through=None, milestones=REPORTS, today=D(2022, 8, 15))


# -- overdue ---------------------------------------------------------------------------------------------
def test_the_overdue_rule():
    today = D(2022, 8, 15)
    wd = WorkingCalendar()
    assert milestone_overdue("in_progress", None, D(2022, 6, 15), today, wd)
    assert not milestone_overdue("in_progress", None, D(2022, 8, 15), today, wd)  # due today is not late
    assert not milestone_overdue("done", None, D(2022, 6, 15), today, wd)
    assert not milestone_overdue("in_progress", D(2022, 6, 15), D(2022, 6, 15), today, wd)  # done through it
    assert not milestone_overdue("in_progress", None, None, today, wd)  # no date, never late
    assert share_overdue("blocked", D(2022, 3, 15), [d.due for d in REPORTS], today, wd)
    assert not share_overdue("blocked", D(2022, 6, 15), [d.due for d in REPORTS], today, wd)


def test_a_deadline_on_a_day_off_is_late_from_the_working_day_before_it():
    """Task 7's annual report is due Sunday 18/12/2022, really Friday 16/12: late on Saturday 17/12."""
    wd = WorkingCalendar()
    sunday = D(2022, 12, 18)
    assert due_working_day(sunday, wd) == D(2022, 12, 16)
    assert due_working_day(D(2022, 12, 16), wd) == D(2022, 12, 16)
    assert not milestone_overdue("in_progress", None, sunday, D(2022, 12, 16), wd)  # its working day: not late
    assert milestone_overdue("in_progress", None, sunday, D(2022, 12, 17), wd)  # Saturday before it: late
    assert milestone_overdue("not_started", None, sunday, D(2022, 12, 18), wd)
    assert not milestone_overdue("done", None, sunday, D(2022, 12, 17), wd)
    assert share_overdue("blocked", None, [D(2022, 12, 31), sunday], D(2022, 12, 17), wd)
    # a holiday counts like a Sunday: 02/09/2022 (Quốc khánh) is really due on Thursday 01/09
    assert milestone_overdue("in_progress", None, D(2022, 9, 2), D(2022, 9, 2), wd)


# -- milestone by milestone --------------------------------------------------------------------------------
def test_done_in_august_completes_the_reports_already_due_and_the_share_goes_on():
    change = apply_update(Status.DONE, None, done_through=None, milestones=REPORTS, today=D(2022, 8, 15))
    assert (change.recorded, change.recorded_percent) == (Status.DONE, 100)  # what the person said
    assert (change.status, change.percent, change.done_through) == (Status.IN_PROGRESS, 50, D(2022, 6, 15))
    assert change.completed == REPORTS[1] and change.remaining == REPORTS[2:]
    assert milestone_done(change.status, change.done_through, REPORTS[1].due)
    assert not milestone_done(change.status, change.done_through, REPORTS[2].due)


def test_when_nothing_is_due_done_completes_the_next_one_and_the_last_one_finishes_the_share():
    step = apply_update(Status.DONE, None, done_through=D(2022, 6, 15), milestones=REPORTS, today=D(2022, 8, 15))
    assert (step.status, step.percent, step.completed) == (Status.IN_PROGRESS, 75, REPORTS[2])
    last = apply_update(Status.DONE, None, done_through=step.done_through, milestones=REPORTS, today=D(2022, 8, 16))
    assert (last.status, last.percent, last.done_through) == (Status.DONE, 100, D(2022, 12, 15))
    assert not last.partial and last.remaining == ()


def test_other_statuses_keep_or_reset_the_progress_through_milestones():
    kept = apply_update(Status.BLOCKED, None, done_through=D(2022, 6, 15), milestones=REPORTS, today=D(2022, 8, 15))
    assert (kept.status, kept.done_through) == (Status.BLOCKED, D(2022, 6, 15))
    reset = apply_update(Status.NOT_STARTED, 30, done_through=D(2022, 6, 15), milestones=REPORTS, today=D(2022, 8, 15))
    assert (reset.status, reset.percent, reset.done_through) == (Status.NOT_STARTED, None, None)


def test_a_share_with_one_or_no_dated_milestone_is_done_at_once():
    one = apply_update(Status.DONE, None, done_through=None, milestones=REPORTS[3:], today=D(2022, 1, 5))
    assert (one.status, one.done_through, one.completed) == (Status.DONE, D(2022, 12, 15), None)
    none = apply_update(Status.DONE, None, done_through=None, milestones=(), today=D(2022, 1, 5))
    assert (none.status, none.percent, none.done_through) == (Status.DONE, 100, None)


@given(
    dues=st.lists(st.dates(D(2022, 1, 1), D(2022, 12, 31)), min_size=1, max_size=8),
    today=st.dates(D(2022, 1, 1), D(2023, 1, 31)),
)
def test_saying_done_again_and_again_always_finishes_with_percent_rising(dues, today):
    milestones = [DatedMilestone(i, f"mốc {i}", due, i) for i, due in enumerate(dues)]
    done_through, percent = None, 0
    for _ in range(len(milestones)):
        change = apply_update(Status.DONE, None, done_through=done_through, milestones=milestones, today=today)
        assert change.percent >= percent
        done_through, percent = change.done_through, change.percent
        if change.status is Status.DONE:
            break
        assert change.completed is not None and all(m.due > change.done_through for m in change.remaining)
    assert change.status is Status.DONE and done_through == max(dues)


def test_milestones_due_the_same_day_are_completed_together():
    """Found by the property test above: completing one of two milestones of the same date left the
    other listed as «còn» although `done_through` already counted it done."""
    same_day = (DatedMilestone(1, "Ban hành", D(2022, 3, 31), 0), DatedMilestone(2, "Triển khai", D(2022, 3, 31), 1),
                DatedMilestone(3, "Báo cáo", D(2022, 12, 15), 2))
    change = apply_update(Status.DONE, None, done_through=None, milestones=same_day, today=D(2022, 1, 5))
    assert (change.completed, change.remaining, change.percent) == (same_day[1], same_day[2:], 67)


def test_done_and_verified_needs_an_accepted_file_and_none_waiting():
    assert [str(s) for s in ReviewState] == ["pending", "accepted", "returned"]
    assert verified(Status.DONE, accepted=1, pending=0)
    assert not verified(Status.DONE, accepted=1, pending=1)  # the Văn phòng has not finished looking
    assert not verified(Status.DONE, accepted=0, pending=0)
    assert not verified(Status.IN_PROGRESS, accepted=2, pending=0)
