"""Who may do what (services/access.py), the rules chat handlers, web routes and services share: writing
a unit's share, seeing or exporting a unit, drafting the department's report, the office's own work."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.people import ROLES, UserView
from services.access import (
    Permission,
    ShareChoiceKind,
    chooses_share,
    coordinating,
    may_draft_department_report,
    may_see_unit,
    may_write,
    share_to_write,
    unit_in_view,
    visible_units,
    writable,
)
from services.views import LeadView

UNITS = ("qltm", "thanh-tra", "van-phong", "ttkc")


def user(role: str, unit: str = "qltm") -> UserView:
    return UserView(id=1, unit_id=unit, role=role)


def lead(lead_id: int, unit: str, task: int = 7) -> LeadView:
    return LeadView(
        lead_id=lead_id, unit_id=unit, task_number=task, task_title="Rà soát thủ tục", section=1, assignment_id=lead_id,
        assignment_position=0, scope=None, status="not_started", percent=None, status_at=None, milestones=(),
    )


# -- writing shares -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "own", "other"),
    [("head", True, False), ("officer", True, False), ("coordinator", True, True), ("admin", True, True),
     ("leader", False, False)],
)
def test_who_may_write_which_share(role, own, other):
    assert may_write(user(role), "qltm") is own
    assert may_write(user(role), "thanh-tra") is other


def test_a_coordinator_facing_several_shares_gets_their_own_units():
    shares = [("qltm", 1), ("van-phong", 2), ("thanh-tra", 3)]
    unit = lambda s: s[0]  # noqa: E731
    assert writable(user("coordinator", "van-phong"), shares, unit) == [("van-phong", 2)]
    assert writable(user("coordinator", "ttkc"), shares, unit) == shares  # none of their own: ask which
    assert writable(user("head"), shares, unit) == [("qltm", 1)]
    assert writable(user("leader"), shares, unit) == []
    assert writable(user("coordinator", "van-phong"), shares, unit, chosen=lambda s: s[1] == 3) == [("thanh-tra", 3)]
    assert writable(user("head"), shares, unit, chosen=lambda s: s[1] == 3) == []  # not theirs to choose


def test_a_head_naming_another_unit_is_refused_and_their_own_name_changes_nothing():
    leads = [lead(1, "qltm"), lead(2, "thanh-tra")]
    assert share_to_write(user("head"), "thanh-tra", leads).kind is ShareChoiceKind.OTHER_UNIT
    assert share_to_write(user("head"), "qltm", leads).kind is ShareChoiceKind.OWN
    assert share_to_write(user("officer"), None, leads).kind is ShareChoiceKind.OWN
    assert not chooses_share(user("head")) and not chooses_share(user("leader"))


def test_a_coordinator_names_a_lead_unit_or_is_asked_which():
    office = user("coordinator", "van-phong")
    leads = [lead(1, "qltm"), lead(2, "thanh-tra")]
    assert chooses_share(office)
    named = share_to_write(office, "thanh-tra", leads)
    assert (named.kind, named.lead_id) == (ShareChoiceKind.ONE, 2)
    stranger = share_to_write(office, "ttkc", leads)
    assert (stranger.kind, stranger.lead_units) == (ShareChoiceKind.NOT_A_LEAD, ["qltm", "thanh-tra"])
    ask = share_to_write(office, None, leads)
    assert (ask.kind, [o.lead_id for o in ask.options]) == (ShareChoiceKind.ASK, [1, 2])


def test_a_coordinator_with_one_lead_unit_or_an_unknown_task_leaves_it_to_the_service():
    office = user("coordinator", "van-phong")
    assert share_to_write(office, None, [lead(1, "qltm")]).kind is ShareChoiceKind.OWN
    assert share_to_write(office, None, []).kind is ShareChoiceKind.OWN  # unknown task: the service says so
    two_rows = share_to_write(office, "qltm", [lead(1, "qltm"), lead(3, "qltm")])  # two assignments of one unit
    assert (two_rows.kind, [o.lead_id for o in two_rows.options]) == (ShareChoiceKind.ASK, [1, 3])


# -- seeing and exporting -----------------------------------------------------------------------------
@given(st.sampled_from(ROLES), st.sampled_from(UNITS), st.one_of(st.none(), st.sampled_from(UNITS)))
def test_a_unit_in_view_is_always_one_the_person_may_see(role, own, asked):
    person = user(role, own)
    scope = unit_in_view(person, asked)
    if scope.unit_id is None:
        assert person.sees_all_units and asked is None  # the whole department: only for those who see it all
    else:
        assert may_see_unit(person, scope.unit_id)
    assert (scope.refused is not None) == (asked is not None and not may_see_unit(person, asked))
    assert visible_units(person) == (None if person.sees_all_units else [own])


def test_the_department_report_and_the_offices_work():
    assert [r for r in ROLES if may_draft_department_report(user(r))] == [
        r for r in ROLES if r in ("coordinator", "leader", "admin")
    ]
    assert coordinating(user("coordinator")) is Permission.ALLOWED
    assert coordinating(user("admin")) is Permission.ALLOWED
    assert coordinating(user("leader")) is Permission.READ_ONLY
    assert coordinating(user("head")) is Permission.FORBIDDEN
    assert coordinating(user("officer")) is Permission.FORBIDDEN
