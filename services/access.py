"""Who may do what: the one module chat handlers, web routes and services ask.

Roles (`domain.people`): heads and officers work on their own unit; coordinators (the department's
office) and admins on every unit; leaders see every unit and write nothing. Every rule here is a plain
function of the person and what they asked for; the answers are typed (`Permission`, `UnitScope`,
`ShareChoice`), and the words that explain a refusal are the caller's (presentation/).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from domain.people import UserView
from services.views import ShareRef

T = TypeVar("T")


class Permission(Enum):
    ALLOWED = "allowed"
    READ_ONLY = "read_only"  # a leader: sees everything, changes nothing
    FORBIDDEN = "forbidden"  # a unit's own people: not theirs to do


def coordinating(user: UserView) -> Permission:
    """Work of the department's office: review evidence, send a notice, record a milestone's trigger."""
    if user.is_coordinator:
        return Permission.ALLOWED
    return Permission.READ_ONLY if user.sees_all_units else Permission.FORBIDDEN


# -- seeing and exporting ------------------------------------------------------------------------------
@dataclass(frozen=True)
class UnitScope:
    """Whose data an answer, a page or an export shows."""

    unit_id: str | None  # None: the whole department
    refused: str | None = None  # the unit asked for, when this person may not see it (then: their own)


def may_see_unit(user: UserView, unit_id: str) -> bool:
    return user.sees_all_units or unit_id == user.unit_id


def visible_units(user: UserView) -> list[str] | None:
    """The units whose shares this person sees; None: all of them."""
    return None if user.sees_all_units else [user.unit_id]


def unit_in_view(user: UserView, asked: str | None) -> UnitScope:
    """The unit an answer, a page or an export is about. Those who see every unit get what they asked
    for (nothing asked: the whole department); the others get their own unit, and a unit they asked for
    that is not theirs comes back as `refused` — the caller says so, or refuses outright (an export)."""
    if user.sees_all_units:
        return UnitScope(asked)
    if asked and asked != user.unit_id:
        return UnitScope(user.unit_id, refused=asked)
    return UnitScope(user.unit_id)


def may_draft_department_report(user: UserView) -> bool:
    """The periodic report states the whole department: the office, the leaders and admins only."""
    return user.sees_all_units


# -- writing shares ------------------------------------------------------------------------------------
def may_write(user: UserView, unit_id: str) -> bool:
    """Heads and officers write their own unit's shares; coordinators (and admins) any unit's;
    leaders read only."""
    return user.can_write and (user.is_coordinator or unit_id == user.unit_id)


def writable(
    user: UserView, shares: Sequence[T], unit_of: Callable[[T], str], *, chosen: Callable[[T], bool] | None = None
) -> list[T]:
    """The shares of one task this user may write, narrowed to the one they chose (`chosen`) or, for a
    coordinator facing several, to their own unit's when it has one. More than one left: ask which."""
    allowed = [s for s in shares if may_write(user, unit_of(s))]
    if chosen is not None:
        return [s for s in allowed if chosen(s)]
    if user.is_coordinator and len(allowed) > 1:
        own = [s for s in allowed if unit_of(s) == user.unit_id]
        return own or allowed
    return allowed


class ShareChoiceKind(Enum):
    OWN = "own"  # nothing to choose: the status service writes the sender's own share
    ONE = "one"  # this share (`lead_id`)
    ASK = "ask"  # several shares fit: ask which (`options`)
    OTHER_UNIT = "other_unit"  # a head or officer named another unit: refused
    NOT_A_LEAD = "not_a_lead"  # the named unit has no share of this task (`lead_units`: those that do)


@dataclass(frozen=True)
class ShareChoice:
    kind: ShareChoiceKind
    lead_id: int | None = None
    options: list[ShareRef] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)


def chooses_share(user: UserView) -> bool:
    """Whether `share_to_write` needs the task's shares: only a coordinator picks among units."""
    return user.is_coordinator and user.can_write


def share_to_write(user: UserView, named: str | None, leads: Sequence[ShareRef]) -> ShareChoice:
    """Which unit's share of one task a status update writes. `named`: the unit the sender named
    («cập nhật giúp phòng X: …»); `leads`: the task's shares (read only when `chooses_share`)."""
    if named and not user.is_coordinator and named != user.unit_id:
        return ShareChoice(ShareChoiceKind.OTHER_UNIT)
    if not chooses_share(user) or not leads:
        return ShareChoice(ShareChoiceKind.OWN)  # an unknown task or no lead unit: the service says which
    lead_units = list(dict.fromkeys(lead.unit_id for lead in leads))
    if named:
        mine = [lead for lead in leads if lead.unit_id == named]
        if not mine:
            return ShareChoice(ShareChoiceKind.NOT_A_LEAD, lead_units=lead_units)
    elif len(lead_units) > 1:
        mine = list(leads)
    else:
        return ShareChoice(ShareChoiceKind.OWN)
    if len(mine) == 1:
        return ShareChoice(ShareChoiceKind.ONE, lead_id=mine[0].lead_id, lead_units=lead_units)
    return ShareChoice(ShareChoiceKind.ASK, options=mine, lead_units=lead_units)
