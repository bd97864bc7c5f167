"""The backup archive's format (docs/contracts.md §8), without any database code.

One `.tar.gz`:

    tables/<name>.jsonl   one JSON array per row, values in the order of `schema.json`'s columns
    schema.json           {"format": 1, "schema_revision", "dialect", "tables": {name: [column, ...]}}
    evidence/<path>       every evidence file, at its path relative to EVIDENCE_DIR
    manifest.json         {"created_at", "schema_revision", "tables": {name: rows},
                           "evidence": {"files", "bytes"}, "sha256": {member: hex}}

`manifest.json` is written last (it holds the others' checksums). `verify` reads the whole archive and checks
every member against it before a restore writes anything; `Archive` keeps what it read.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = 1
MANIFEST = "manifest.json"
SCHEMA = "schema.json"
CHUNK = 1 << 20


class ArchiveError(ValueError):
    """The archive is not one of ours, or it is damaged: nothing was written."""


def safe_relative(name: str) -> PurePosixPath:
    """An archive member's or evidence row's path, refused when it would leave its folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"đường dẫn không an toàn trong bản sao lưu: «{name}»")
    return path


class Writer:
    """Adds members to a tar.gz while hashing them; `close` writes the manifest."""

    def __init__(self, target: IO[bytes]) -> None:
        self._tar = tarfile.open(fileobj=target, mode="w:gz", compresslevel=6)  # noqa: SIM115 - closed by close()
        self.sha256: dict[str, str] = {}

    def add_stream(self, name: str, source: IO[bytes], size: int, mtime: float = 0) -> str:
        """Copy `size` bytes of `source` into member `name`; returns their SHA-256."""
        hashing = _HashingReader(source)
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(mtime), 0o644
        self._tar.addfile(info, hashing)
        self.sha256[name] = hashing.hexdigest()
        return self.sha256[name]

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add_stream(name, io.BytesIO(data), len(data), time.time())

    def add_spooled(self, name: str, spool: IO[bytes]) -> None:
        size = spool.seek(0, io.SEEK_END)
        spool.seek(0)
        self.add_stream(name, spool, size, time.time())

    def close(self, manifest: dict[str, Any]) -> None:
        manifest = {**manifest, "sha256": dict(sorted(self.sha256.items()))}
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(data), 0o644
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()


class _HashingReader:
    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self._hash.update(data)
        return data

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def spool() -> IO[bytes]:
    """A buffer for one table's rows: in memory up to 16 MB, then on disk."""
    return tempfile.SpooledTemporaryFile(max_size=16 << 20)


@dataclass
class Archive:
    """A verified archive: its manifest and schema, and where its members are."""

    path: Path
    manifest: dict[str, Any]
    schema: dict[str, Any]
    evidence: list[str] = field(default_factory=list)  # evidence paths, relative to EVIDENCE_DIR

    @property
    def revision(self) -> str:
        return str(self.manifest["schema_revision"])

    _tables: dict[str, IO[bytes]] | None = None

    def rows(self, table: str) -> Iterator[list[Any]]:
        """The rows of one table (the archive is verified already). The tables are read in one pass over the
        archive the first time: finding a member by name would read the whole .tar.gz, evidence included, once
        per table."""
        if self._tables is None:
            self._tables = self._read_tables()
        spooled = self._tables.get(table)
        if spooled is None:
            raise ArchiveError(f"bản sao lưu thiếu bảng «{table}»")
        spooled.seek(0)
        for line in io.TextIOWrapper(spooled, encoding="utf-8"):
            if line.strip():
                yield json.loads(line)

    def _read_tables(self) -> dict[str, IO[bytes]]:
        tables: dict[str, IO[bytes]] = {}
        with tarfile.open(self.path, "r:gz") as tar:
            for info in tar:
                if info.name.startswith("evidence/"):
                    break  # the writer puts every table first
                source = tar.extractfile(info) if info.name.startswith("tables/") else None
                if source is not None:
                    buffer = spool()
                    shutil.copyfileobj(source, buffer)
                    tables[info.name.removeprefix("tables/").removesuffix(".jsonl")] = buffer
        return tables

    def close(self) -> None:
        for buffer in (self._tables or {}).values():
            buffer.close()
        self._tables = None

    def members(self) -> Iterator[tuple[str, IO[bytes]]]:
        """(relative evidence path, its content) for every evidence file, in archive order."""
        with tarfile.open(self.path, "r:gz") as tar:
            for info in tar:
                if info.isfile() and info.name.startswith("evidence/"):
                    source = tar.extractfile(info)
                    if source is not None:
                        yield info.name.removeprefix("evidence/"), source


