"""The pure part of the reminder policy: slots on Vietnamese working days, the sending window, the
latest-step rule, digests' days, recipients — no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from bot.settings import DEFAULTS
from domain.reminders import (
    BEFORE_DUE,
    DUE_TODAY,
    OVERDUE,
    REPORT_BEFORE_DUE,
    Candidate,
    Planner,
    Recipient,
)
from domain.reminders.policy import PolicyError, ReminderPolicy
from domain.reporting import ReportingCalendar
from domain.workdays import WorkingCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date


def at(day: str, hhmm: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=TZ)


@pytest.fixture(scope="module")
def planner() -> Planner:
    reporting = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")
    workdays = WorkingCalendar.load(DEFAULTS / "calendar_overrides.yaml")
    return Planner(ReminderPolicy.load(), workdays, TZ, reporting.remind_before_days)


def slots(steps) -> list[tuple[str, int, dt.date]]:
    return [(s.kind, s.offset, s.slot) for s in steps]


def test_policy_file_matches_the_code_defaults():
    """The shipped YAML and the dataclass defaults say the same thing, so a partial copy is safe."""
    assert ReminderPolicy.load() == ReminderPolicy()
    policy = ReminderPolicy()
    assert policy.before_due_working_days == (7, 3, 1)
    assert (policy.overdue_every_working_days, policy.overdue_max_times) == (3, 5)
    assert (policy.window_start, policy.window_end) == (dt.time(8), dt.time(17))
    assert policy.digest.weekday == 0 and policy.digest.time == dt.time(8)
    assert 25 <= policy.delivery.rate_per_second <= 29


def test_policy_file_errors_name_the_problem(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("window: {start: '18:00', end: '08:00'}\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="window"):
        ReminderPolicy.load(bad)
    bad.write_text("before_due_working_days: [7, 0]\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="dương"):
        ReminderPolicy.load(bad)
    bad.write_text("delivery: {rate: 3}\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="rate"):
        ReminderPolicy.load(bad)
    partial = tmp_path / "q.yaml"
    partial.write_text("before_due_working_days: [10, 2]\ndigest: {weekday: tuesday}\n", encoding="utf-8")
    policy = ReminderPolicy.load(partial)
    assert policy.before_due_working_days == (10, 2)
    assert policy.digest.weekday == 1 and policy.digest.time == dt.time(8)
    assert policy.overdue_max_times == 5


def test_dated_milestone_steps_count_working_days(planner):
    """Quý III 2022 ends on Friday 30/09; 01–02/09 (Quốc khánh) are days off."""
    assert slots(planner.steps(D(2022, 9, 30), False, (7, 3, 1))) == [
        (BEFORE_DUE, 7, D(2022, 9, 21)),
        (BEFORE_DUE, 3, D(2022, 9, 27)),
        (BEFORE_DUE, 1, D(2022, 9, 29)),
        (DUE_TODAY, 0, D(2022, 9, 30)),
        (OVERDUE, -3, D(2022, 10, 5)),
        (OVERDUE, -6, D(2022, 10, 10)),
        (OVERDUE, -9, D(2022, 10, 13)),
        (OVERDUE, -12, D(2022, 10, 18)),
        (OVERDUE, -15, D(2022, 10, 21)),
    ]
    # 7 working days before 09/09/2022 skips the National Day holiday (01–02/09) and the weekend.
    assert planner.steps(D(2022, 9, 9), False, (7,))[0].slot == D(2022, 8, 29)


def test_a_sunday_deadline_is_reminded_on_the_friday(planner):
    """Báo cáo kiểm soát TTHC năm: 18/12/2022 is a Sunday."""
    steps = slots(planner.steps(D(2022, 12, 18), True, (7, 3, 1)))
    assert (DUE_TODAY, 0, D(2022, 12, 16)) in steps
    # Reports use the reporting calendar's remind_before_days (calendar days, from the last working day):
    # 10 → Tue 06/12, 5 → Sun 11/12 moved to Mon 12/12, 2 → Wed 14/12.
    assert [s for s in steps if s[0] == REPORT_BEFORE_DUE] == [
        (REPORT_BEFORE_DUE, 10, D(2022, 12, 6)),
        (REPORT_BEFORE_DUE, 5, D(2022, 12, 12)),
        (REPORT_BEFORE_DUE, 2, D(2022, 12, 14)),
    ]
    # Overdue counts from the real deadline: Mon 19, Tue 20, Wed 21.
    assert (OVERDUE, -3, D(2022, 12, 21)) in steps
    assert all(planner.workdays.is_working_day(s[2]) for s in steps)


def test_report_reminders_never_land_after_the_deadline(planner):
    # Due Monday 06/06/2022 from a Sunday −2 → Saturday 04/06 → next working day would be Monday itself.
    steps = planner.steps(D(2022, 6, 6), True, ())
    assert max(s.slot for s in steps if s.kind == REPORT_BEFORE_DUE) <= D(2022, 6, 6)


def test_sending_window(planner):
    assert planner.window_open(at("2022-09-27", "08:00"))
    assert planner.window_open(at("2022-09-27", "16:59"))
    assert not planner.window_open(at("2022-09-27", "07:59"))
    assert not planner.window_open(at("2022-09-27", "17:00"))
    assert not planner.window_open(at("2022-09-24", "10:00"))  # Saturday
    assert not planner.window_open(at("2022-09-02", "10:00"))  # Quốc khánh
    assert not planner.window_open(at("2022-02-02", "10:00"))  # Tết
    # 02:00 UTC is 09:00 in Hà Nội: the window is local time, whatever the server's zone.
    assert planner.window_open(dt.datetime(2022, 9, 27, 2, 0, tzinfo=dt.UTC))


def test_bundled_overrides_day_off_and_make_up_saturday(planner):
    """calendar_overrides.yaml: 02/01/2026 is off (swapped with Saturday 10/01/2026)."""
    assert not planner.window_open(at("2026-01-02", "09:00"))
    assert planner.window_open(at("2026-01-10", "09:00"))
    assert planner.next_window_opening(at("2026-01-01", "18:00")) == at("2026-01-05", "08:00")


def test_next_window_opening_skips_tet(planner):
    """Friday 28/01/2022 after office hours: the next working morning is Monday 07/02 (Tết)."""
    assert planner.next_window_opening(at("2022-01-28", "17:30")) == at("2022-02-07", "08:00")
    assert planner.next_window_opening(at("2022-09-27", "06:00")) == at("2022-09-27", "08:00")


def test_latest_step_only_and_catch_up_limit(planner):
    steps = planner.steps(D(2022, 9, 30), False, (7, 3, 1))
    floor = planner.catch_up_floor
    assert planner.latest_step(steps, D(2022, 9, 20), floor(D(2022, 9, 20))) is None
    assert planner.latest_step(steps, D(2022, 9, 21), floor(D(2022, 9, 21))).offset == 7
    # After downtime from 21/09 to 29/09 only the most recent one (1 day before) is due.
    assert planner.latest_step(steps, D(2022, 9, 29), floor(D(2022, 9, 29))).offset == 1
    # Long after the last overdue repeat (21/10), nothing is due any more.
    assert planner.latest_step(steps, D(2022, 11, 30), floor(D(2022, 11, 30))) is None


def test_digest_day_is_the_first_working_day_of_the_week(planner):
    assert planner.digest_slot(D(2022, 9, 26)) == at("2022-09-26", "08:00")
    assert planner.digest_slot(D(2022, 1, 3)) == at("2022-01-04", "08:00")  # Monday 03/01 is a holiday
    assert planner.digest_slot(D(2022, 4, 11)) == at("2022-04-12", "08:00")  # Giỗ Tổ observed
    assert planner.digest_slot(D(2022, 1, 31)) is None  # the whole week is Tết
    assert planner.digest_due(at("2022-09-26", "07:59")) is None
    assert planner.digest_due(at("2022-09-26", "08:00")) == D(2022, 9, 26)
    assert planner.digest_due(at("2022-09-28", "10:00")) == D(2022, 9, 26)  # catch-up within the week


def test_user_offsets():
    policy = ReminderPolicy()
    assert policy.offsets_for(None) == (7, 3, 1)
    assert policy.offsets_for(5) == (5, 3, 1)
    assert policy.offsets_for(10) == (10, 7, 3, 1)
    assert policy.offsets_for(1) == (1,)
    assert policy.offsets_for(0) == ()


def test_candidate_window_contains_every_due_step(planner):
    """Whatever the SQL date filter drops must have no step in [catch-up floor, today]."""
    for extra, offsets in (((), (7, 3, 1)), ((10,), (10, 7, 3, 1))):
        for today in (D(2022, 1, 1) + dt.timedelta(days=n) for n in range(365)):
            lo, hi = planner.candidate_window(today, extra)
            floor = planner.catch_up_floor(today)
            for delta in range(-60, 40):
                due = today + dt.timedelta(days=delta)
                for is_report in (False, True):
                    if planner.latest_step(planner.steps(due, is_report, offsets), today, floor) is not None:
                        assert lo <= due <= hi, (today, due, is_report)


Q3 = D(2022, 9, 30)


def _candidate(unit="qlcn", due=Q3, lead=1, milestone=1) -> Candidate:
    return Candidate(lead, unit, milestone, "date", "Quý III", due, 3, "Kiểm tra")


def test_plan_recipients(planner):
    now = at("2022-09-21")
    people = [
        Recipient(1, "qlcn", "head", channels=("telegram",)),
        Recipient(2, "qlcn", "officer", channels=("telegram",)),  # not opted in
        Recipient(3, "qlcn", "officer", enabled=True, channels=("telegram",)),
        Recipient(4, "qlcn", "head", enabled=False, channels=("telegram",)),
        Recipient(5, "qlcn", "head", snoozed_until=now + dt.timedelta(hours=1), channels=("telegram",)),
        Recipient(6, "qlcn", "head"),  # no reachable channel
        Recipient(7, "qlcn", "coordinator", channels=("telegram",)),
        Recipient(8, "qltm", "head", channels=("telegram",)),
    ]
    items = planner.plan(now, [_candidate(), _candidate("ttkc", lead=2)], people)
    by_unit = {i.unit_id: i for i in items}
    assert sorted(by_unit["qlcn"].recipients) == [1, 3]
    assert by_unit["qlcn"].unreachable == [6]
    assert by_unit["qlcn"].kind == BEFORE_DUE and by_unit["qlcn"].offset == 7
    assert by_unit["ttkc"].recipients == []  # nobody registered: still listed
    assert planner.plan(at("2022-09-24"), [_candidate()], people) == []  # Saturday


def test_plan_follows_each_persons_days_before(planner):
    people = [
        Recipient(1, "qlcn", "head", channels=("telegram",)),
        Recipient(2, "qlcn", "head", days_before=5, channels=("telegram",)),
    ]
    # 5 working days before 30/09/2022 is 23/09: only the person who asked for it is reminded then.
    items = planner.plan(at("2022-09-23"), [_candidate()], people)
    assert {(i.offset, tuple(i.recipients)) for i in items} == {(7, (1,)), (5, (2,))}
    policy = replace(planner.policy, head_reminders=False)
    quiet = Planner(policy, planner.workdays, TZ)
    assert [i.recipients for i in quiet.plan(at("2022-09-23"), [_candidate()], people)] == [[]]


def test_a_misspelt_policy_key_is_an_error_not_a_silent_default(tmp_path):
    from domain.reminders.policy import PolicyError, ReminderPolicy

    path = tmp_path / "policy.yaml"
    path.write_text("before_due: [5]\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="before_due"):
        ReminderPolicy.load(path)
    path.write_text("window: {start: '08:00'\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="dòng"):
        ReminderPolicy.load(path)


def test_issue_11_numbers_come_from_the_policy_file(tmp_path):
    """Check-ins, report input and the year-end summary are policy, not code (reminder_policy.yaml)."""
    policy = ReminderPolicy()
    assert (policy.checkin_report, policy.checkin_working_days_before) == ("cchc", 5)
    assert policy.report_input_working_days_before == 3 and policy.year_end_summary
    assert policy.digest.max_overdue == 5
    path = tmp_path / "policy.yaml"
    path.write_text("year_round: {checkin_working_days_before: 2}\nreport_input: {working_days_before: 1}\n"
                    "year_end: {summary: false}\ndigest: {max_overdue: 3}\n", encoding="utf-8")
    custom = ReminderPolicy.load(path)
    assert custom.checkin_working_days_before == 2 and custom.report_input_working_days_before == 1
    assert not custom.year_end_summary and custom.digest.max_overdue == 3
    workdays = WorkingCalendar.load(DEFAULTS / "calendar_overrides.yaml")
    planner = Planner(custom, workdays, TZ)
    assert planner.checkin_slot(D(2022, 9, 14)) == D(2022, 9, 12)
    assert planner.input_step(D(2022, 9, 14), D(2022, 9, 13), D(2022, 9, 1)).slot == D(2022, 9, 13)
    assert planner.year_ends_due(D(2023, 1, 3), [2022]) == []
