"""Backup and restore (docs/contracts.md §8): a logical dump of every table, portable between SQLite and
PostgreSQL, with the evidence files; the archive's format is `storage/archive.py`.

Consistency while the bot writes: on SQLite the file is first copied with SQLite's online backup API (one
step, under one read lock; WAL lets the bot keep writing) and the copy is dumped; on PostgreSQL every table is
read in one REPEATABLE READ, READ ONLY transaction. Evidence files are content-addressed and never rewritten,
so the files named by the snapshot's rows are the snapshot's files.

Values are written as JSON: date-times as ISO 8601 (an aware value in UTC; SQLite's naive values as they are,
which the app reads as UTC), dates as ISO, bytes as base64. A restore converts them by the target column's type.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Date, DateTime, LargeBinary, MetaData, Table, func, select, text
from sqlalchemy.engine import make_url

from storage import in_use
from storage.archive import FORMAT, Archive, ArchiveError, Writer, safe_relative, spool, verify
from storage.db import alembic_config, create_engine, current_revision, head_revision

# Tables rewritten by the app from its own files, not the department's data: a database holding only these
# is still «empty» for a restore.
DERIVED = frozenset({"alembic_version", "units"})
BATCH = 1000


class RestoreRefused(ValueError):
    """The target database already holds data (restore without --force), or the archive is newer."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    missing: list[str]  # evidence files named by a row but absent from EVIDENCE_DIR


# -- backup -----------------------------------------------------------------------------------------------
async def backup(url: str, evidence_root: Path, out: Path, now: dt.datetime) -> BackupResult:
    """Write the archive of the database at `url` and its evidence to `out` (through a temporary file in
    the same folder, renamed at the end, so `out` is never half written)."""
    folder = out.parent if str(out.parent) else Path(".")
    try:
        handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{out.name}.", delete=False)  # noqa: SIM115
    except OSError as exc:
        raise OSError(f"không ghi được «{out}»: {exc.strerror or exc}") from None
    try:
        with handle:
            writer = Writer(handle)
            async with _snapshot_url(url) as snapshot_url:
                tables, revision, dialect, paths = await _dump_tables(snapshot_url, url, writer)
            files, size, missing = await asyncio.to_thread(_add_evidence, writer, evidence_root, paths)
            manifest = {
                "created_at": now.isoformat(timespec="seconds"),
                "schema_revision": revision,
                "source": dialect,
                "tables": tables,
                "evidence": {"files": files, "bytes": size},
            }
            writer.close(manifest)
        os.replace(handle.name, out)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return BackupResult(out, {**manifest, "sha256": writer.sha256}, missing)


