"""The reminder rules that used to be written in SQL, now pure Python in `domain.reminders`: who is an
active recipient and through which channel first, the weekly digest's sections (the overdue one follows
`domain.shares.milestone_overdue`), collective scoped shares, and whom the simulator's --staff-all adds."""

from __future__ import annotations

import datetime as dt

from bot.settings import DEFAULTS
from domain.plan import DATE, PERIODIC_REPORT, YEAR_ROUND
from domain.reminders import (
    LATE,
    REPORTS,
    ROUTINE,
    WEEK,
    MilestoneRow,
    PersonRow,
    WeekWindow,
    audience,
    week_summaries,
)
from domain.reminders.scopes import ScopedLead, unassigned_scoped
from domain.reminders.targets import TargetRow, missing_targets
from domain.shares import Status
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.reminders.simulator import staffing

WD = WorkingCalendar(days_off={dt.date(2022, 9, 5): "a Monday off"})
WEEK_OF = dt.date(2022, 9, 5)  # its Monday is a day off: the week's first working day is Tuesday 6/9


def person(uid: int, *, active: bool = True, preferred: str | None = None, identity: int | None = None,
           channel: str | None = None, reachable: bool = True) -> PersonRow:
    return PersonRow(uid, "van-phong", "head", active, None, None, None, preferred, identity, channel,
                     f"chat-{identity}" if identity else None, reachable)


def test_a_deactivated_person_is_nobodys_recipient():
    found = audience([person(1, identity=10, channel="telegram"), person(2, active=False, identity=11,
                                                                        channel="telegram")])
    assert [r.user_id for r in found.recipients] == [1]
    assert set(found.routes) == {1}


def test_routes_preferred_channel_first_then_telegram_zalo_console():
    rows = [person(1, preferred="console", identity=i, channel=c)
            for i, c in ((10, "other"), (11, "zalo"), (12, "console"), (13, "telegram"))]
    rows.append(person(1, preferred="console", identity=14, channel="telegram", reachable=False))
    found = audience(rows)
    assert [r.channel for r in found.routes[1]] == ["console", "telegram", "zalo", "other"]
    assert found.recipients[0].channels == ("console", "telegram", "zalo", "other")
    only = audience(rows, ["zalo"])  # the senders running
    assert [r.channel for r in only.routes[1]] == ["zalo"]
    bare = audience([person(2)])  # registered, no identity: a recipient nobody can reach
    assert bare.recipients[0].channels == () and 2 not in bare.routes


def row(lead: int, due: dt.date, kind: str = DATE, *, status: str = "not_started", done_through: dt.date | None = None,
        task: int = 1) -> MilestoneRow:
    return MilestoneRow(lead, "van-phong", lead, kind, due, status, done_through, task, plan_year=2022,
                        label=f"m{lead}")


def test_digest_sections_follow_the_one_overdue_rule():
    window = WeekWindow(WEEK_OF, WD.next_working_day(WEEK_OF), WEEK_OF, WEEK_OF + dt.timedelta(days=21))
    assert window.first_working == dt.date(2022, 9, 6)
    assert window.section(row(1, dt.date(2022, 9, 5)), WD) == LATE  # due on the Monday off: late on Tuesday
    assert window.section(row(2, dt.date(2022, 9, 6)), WD) == WEEK
    assert window.section(row(3, dt.date(2022, 9, 20), PERIODIC_REPORT), WD) == REPORTS
    assert window.section(row(4, dt.date(2022, 9, 20)), WD) is None  # a plain deadline after this week
    assert window.section(row(5, dt.date(2022, 12, 31), YEAR_ROUND), WD) == ROUTINE
    assert window.section(row(6, dt.date(2022, 9, 1), status=Status.DONE), WD) is None
    assert window.section(row(7, dt.date(2022, 9, 1), done_through=dt.date(2022, 9, 1)), WD) is None
    assert window.section(row(8, dt.date(2021, 12, 31)), WD) is None  # a closed year's, or the plan's own


def test_digest_lists_overdue_newest_first_and_counts_the_rest():
    window = WeekWindow(WEEK_OF, dt.date(2022, 9, 6), WEEK_OF, WEEK_OF)
    rows = [row(i, dt.date(2022, 8, i), task=10 - i) for i in range(1, 9)] + [row(20, dt.date(2022, 9, 7))]
    summary = week_summaries(rows, window, WD, limit=3)["van-phong"]
    assert summary.total(LATE) == 8 and summary.total(WEEK) == 1
    assert [c.due.day for c in summary.section(LATE)] == [8, 7, 6]
    counts_only = week_summaries(rows, window, WD, limit=0)["van-phong"]
    assert counts_only.total(LATE) == 8 and counts_only.section(LATE) == []


def test_collective_scoped_shares_are_reminded_only_once_assigned():
    rows = [ScopedLead(1, "qlcn", 7, ("qlcn", "qltm")), ScopedLead(2, "qltm", 7, ("qlcn", "qltm")),
            ScopedLead(3, "trung-tam", 8, ("trung-tam",))]  # one lead: a restriction, reminded as usual
    assert unassigned_scoped(rows, {(7, "qlcn")}) == {2}


def test_missing_targets_per_responsible_unit():
    rows = [TargetRow(2, "2.1", "a", 10, False), TargetRow(2, "2.2", "b", None, False), TargetRow(3, "3.1", "c", 5, True)]
    everything, by_unit = missing_targets(rows, {2: ["thanh-tra"], 3: ["van-phong"]})
    assert everything.targets == (("2.1", "a"),) and everything.of == 2
    assert by_unit == {"thanh-tra": [("2.1", "a")]}


def test_staff_all_adds_what_each_unit_lacks():
    units = UnitDirectory.load(DEFAULTS / "units.yaml")
    have = {("van-phong", "head")}
    added = staffing(units, have)
    assert ("van-phong", "head") not in added and ("van-phong", "coordinator") in added
    kinds = {u.id: u.kind for u in units.member_units}
    assert all(role == {"leadership": "leader", "desk": "officer"}.get(kinds[u], "head")
               for u, role in added if role != "coordinator")