def verify(path: Path) -> Archive:
    """Read the whole archive and check it against its manifest: every checksum, every table's row count,
    no member missing or unexpected. Raises ArchiveError naming the first fault."""
    try:
        return _verify(path)
    except (tarfile.TarError, EOFError, OSError, json.JSONDecodeError, UnicodeDecodeError, KeyError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise ArchiveError(f"không có tệp «{path}»") from None
        raise ArchiveError(f"bản sao lưu «{path}» hỏng hoặc không đọc được ({type(exc).__name__}: {exc})") from None


def _verify(path: Path) -> Archive:
    digests: dict[str, str] = {}
    lines: dict[str, int] = {}
    manifest: dict[str, Any] | None = None
    schema: dict[str, Any] | None = None
    with tarfile.open(path, "r:gz") as tar:
        for info in tar:
            if not info.isfile():
                raise ArchiveError(f"bản sao lưu có mục lạ «{info.name}»")
            safe_relative(info.name)
            source = tar.extractfile(info)
            assert source is not None
            if info.name in (MANIFEST, SCHEMA):
                data = source.read()
                if info.name == MANIFEST:
                    manifest = json.loads(data)
                else:
                    schema, digests[SCHEMA] = json.loads(data), hashlib.sha256(data).hexdigest()
                continue
            digest, count = hashlib.sha256(), 0
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                count += chunk.count(b"\n")
            digests[info.name], lines[info.name] = digest.hexdigest(), count
    if manifest is None or schema is None:
        raise ArchiveError(f"«{path}» không phải bản sao lưu của cchc-bot (thiếu {MANIFEST} hoặc {SCHEMA})")
    return _check(path, manifest, schema, digests, lines)


def _check(path: Path, manifest: dict[str, Any], schema: dict[str, Any], digests: dict[str, str],
           lines: dict[str, int]) -> Archive:
    if schema.get("format") != FORMAT or schema.get("schema_revision") != manifest.get("schema_revision"):
        raise ArchiveError(f"«{path}»: định dạng bản sao lưu không được hỗ trợ")
    expected: dict[str, str] = manifest["sha256"]
    for name in sorted(set(expected) | set(digests)):
        if name not in digests:
            raise ArchiveError(f"bản sao lưu hỏng: thiếu «{name}»")
        if name not in expected:
            raise ArchiveError(f"bản sao lưu hỏng: «{name}» không có trong manifest")
        if digests[name] != expected[name]:
            raise ArchiveError(f"bản sao lưu hỏng: sai mã kiểm tra SHA-256 của «{name}»")
    for table, rows in manifest["tables"].items():
        if lines.get(f"tables/{table}.jsonl") != rows or table not in schema["tables"]:
            raise ArchiveError(f"bản sao lưu hỏng: bảng «{table}» không đủ {rows} dòng")
    evidence = [name.removeprefix("evidence/") for name in digests if name.startswith("evidence/")]
    if len(evidence) != manifest["evidence"]["files"]:
        raise ArchiveError("bản sao lưu hỏng: số tệp minh chứng không khớp manifest")
    return Archive(path, manifest, schema, evidence)
