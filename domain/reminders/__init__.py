"""The reminders room, domain side — each rule written once, in Python, with no I/O:

    policy (when, to whom, how often: the editable YAML)
      → model (kinds, candidate milestones, recipients, due items, idempotency keys)
      → people (who is reachable, through which channel) · scopes · targets · digest (the week's sections)
      → planner (the countdown steps of each milestone, who receives what now, why nobody would)
      → grouping (one message per person per working day)

The names most callers need are re-exported here.
"""

from domain.reminders.digest import LATE, REPORTS, ROUTINE, WEEK, WeekSummary, WeekWindow, week_summaries
from domain.reminders.grouping import (
    MSG_CHECKIN,
    MSG_DAILY,
    MSG_DIGEST,
    MSG_OVERVIEW,
    MSG_YEAR_END,
    PersonMessage,
    group_messages,
    message_key,
)
from domain.reminders.model import (
    BEFORE_DUE,
    CHECKIN,
    DIGEST,
    DUE_TODAY,
    KINDS,
    NO_DELEGATE,
    NO_HEAD,
    OPTED_OUT,
    OVERDUE,
    OVERVIEW,
    REPORT_BEFORE_DUE,
    REPORT_INPUT,
    SNOOZE_CODES,
    SNOOZED,
    TARGETS,
    UNREACHABLE,
    URGENCY,
    YEAR_END,
    Candidate,
    DueItem,
    MilestoneRow,
    PersonRow,
    Recipient,
    Route,
    SettingsView,
    Step,
    aware,
    before_plan,
    checkin_key,
    digest_key,
    input_key,
    item_key,
    overview_key,
    person_key,
    targets_key,
    year_closed,
    year_end_key,
)
from domain.reminders.people import Audience, audience, digest_people
from domain.reminders.planner import Planner
from domain.reminders.policy import DeliveryPolicy, DigestPolicy, PolicyError, ReminderPolicy
from domain.reminders.targets import MissingTargets, TargetRow, missing_targets, responsible_units

__all__ = [
    "BEFORE_DUE", "CHECKIN", "DIGEST", "DUE_TODAY", "KINDS", "LATE", "MSG_CHECKIN", "MSG_DAILY", "MSG_DIGEST",
    "MSG_OVERVIEW", "MSG_YEAR_END", "NO_DELEGATE", "NO_HEAD", "OPTED_OUT", "OVERDUE", "OVERVIEW", "REPORTS",
    "REPORT_BEFORE_DUE", "REPORT_INPUT", "ROUTINE", "SNOOZED", "SNOOZE_CODES", "TARGETS", "UNREACHABLE", "URGENCY",
    "WEEK", "YEAR_END", "Audience", "Candidate", "DeliveryPolicy", "DigestPolicy", "DueItem", "MilestoneRow",
    "MissingTargets", "PersonMessage", "PersonRow", "Planner", "PolicyError", "Recipient", "ReminderPolicy", "Route",
    "SettingsView", "Step", "TargetRow", "WeekSummary", "WeekWindow", "audience", "aware", "before_plan",
    "checkin_key", "digest_key", "digest_people", "group_messages", "input_key", "item_key", "message_key",
    "missing_targets", "overview_key", "person_key", "responsible_units", "targets_key", "week_summaries",
    "year_closed", "year_end_key",
]
