"""Backup and restore (docs/contracts.md §8): consistent while updates are written, portable between SQLite and
PostgreSQL with every row and file back, a damaged archive, a non-empty target and a database in use refused
with nothing written."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import DateTime, insert, select

from bot.bootstrap import build_app
from storage.archive import ArchiveError
from storage.backup import RestoreRefused, backup, restore
from storage.db import create_engine
from storage.in_use import exclusive
from storage.models import AssignmentLead, Base, Evidence, StatusUpdate
from tests.cli_kit import cli, isolated_environment
from tests.conftest import SEED, make_settings
from tests.waiting import eventually

run = asyncio.run

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
FILES = 12


def _seeded(tmp_path: Path) -> tuple[str, Path]:
    """A SQLite database with the seed plan, some updates and evidence files on disk."""
    data = tmp_path / "source"
    assert cli(data, "plan", "import", str(SEED), "--year", "2026").returncode == 0
    url = f"sqlite:///{data / 'cchc.db'}"
    evidence = data / "evidence"
    asyncio.run(_fill(url, evidence))
    return url, evidence


async def _fill(url: str, evidence: Path) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        leads = (await connection.execute(select(AssignmentLead.id).order_by(AssignmentLead.id))).scalars().all()
        for n in range(FILES):
            content = f"minh chứng {n}\n".encode() * (n + 1)
            digest = hashlib.sha256(content).hexdigest()
            relative = f"{digest[:2]}/{digest}.txt"
            (evidence / relative).parent.mkdir(parents=True, exist_ok=True)
            (evidence / relative).write_bytes(content)
            await connection.execute(insert(Evidence).values(
                lead_id=leads[n], channel="telegram", caption=f"ảnh {n}", file_name=f"mc-{n}.txt", sha256=digest,
                size=len(content), mime_type="text/plain", path=relative, created_at=NOW))
            await connection.execute(insert(StatusUpdate).values(
                lead_id=leads[n], status="in_progress", percent=n * 5, note="đang làm", channel="console",
                created_at=NOW - dt.timedelta(days=n)))
    await engine.dispose()


def _tables(archive: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table of an archive, its date-times read as naive UTC (SQLite keeps them naive, PostgreSQL aware)."""
    with tarfile.open(archive, "r:gz") as tar:
        schema = json.loads(tar.extractfile("schema.json").read())  # type: ignore[union-attr]
        tables = {}
        for name, columns in schema["tables"].items():
            model = Base.metadata.tables[name]
            stamps = [isinstance(model.columns[c].type, DateTime) for c in columns]
            rows = [json.loads(line) for line in tar.extractfile(f"tables/{name}.jsonl")]  # type: ignore[union-attr]
            tables[name] = [{c: _utc(v) if stamp and v else v for c, v, stamp in zip(columns, row, stamps, strict=True)}
                            for row in rows]
    return tables


