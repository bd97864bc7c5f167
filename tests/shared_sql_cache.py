"""One compiled-SQL cache for every engine a test process makes.

SQLAlchemy compiles each statement once per engine and keys its cache on the dialect *object*. A test
builds a fresh App — a fresh engine — over its own database file, so every test compiled the same few
dozen statements again: about 35 ms of a typical conversation test's 140 ms of CPU, some 20 s a run.

Here the engines of one test process share one cache whose keys name the dialect by what shapes the
compiled SQL (its class, the server version and the dialect's plain settings) instead of by identity.
Two engines that would compile a statement differently never share an entry; the product itself, with
one engine per process, is untouched. Loaded by tests/conftest.py.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.util import LRUCache

_PLAIN = (str, int, float, bool, type(None))
_FINGERPRINTS: weakref.WeakKeyDictionary[Dialect, tuple[Any, ...]] = weakref.WeakKeyDictionary()


def fingerprint(dialect: Dialect) -> tuple[Any, ...]:
    """What distinguishes one dialect's compiled SQL from another's: its class and every setting held as
    a plain value; settings held as functions (JSON serializers) are compared by identity."""
    found = _FINGERPRINTS.get(dialect)
    if found is None:
        settings = []
        for name, value in sorted(vars(dialect).items()):
            if isinstance(value, _PLAIN) or (isinstance(value, tuple) and all(isinstance(v, _PLAIN) for v in value)):
                settings.append((name, value))
            elif callable(value) and not isinstance(value, type) and name.startswith("_json"):
                settings.append((name, id(value)))
        found = (type(dialect), tuple(settings))
        if getattr(dialect, "server_version_info", None) is not None:  # settled by the first connection
            _FINGERPRINTS[dialect] = found
    return found


class DialectNeutralCache(LRUCache):  # type: ignore[type-arg]
    """SQLAlchemy's compiled cache (keys are `(dialect, cache key, …)`) with the dialect replaced by its
    fingerprint."""

    @staticmethod
    def _neutral(key: Any) -> Any:
        if isinstance(key, tuple) and key and isinstance(key[0], Dialect):
            return (fingerprint(key[0]), *key[1:])
        return key

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(self._neutral(key), default)

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self._neutral(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(self._neutral(key), value)

    def __contains__(self, key: Any) -> bool:
        return super().__contains__(self._neutral(key))


SHARED = DialectNeutralCache(5000)


def install() -> None:
    """Every connection of every engine in this process compiles into SHARED (the documented
    `compiled_cache` execution option, set on the engine before its first statement runs)."""

    @event.listens_for(Engine, "engine_connect")
    def _share(connection: Connection) -> None:
        if connection.engine.get_execution_options().get("compiled_cache") is not SHARED:
            connection.engine.update_execution_options(compiled_cache=SHARED)
        if connection.get_execution_options().get("compiled_cache") is not SHARED:
            connection.execution_options(compiled_cache=SHARED)
