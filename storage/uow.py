"""The unit of work: one transaction, and the repositories that work inside it.

Services never open sessions or write SQL; they say what they need in one block:

    async with self.uow() as uow:
        lead = await uow.statuses.lead(lead_id)
        ...
        await uow.commit()

Leaving the block without `commit()` rolls back, so an exception half-way never leaves half a change.
Objects read inside the block stay readable afterwards (detached, never expired).
Repositories are created lazily: a read that needs one repository builds only that one.

While the message pipeline handles a stored update (`storage.handling`), `commit()` of a unit of work
that wrote something also marks that update `done` — an explicit `inbox.mark_done` in the same
transaction. Units of work that only keep bookkeeping (the inbox, chat memory, reachability, pacing)
are opened with `uow(bookkeeping=True)` and never carry the mark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from types import TracebackType
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import handling
from storage.repositories.attempts import AttemptRepository
from storage.repositories.evidence import EvidenceRepository
from storage.repositories.inbox import InboxRepository, PacingRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.plans import PlanRepository
from storage.repositories.reminders import ReminderRepository
from storage.repositories.review import ReviewRepository
from storage.repositories.statuses import StatusRepository
from storage.repositories.targets import TargetRepository
from storage.repositories.users import UserRepository
from storage.repositories.web import WebRepository


class Conflict(Exception):
    """A uniqueness rule of the database refused the change — typically the same message, invite or
    registration written twice at the same moment. Nothing of the unit of work was kept. Services
    catch this instead of the driver's or SQLAlchemy's own error."""


class WriteAwareSession(AsyncSession):
    """An `AsyncSession` that knows whether it wrote anything: ORM changes (pending before a flush or
    an autoflush) or an INSERT/UPDATE/DELETE statement. The unit of work asks it whether a commit
    carries effects (the inbox's `done` mark rides on the first one)."""

    wrote = False

    def _note(self, statement: Any = None) -> None:
        if self.new or self.dirty or self.deleted or getattr(statement, "is_dml", False):
            self.wrote = True

    async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        self._note(statement)
        return await super().execute(statement, *args, **kwargs)

    async def scalar(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        self._note(statement)
        return await super().scalar(statement, *args, **kwargs)

    async def scalars(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        self._note(statement)
        return await super().scalars(statement, *args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        self._note()
        return await super().get(*args, **kwargs)

    async def flush(self, objects: Any = None) -> None:
        self._note()
        await super().flush(objects)


class UnitOfWork:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], today: Callable[[], dt.date] | None = None, *,
        bookkeeping: bool = False,
    ) -> None:
        self._sessions = sessions
        self._today = today
        self.bookkeeping = bookkeeping
        self.session: AsyncSession | None = None

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        await self.session.__aenter__()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self.session is not None
        try:
            # Closing the session ends its transaction: what was not committed is rolled back. Unlike
            # an explicit rollback() it does not expire the objects read inside the block, so a service
            # may still read what it loaded (detached, as it was) after the block.
            await self.session.__aexit__(exc_type, exc, tb)
        finally:
            self.session = None
        if isinstance(exc, IntegrityError):
            raise Conflict(str(exc.orig)) from exc

    async def commit(self) -> None:
        """Commit — and when this is the first write of a stored update being handled, mark the update
        `done` in the same transaction (`AlreadyHandled`, nothing written, when another process did)."""
        assert self.session is not None, "commit() outside «async with»"
        claim = handling.current()
        if claim is not None and claim.open and not self.bookkeeping and self._wrote():
            if not await self.inbox.mark_done(claim.update_id, dt.datetime.now(dt.UTC)):
                await self.session.rollback()
                raise handling.AlreadyHandled(f"inbox update {claim.update_id} was handled elsewhere")
            await self.session.commit()
            claim.marked = True
            return
        await self.session.commit()

    def _wrote(self) -> bool:
        session = self.session
        assert session is not None
        if session.new or session.dirty or session.deleted:
            return True
        return isinstance(session, WriteAwareSession) and session.wrote

    async def flush(self) -> None:
        assert self.session is not None
        await self.session.flush()

    @property
    def today(self) -> dt.date | None:
        """The clock's day (which year's plan is current depends on it); None without a clock."""
        return self._today() if self._today is not None else None

    @cached_property
    def plans(self) -> PlanRepository:
        return PlanRepository(self._live(), self._today)

    @cached_property
    def statuses(self) -> StatusRepository:
        return StatusRepository(self._live())

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self._live())

    @cached_property
    def people(self) -> PeopleRepository:
        return PeopleRepository(self._live())

    @cached_property
    def evidence(self) -> EvidenceRepository:
        return EvidenceRepository(self._live())

    @cached_property
    def review(self) -> ReviewRepository:
        return ReviewRepository(self._live())

    @cached_property
    def inbox(self) -> InboxRepository:
        return InboxRepository(self._live())

    @cached_property
    def pacing(self) -> PacingRepository:
        return PacingRepository(self._live())

    @cached_property
    def attempts(self) -> AttemptRepository:
        return AttemptRepository(self._live())

    @cached_property
    def reminders(self) -> ReminderRepository:
        return ReminderRepository(self._live())

    @cached_property
    def targets(self) -> TargetRepository:
        return TargetRepository(self._live())

    @cached_property
    def web(self) -> WebRepository:
        return WebRepository(self._live())

    def _live(self) -> AsyncSession:
        assert self.session is not None, "repositories live inside «async with uow»"
        return self.session


class UnitOfWorkFactory:
    """What services receive from the bootstrap: `uow()` opens a fresh unit of work;
    `uow(bookkeeping=True)` one whose writes are not an update's effects (never marks it done)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], today: Callable[[], dt.date] | None = None) -> None:
        self.sessions = sessions
        # Which year's plan is current depends on the day (`domain.plan_years.current_year`); without a
        # clock (tools, the throw-away copies of a simulation) the latest plan is current.
        self.today = today

    def __call__(self, *, bookkeeping: bool = False) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.today, bookkeeping=bookkeeping)