def _utc(value: str) -> str:
    parsed = dt.datetime.fromisoformat(value)
    return (parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed).isoformat()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _writer(path: str, stop: threading.Event, started: threading.Event, lead_id: int, written: list[int]) -> None:
    """Another process's writes, as the bot makes them: each transaction adds an update AND its evidence row."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        n = 0
        while not stop.is_set() or n < 50:
            n += 1
            with connection:
                connection.execute(
                    "INSERT INTO status_updates (lead_id, status, percent, channel, created_at) VALUES (?, ?, ?, ?, ?)",
                    (lead_id, "in_progress", n % 100, "telegram", "2026-12-07 09:00:00"))
                connection.execute(
                    "INSERT INTO evidence (lead_id, channel, sha256, size, mime_type, path, created_at, review_state) "
                    "VALUES (?, 'telegram', ?, 0, 'text/plain', ?, '2026-12-07 09:00:00', 'pending')",
                    (lead_id, f"{n:064d}", f"missing/{n}.txt"))
            written.append(n)
            if n == 20:
                started.set()
    finally:
        connection.close()


@pytest.mark.heavy
def test_backup_while_updates_are_written_is_one_moment(tmp_path: Path) -> None:
    url, evidence = _seeded(tmp_path)
    stop, started, written = threading.Event(), threading.Event(), []
    lead_id = 1
    thread = threading.Thread(target=_writer, args=(url.removeprefix("sqlite:///"), stop, started, lead_id, written))
    thread.start()
    try:
        assert started.wait(60)  # the writer is under way before the backup starts
        result = run(backup(url, evidence, tmp_path / "during.tar.gz", NOW))
    finally:
        stop.set()
        thread.join()
    tables = _tables(result.path)
    updates = [row for row in tables["status_updates"] if row["lead_id"] == lead_id and row["channel"] == "telegram"]
    proofs = [row for row in tables["evidence"] if row["path"].startswith("missing/")]
    assert 20 <= len(updates) <= len(written)  # a moment between the start and the end of the writes…
    assert len(updates) == len(proofs)  # …and never half of a transaction
    assert result.manifest["tables"]["status_updates"] == len(tables["status_updates"]) == FILES + len(updates)
    assert result.manifest["evidence"] == {"files": FILES, "bytes": sum(len(b) for b in _files(evidence).values())}
    assert len(result.missing) == len(proofs)  # rows naming files that are not there are reported, not fatal


def test_round_trip_sqlite_to_sqlite(tmp_path: Path) -> None:
    url, evidence = _seeded(tmp_path)
    first = run(backup(url, evidence, tmp_path / "a.tar.gz", NOW))
    target, target_evidence = tmp_path / "copy" / "cchc.db", tmp_path / "copy" / "evidence"
    archive = run(restore(first.path, f"sqlite:///{target}", target_evidence))
    assert archive.manifest["tables"] == first.manifest["tables"]
    second = run(backup(f"sqlite:///{target}", target_evidence, tmp_path / "b.tar.gz", NOW))
    assert _tables(second.path) == _tables(first.path)
    assert _files(target_evidence) == _files(evidence)


@pytest.mark.heavy
def test_sqlite_to_postgresql_and_back_keeps_every_row_and_file(tmp_path: Path, postgres_url: str) -> None:
    url, evidence = _seeded(tmp_path)
    first = run(backup(url, evidence, tmp_path / "sqlite.tar.gz", NOW))
    pg_evidence = tmp_path / "pg-evidence"
    run(restore(first.path, postgres_url, pg_evidence))
    assert _files(pg_evidence) == _files(evidence)
    second = run(backup(postgres_url, pg_evidence, tmp_path / "pg.tar.gz", NOW))
    assert second.manifest["source"] == "postgresql"
    assert _tables(second.path) == _tables(first.path)
    # the sequences continue after the restored ids: a new row gets a fresh id
    assert run(_new_update(postgres_url)) == max(row["id"] for row in _tables(first.path)["status_updates"]) + 1
    back, back_evidence = tmp_path / "back" / "cchc.db", tmp_path / "back" / "evidence"
    run(restore(second.path, f"sqlite:///{back}", back_evidence))
    third = run(backup(f"sqlite:///{back}", back_evidence, tmp_path / "back.tar.gz", NOW))
    assert _tables(third.path) == _tables(first.path)
    assert _files(back_evidence) == _files(evidence)


async def _new_update(url: str) -> int:
    engine = create_engine(url)
    async with engine.begin() as connection:
        new_id = (await connection.execute(insert(StatusUpdate).values(
            lead_id=1, status="done", channel="console").returning(StatusUpdate.id))).scalar_one()
    await engine.dispose()
    return int(new_id)


def _rewrite(source: Path, target: Path, change: str) -> None:
    """A copy of the archive with one evidence file's bytes changed (its manifest left as it was)."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            data = old.extractfile(info).read()  # type: ignore[union-attr]
            if info.name.startswith(change):
                data = data[:-1] + bytes([data[-1] ^ 1])
                change = "\0"  # only the first
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("damage", ["one evidence byte", "one table byte", "truncated", "not an archive"])
def test_a_damaged_archive_is_refused_with_nothing_written(tmp_path: Path, damage: str) -> None:
    url, evidence = _seeded(tmp_path)
    good = run(backup(url, evidence, tmp_path / "good.tar.gz", NOW)).path
    bad = tmp_path / "bad.tar.gz"
    if damage == "one evidence byte":
        _rewrite(good, bad, "evidence/")
    elif damage == "one table byte":
        _rewrite(good, bad, "tables/status_updates")
    elif damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    else:
        bad.write_bytes(gzip.compress(b"hello"))
    target = tmp_path / "target"
    with pytest.raises(ArchiveError):
        run(restore(bad, f"sqlite:///{target / 'cchc.db'}", target / "evidence"))
    assert not target.exists()
    result = cli(tmp_path / "cli", "restore", str(bad), "--db", f"sqlite:///{target / 'cchc.db'}")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "không khôi phục" in result.stderr
    assert not target.exists()