@asynccontextmanager
async def _snapshot_url(url: str) -> AsyncIterator[str]:
    """SQLite: a consistent copy made with the online backup API; PostgreSQL: the database itself (read in
    one REPEATABLE READ transaction)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        yield url
        return
    source_path = Path(parsed.database or "").expanduser()
    if not source_path.is_file():
        raise FileNotFoundError(f"không có cơ sở dữ liệu «{source_path}»")
    folder = Path(tempfile.mkdtemp(prefix="cchc-backup-"))
    try:
        copy = folder / "snapshot.db"
        await asyncio.to_thread(_sqlite_copy, source_path, copy)
        yield f"sqlite:///{copy}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sqlite_copy(source_path: Path, copy: Path) -> None:
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    try:
        target = sqlite3.connect(copy)
        try:
            source.backup(target)  # pages=-1: one step, one consistent read
        finally:
            target.close()
    finally:
        source.close()


async def _dump_tables(snapshot_url: str, url: str, writer: Writer) -> tuple[dict[str, int], str, str, list[str]]:
    engine = create_engine(snapshot_url)
    try:
        async with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection = await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                if engine.dialect.name == "postgresql":
                    await connection.execute(text("SET TRANSACTION READ ONLY"))
                return await connection.run_sync(_dump_sync, writer)
    finally:
        await engine.dispose()


def _dump_sync(connection: Connection, writer: Writer) -> tuple[dict[str, int], str, str, list[str]]:
    revision = current_revision(connection)
    if revision is None:
        raise ArchiveError("cơ sở dữ liệu chưa có lược đồ (chưa chạy lần nào): không có gì để sao lưu")
    metadata = MetaData()
    metadata.reflect(connection)
    counts: dict[str, int] = {}
    columns: dict[str, list[str]] = {}
    paths: list[str] = []
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        columns[table.name] = [column.name for column in table.columns]
        buffer = spool()
        try:
            counts[table.name] = _dump_table(connection, table, buffer, paths)
            writer.add_spooled(f"tables/{table.name}.jsonl", buffer)
        finally:
            buffer.close()
    schema = {"format": FORMAT, "schema_revision": revision, "dialect": connection.dialect.name,
              "tables": columns}
    writer.add_bytes("schema.json", json.dumps(schema, ensure_ascii=False, indent=2).encode())
    return counts, revision, connection.dialect.name, paths


def _dump_table(connection: Connection, table: Table, buffer: IO[bytes], paths: list[str]) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    path_index = list(table.columns.keys()).index("path") if table.name == "evidence" else -1
    count = 0
    for row in result:
        values = [_encode(value) for value in row]
        if path_index >= 0 and values[path_index]:
            paths.append(str(values[path_index]))
        buffer.write(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode())
        buffer.write(b"\n")
        count += 1
    return count


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _add_evidence(writer: Writer, root: Path, paths: list[str]) -> tuple[int, int, list[str]]:
    files = size = 0
    missing: list[str] = []
    for relative in sorted(set(paths)):
        source = root / safe_relative(relative)
        try:
            handle = source.open("rb")
        except FileNotFoundError:
            missing.append(relative)
            continue
        with handle:
            stat = os.fstat(handle.fileno())
            writer.add_stream(f"evidence/{relative}", handle, stat.st_size, stat.st_mtime)
        files, size = files + 1, size + stat.st_size
    return files, size, missing


# -- restore ----------------------------------------------------------------------------------------------
async def restore(path: Path, url: str, evidence_root: Path, *, force: bool = False) -> Archive:
    """Verify the archive at `path` completely, then load it into the (empty, or with `force` emptied)
    database at `url` and put its evidence files under `evidence_root`. Nothing is written when the archive
    is damaged or the target is refused (it holds data and `force` is not given, or another process uses it:
    storage/in_use.py). SQLite: built in a new file beside the target, renamed over it at
    the end; PostgreSQL: one transaction (its DDL is transactional)."""
    archive = await asyncio.to_thread(verify, path)
    if archive.revision not in _known_revisions():
        raise RestoreRefused(
            f"bản sao lưu ở lược đồ «{archive.revision}», mới hơn phiên bản này (mới nhất {head_revision()}): "
            "hãy nâng cấp cchc-bot rồi khôi phục lại")
    parsed = make_url(url)
    try:
        async with in_use.exclusive(url) as user:
            if user is not None:
                raise RestoreRefused(
                    f"cơ sở dữ liệu đích đang được dùng ({user}: bot, máy chủ web hoặc một lệnh cchc-bot khác): "
                    "dừng chúng trước (ví dụ sudo systemctl stop 'cchc-bot@*'), rồi khôi phục lại")
            if parsed.get_backend_name() == "sqlite":
                await _restore_sqlite(archive, Path(parsed.database or "").expanduser(), evidence_root, force)
            else:
                await _restore_into(archive, url, evidence_root, force, commit_hook=None)
    finally:
        archive.close()
    return archive


def _known_revisions() -> set[str]:
    from storage.db import MIGRATIONS

    return {path.stem for path in (MIGRATIONS / "versions").glob("[0-9]*.py")}


async def _restore_sqlite(archive: Archive, target: Path, evidence_root: Path, force: bool) -> None:
    if target.exists():
        await _refuse_unless_empty(f"sqlite:///{target}", force)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.restore-{uuid.uuid4().hex[:8]}")

    def replace() -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(fresh, target)

    try:
        await _restore_into(archive, f"sqlite:///{fresh}", evidence_root, True, commit_hook=replace)
    finally:
        for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
            leftover.unlink(missing_ok=True)


async def _refuse_unless_empty(url: str, force: bool) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            filled = await connection.run_sync(_filled_tables)
    finally:
        await engine.dispose()
    if filled and not force:
        shown = ", ".join(f"{name} ({rows})" for name, rows in filled[:4])
        raise RestoreRefused(f"cơ sở dữ liệu đích đã có dữ liệu ({shown}): dùng --force để ghi đè toàn bộ, "
                             "hoặc chọn một cơ sở dữ liệu trống")


def _filled_tables(connection: Connection) -> list[tuple[str, int]]:
    metadata = MetaData()
    metadata.reflect(connection)
    filled = []
    for table in metadata.sorted_tables:
        if table.name in DERIVED:
            continue
        rows = connection.execute(select(func.count()).select_from(table)).scalar_one()
        if rows:
            filled.append((table.name, int(rows)))
    return filled


async def _restore_into(archive: Archive, url: str, evidence_root: Path, force: bool,
                        commit_hook: Callable[[], None] | None) -> None:
    if commit_hook is None:
        await _refuse_unless_empty(url, force)
    engine = create_engine(url)
    written: list[Path] = []
    try:
        async with engine.connect() as connection, connection.begin():
            await connection.run_sync(_load_sync, archive)
            written = await asyncio.to_thread(_place_evidence, archive, evidence_root)
        if commit_hook is not None:
            await engine.dispose()
            commit_hook()
    except BaseException:
        for file in written:
            file.unlink(missing_ok=True)
        raise
    finally:
        await engine.dispose()


def _load_sync(connection: Connection, archive: Archive) -> None:
    from alembic import command

    _drop_everything(connection)
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, archive.revision)
    metadata = MetaData()
    metadata.reflect(connection)
    tables = archive.schema["tables"]
    for table in metadata.sorted_tables:
        if table.name not in tables:
            continue
        _load_table(connection, table, tables[table.name], archive)
    unknown = set(tables) - set(metadata.tables)
    if unknown:
        raise ArchiveError(f"bản sao lưu có bảng không thuộc lược đồ {archive.revision}: {sorted(unknown)}")
    command.upgrade(config, "head")
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, metadata)


def _drop_everything(connection: Connection) -> None:
    metadata = MetaData()
    metadata.reflect(connection)
    metadata.drop_all(connection)


def _load_table(connection: Connection, table: Table, columns: list[str], archive: Archive) -> None:
    missing = [name for name in columns if name not in table.columns]
    if missing:
        raise ArchiveError(f"bảng «{table.name}» của bản sao lưu có cột lạ: {missing}")
    decoders = [_decoder(table.columns[name].type, connection.dialect.name) for name in columns]
    batch: list[dict[str, Any]] = []
    for row in archive.rows(table.name):
        batch.append({name: decode(value) for name, decode, value in zip(columns, decoders, row, strict=True)})
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)


def _decoder(column_type: Any, dialect: str) -> Callable[[Any], Any]:
    if isinstance(column_type, DateTime):
        aware = dialect == "postgresql" and bool(getattr(column_type, "timezone", False))
        return lambda value: _datetime(value, aware)
    if isinstance(column_type, Date):
        return lambda value: None if value is None else dt.date.fromisoformat(value)
    if isinstance(column_type, LargeBinary):
        return lambda value: None if value is None else base64.b64decode(value)
    return lambda value: value


def _datetime(value: str | None, aware: bool) -> dt.datetime | None:
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(value)
    if aware:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _reset_sequences(connection: Connection, metadata: MetaData) -> None:
    """After rows were inserted with their ids, each serial sequence continues after the largest id."""
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": column.name}
            ).scalar()
            if sequence:
                connection.execute(text(
                    f'SELECT setval(:sequence, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 1), '
                    f'(SELECT MAX("{column.name}") FROM "{table.name}") IS NOT NULL)'
                ), {"sequence": sequence})


def _place_evidence(archive: Archive, root: Path) -> list[Path]:
    """Put every evidence file under `root` (through a temporary name, renamed into place). A file already
    there with the same name is the same content (names are content hashes) and is kept."""
    written: list[Path] = []
    try:
        for relative, source in archive.members():
            target = root / safe_relative(relative)
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            with partial.open("wb") as handle:
                shutil.copyfileobj(source, handle)
            os.replace(partial, target)
            written.append(target)
    except BaseException:
        for file in written:
            file.unlink(missing_ok=True)
        raise
    return written
