"""One truth: for random histories of status updates and random dates, the projection (`cchc-bot status`)
and every output — the Excel export's per-share statuses and summary, the web overview's cards and late
list, the chat's «tiến độ» line — state the same numbers.

The database (seed plan) is built once for the module; each example replaces the status history with a
generated one (whole tasks, single milestones of multi-milestone tasks, blocked, percents, late and
early completions, some after the date asked). The shares' denormalised «current» columns are set to
nonsense first: an output that still read them instead of the projection would disagree at once.
Hypothesis runs derandomized (a fixed seed), so a failure reproduces as it is; `--thorough N` draws N
times as many examples (tests/property_budget.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, update

from conversation.router import Router
from domain.clock import FixedClock
from services.dashboard_service import Filters
from storage.models import AssignmentLead, StatusUpdate
from tests import db_templates
from tests.conftest import make_settings
from tests.conversation_kit import TZ, Chat
from tests.property_budget import examples

YEAR = 2022
EXAMPLES = examples(100)


class World:
    """The seed plan's app on its own event loop (hypothesis drives synchronous tests), a coordinator's
    chat, and the shares a history is drawn over."""

    def __init__(self, tmp: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.clock = FixedClock(dt.datetime(YEAR, 8, 15, 9, 0, tzinfo=TZ))
        self.app = self.run(db_templates.seeded_app(make_settings(__import__("pathlib").Path(tmp)), clock=self.clock))
        self.chat = self.run(self._coordinator())
        leads = self.run(self.app.queries.leads())
        several = [lead.lead_id for lead in leads if sum(1 for m in lead.milestones if m.due) >= 2]
        special = [lead.lead_id for lead in leads if lead.task_number in (1, 36, 3, 8, 17)]
        self.lead_ids = sorted(set(several + special + [lead.lead_id for lead in leads[::15]]))
        self.run(self._scramble_current_columns())
        self.next_id = 1_000_000  # above any id the seed's template holds

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    async def _coordinator(self) -> Chat:
        invite = await self.app.users.create_invite("van-phong", "coordinator", now=self.clock.now())
        chat = Chat(Router(self.app), "coord-one-truth")
        assert "thành công" in (await chat.say(f"đăng ký {invite.code}"))[0].text
        return chat

    async def _scramble_current_columns(self) -> None:
        async with self.app.sessions() as session, session.begin():
            await session.execute(update(AssignmentLead).values(status="blocked", percent=7, done_through=None))

    async def write_history(self, rows: list[dict]) -> None:
        """Replace the history with `rows`. Their ids continue after every id used before, as in the product,
        where history rows are never deleted and ids never come back (SQLite would reuse the ids of deleted
        newest rows: a rewrite with as many rows would then look like no change at all)."""
        async with self.app.sessions() as session, session.begin():
            await session.execute(delete(StatusUpdate))
            if rows:
                numbered = [{**row, "id": self.next_id + i} for i, row in enumerate(rows)]
                self.next_id += len(rows)
                await session.execute(insert(StatusUpdate), numbered)

    def close(self) -> None:
        self.run(self.app.close())
        self.loop.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    import handlers.progress

    async def no_chart(*_args: object) -> None:  # the text is what is compared; drawing costs 0.5 s
        return None

    saved = handlers.progress._chart
    handlers.progress._chart = no_chart
    w = World(str(tmp_path_factory.mktemp("one-truth")))
    try:
        yield w
    finally:
        w.close()
        handlers.progress._chart = saved


DAYS = st.integers(min_value=0, max_value=364).map(lambda n: dt.date(YEAR, 1, 1) + dt.timedelta(days=n))
UPDATE = st.tuples(
    st.integers(min_value=0, max_value=10_000),  # which share (modulo the candidates)
    st.sampled_from(("done", "done", "done", "in_progress", "blocked", "not_started")),
    st.sampled_from((None, 10, 50, 90)),
    DAYS,
    st.integers(min_value=7, max_value=22),  # hour: some late in the evening of the day asked
)


def history_rows(world: World, updates: list[tuple[int, str, int | None, dt.date, int]]) -> list[dict]:
    rows = []
    for i, (pick, status, percent, day, hour) in enumerate(sorted(updates, key=lambda u: (u[3], u[4]))):
        rows.append({
            "lead_id": world.lead_ids[pick % len(world.lead_ids)], "status": status,
            "percent": 100 if status == "done" else (None if status == "not_started" else percent),
            "channel": "test", "created_at": dt.datetime.combine(day, dt.time(hour, i % 60)),
        })
    return rows


PROGRESS = re.compile(r"\*\*Tiến độ toàn Sở\*\*\n✅ (\d+)/(\d+) phần việc xong[^\n]*")


def chat_counts(text: str) -> dict[str, int]:
    line = PROGRESS.search(text)
    assert line, text
    found = {"done": int(line.group(1)), "shares": int(line.group(2))}
    for key, word in (("in_progress", "đang làm"), ("blocked", "vướng"), ("overdue", "phần việc trễ hạn")):
        hit = re.search(rf"(\d+) {word}", line.group(0))
        found[key] = int(hit.group(1)) if hit else 0
    return found


async def outputs_agree(world: World, day: dt.date) -> None:
    app = world.app
    projection = await app.projections.at(day)
    # every output reads this projection, so it must also be right: what the service keeps in memory between
    # examples equals a reading of the whole history from scratch
    assert projection == await app.projections.at(day, fresh=True), day
    counts = projection.counts()
    states = projection.by_lead()
    # cchc-bot status --at DAY --json
    assert (await app.projections.status_json(day))["counts"] == counts.as_contract()
    # the Excel export: every share's status, percent and lateness, and the department's summary
    world.clock.set(dt.datetime.combine(day, dt.time(17, 0), tzinfo=TZ))
    data = await app.exports.load(now=world.clock.now())
    for _task, _a, share in data.shares():
        state = states[share.lead_id]
        assert (share.status, share.percent, share.overdue, share.done_late) == (
            state.status.value, state.percent, state.overdue, bool(state.done_late)
        ), (day, share.lead_id)
    total = data.department_total
    assert (total["total"], total["done"], total["in_progress"], total["blocked"], total["not_started"],
            total["overdue"], total["not_updated"], total["done_late"]) == (
        counts.shares, counts.done, counts.in_progress, counts.blocked, counts.not_started, counts.overdue,
        counts.not_updated, counts.done_late)
    # the web overview: the cards count shares, the late list milestones
    overview = await app.dashboard.overview(day, Filters(period="Y"))
    assert overview is not None
    cards = overview.total
    assert (cards.total, cards["done"], cards["in_progress"], cards["blocked"], cards["not_started"],
            cards["late"], cards["not_updated"]) == (
        counts.shares, counts.done, counts.in_progress, counts.blocked, counts.not_started, counts.overdue,
        counts.not_updated)
    assert overview.late_total == projection.milestone_counts().overdue
    # the chat's «tiến độ»
    text = "\n".join(r.text for r in await world.chat.say("tiến độ toàn Sở"))
    assert chat_counts(text) == {
        "done": counts.done, "shares": counts.shares, "in_progress": counts.in_progress,
        "blocked": counts.blocked, "overdue": counts.overdue,
    }, (day, text)


@pytest.mark.heavy
@pytest.mark.timeout(600)
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(updates=st.lists(UPDATE, max_size=40), day=DAYS)
def test_every_output_states_the_projections_numbers(world: World, updates, day: dt.date) -> None:
    world.run(world.write_history(history_rows(world, updates)))
    world.run(outputs_agree(world, day))


PERIODS = st.sampled_from(("Q1", "Q2", "H1", "Q3", "Y"))
# A draft reads the whole plan (~0.1 s here): 50 examples through the database; the pure property test
# (tests/unit/test_report_agrees_with_projection.py) runs 200 on the report's own sorting.
REPORT_EXAMPLES = examples(50)


async def report_agrees(world: World, period: str) -> None:
    """The report draft of a period states the projection at its cut-off: the counts (III, Biểu 1 and
    `report draft --json`), each area's counts, the overdue shares of III.2 and the blocked ones."""
    app = world.app
    draft = await app.reports.draft(period, YEAR)
    projection = await app.projections.at(draft.cutoff)
    assert draft.counts == projection.counts(), (period, draft.cutoff)
    summary = await app.reports.summary_json(draft)
    assert summary["counts"] == (await app.projections.status_json(draft.cutoff))["counts"]
    by_section = {row.roman: row.counts for row in draft.stats}
    sections = {s.section for s in projection.shares}
    assert sum(c.shares for c in by_section.values()) == projection.counts().shares and len(by_section) == len(sections)
    names = {u.id: u.name for u in app.units.units}
    listed = {(o.task, u.unit) for o in draft.overdue for u in o.units}
    assert listed == {(s.task, names[s.unit_id]) for s in projection.shares if s.overdue}, (period, draft.cutoff)
    assert sorted((b.task, b.unit_id) for b in draft.blockers) == sorted(
        (s.task, s.unit_id) for s in projection.shares if s.status.value == "blocked")


@pytest.mark.heavy
@pytest.mark.timeout(600)
@settings(max_examples=REPORT_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(updates=st.lists(UPDATE, max_size=40), period=PERIODS)
def test_the_report_draft_states_the_projections_numbers(world: World, updates, period: str) -> None:
    world.run(world.write_history(history_rows(world, updates)))
    world.run(report_agrees(world, period))