def test_a_target_with_data_is_refused_unless_forced(tmp_path: Path) -> None:
    url, evidence = _seeded(tmp_path)
    archive = run(backup(url, evidence, tmp_path / "a.tar.gz", NOW)).path
    other = tmp_path / "other"
    assert cli(other, "plan", "import", str(SEED), "--year", "2025").returncode == 0
    before = (other / "cchc.db").read_bytes()
    with pytest.raises(RestoreRefused, match="--force"):
        run(restore(archive, f"sqlite:///{other / 'cchc.db'}", other / "evidence"))
    assert (other / "cchc.db").read_bytes() == before and not (other / "evidence").exists()
    refused = cli(other, "restore", str(archive))
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = cli(other, "restore", str(archive), "--force")
    assert forced.returncode == 0, forced.stderr
    assert f"{FILES} tệp minh chứng" in forced.stdout
    dumped = json.loads(cli(other, "plan", "dump", "--json").stdout)
    assert dumped["plan"]["year"] == 2026  # the archive's plan replaced the 2025 one
    assert _files(other / "evidence") == _files(evidence)


def test_a_database_an_app_has_open_is_not_restored_even_with_force(tmp_path: Path) -> None:
    url, evidence = _seeded(tmp_path)
    archive = run(backup(url, evidence, tmp_path / "a.tar.gz", NOW)).path
    other = tmp_path / "other"
    assert cli(other, "plan", "import", str(SEED), "--year", "2025").returncode == 0
    target = f"sqlite:///{other / 'cchc.db'}"
    before = (other / "cchc.db").read_bytes()

    async def while_open() -> None:
        app = await build_app(make_settings(other, database_url=target))
        try:
            with pytest.raises(RestoreRefused, match="đang được dùng"):
                await restore(archive, target, other / "evidence", force=True)
        finally:
            await app.close()
        await restore(archive, target, other / "evidence", force=True)  # closed: nothing holds it any more

    run(while_open())
    assert (other / "cchc.db").read_bytes() != before
    assert _files(other / "evidence") == _files(evidence)


def test_a_running_bot_keeps_its_database_from_a_restore_until_it_ends(tmp_path: Path) -> None:
    url, evidence = _seeded(tmp_path)
    archive = run(backup(url, evidence, tmp_path / "a.tar.gz", NOW)).path
    data = tmp_path / "running"
    data.mkdir()
    console = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=data, env=isolated_environment(data),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert console.stdout is not None
        for line in console.stdout:  # the console chat is up once it greets
            if "Gõ câu hỏi" in line:
                break
        refused = cli(data, "restore", str(archive), "--force")
        assert refused.returncode == 1, refused
        assert "đang được dùng" in refused.stderr and "dừng" in refused.stderr, refused.stderr
        assert not (data / "evidence").exists() or _files(data / "evidence") == {}
    finally:
        console.kill()  # as kill -9: the kernel drops the process's hold with it
        console.wait()
    forced = cli(data, "restore", str(archive), "--force")
    assert forced.returncode == 0, forced.stderr
    assert _files(data / "evidence") == _files(evidence)


def test_a_postgresql_database_with_other_sessions_is_not_restored(tmp_path: Path, postgres_url: str) -> None:
    url, evidence = _seeded(tmp_path)
    archive = run(backup(url, evidence, tmp_path / "a.tar.gz", NOW)).path

    async def scenario() -> None:
        engine = create_engine(postgres_url)
        async with engine.connect():  # a running bot's connection
            with pytest.raises(RestoreRefused, match="1 kết nối khác"):
                await restore(archive, postgres_url, tmp_path / "pg-evidence", force=True)
        await engine.dispose()

        async def alone() -> bool:  # a closed session's server process ends a moment later
            async with exclusive(postgres_url) as user:
                return user is None

        await eventually(alone, what="the closed session is gone")
        await restore(archive, postgres_url, tmp_path / "pg-evidence")

    run(scenario())
    assert _files(tmp_path / "pg-evidence") == _files(evidence)


def test_backup_cli_prints_the_path_and_names_an_unwritable_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "plan", "import", str(SEED), "--year", "2026").returncode == 0
    made = cli(data, "backup", "--out", str(tmp_path / "b.tar.gz"))
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(tmp_path / "b.tar.gz")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.tar.gz").mkdir()  # a folder where the archive should go: refused, naming what was given
    refused = cli(data, "backup", "--out", str(locked / "b.tar.gz"))
    assert refused.returncode == 1 and str(locked / "b.tar.gz") in refused.stderr
    assert refused.stderr.count("\n") == 1 and ".b.tar.gz." not in refused.stderr
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    refused = cli(data, "backup", "--out", str(not_a_folder / "b.tar.gz"))
    assert refused.returncode == 1 and str(not_a_folder) in refused.stderr and "Traceback" not in refused.stderr
    missing = cli(data, "backup", "--out", str(tmp_path / "nowhere" / "b.tar.gz"))
    assert missing.returncode == 1 and "nowhere" in missing.stderr


async def _database_at(url: str, revision: str) -> None:
    from alembic import command
    from sqlalchemy import text

    from storage.db import alembic_config

    def build(connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.execute(text("INSERT INTO units (id, name, kind) VALUES ('qltm', 'Phòng QLTM', 'internal')"))
        connection.execute(text("INSERT INTO users (id, display_name, unit_id, role, active, created_at) "
                                "VALUES (7, 'Chị Hoa', 'qltm', 'head', 1, '2026-01-02 03:04:05')"))

    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(build)
    await engine.dispose()


def test_an_archive_of_an_older_schema_is_restored_and_brought_to_the_newest(tmp_path: Path) -> None:
    from storage.db import head_revision

    old = f"sqlite:///{tmp_path / 'old.db'}"
    run(_database_at(old, "0007_failed_attempts"))
    archive = run(backup(old, tmp_path / "no-evidence", tmp_path / "old.tar.gz", NOW))
    assert archive.manifest["schema_revision"] == "0007_failed_attempts"
    assert "user_changes" not in archive.manifest["tables"]
    target = tmp_path / "new" / "cchc.db"
    run(restore(archive.path, f"sqlite:///{target}", tmp_path / "new" / "evidence"))
    newest = run(backup(f"sqlite:///{target}", tmp_path / "new" / "evidence", tmp_path / "new.tar.gz", NOW))
    assert newest.manifest["schema_revision"] == head_revision()
    assert newest.manifest["tables"]["user_changes"] == 0
    [hoa] = _tables(newest.path)["users"]
    assert (hoa["id"], hoa["display_name"], hoa["unit_id"], hoa["created_at"]) == (7, "Chị Hoa", "qltm",
                                                                                 "2026-01-02T03:04:05")
