"""The local advisory database: an indexed SQLite store of OSV records, built by streaming.

Sources are OSV export zips (``<Ecosystem>/all.zip``: one ``<ID>.json`` per member) or folders
of OSV records in JSON or YAML (the PyPA layout ``vulns/<pkg>/PYSEC-*.yaml``). Records are read
one at a time and written in batches, so memory stays flat whatever the size of the data;
withdrawn records are dropped at ingest. A scan looks packages up by (ecosystem, normalised
name) and touches only their records. The database says when and from what it was built.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from faasguard.deps.osv import Record, RecordError, parse_record
from faasguard.deps.versions import base_ecosystem, normalise_name

#: Largest single OSV record read (the largest real ones are a few hundred KiB).
MAX_RECORD_BYTES = 8 * 1024 * 1024
#: Most records (zip members or files) one build reads: the whole npm export is ~220k.
MAX_RECORDS = 2_000_000
#: Problems kept in a build report (the count of the rest is kept).
MAX_PROBLEMS = 50
_BATCH = 2_000
_FORMAT = "1"
_RECORD_SUFFIXES = (".json", ".yaml", ".yml")

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records(id TEXT PRIMARY KEY, modified TEXT NOT NULL, body BLOB NOT NULL);
CREATE TABLE affected(ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL,
                      PRIMARY KEY(ecosystem, name, id)) WITHOUT ROWID;
"""


class DatabaseError(Exception):
    """The database is missing, unreadable, or not one of ours."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseInfo:
    path: str
    built_at: datetime
    sources: str
    ecosystems: tuple[str, ...]
    records: int

    def age_days(self, today: datetime | None = None) -> int:
        """Whole days between the build and ``today`` (a date-aware caller passes its clock)."""
        now = today or datetime.now(UTC)
        return max(0, (now.date() - self.built_at.date()).days)


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    info: DatabaseInfo
    withdrawn: int
    skipped: int  # records that could not be read
    problems: tuple[str, ...]


# --- reading sources -------------------------------------------------------------------------


def _decode(name: str, data: bytes) -> object:
    if name.endswith(".json"):
        return json.loads(data)
    # BaseLoader keeps every scalar a string: OSV versions like 1.10 must not become floats
    loader = yaml.CBaseLoader(data) if hasattr(yaml, "CBaseLoader") else yaml.BaseLoader(data)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _zip_members(path: str) -> Iterator[tuple[str, bytes | str]]:
    with zipfile.ZipFile(path) as archive:
        for count, info in enumerate(archive.infolist()):
            if count >= MAX_RECORDS:
                yield f"{path}", f"more than {MAX_RECORDS} members: the rest was not read"
                return
            if info.is_dir() or not info.filename.endswith(_RECORD_SUFFIXES):
                continue
            where = f"{path}:{info.filename}"
            if info.file_size > MAX_RECORD_BYTES:
                yield where, f"record larger than {MAX_RECORD_BYTES} bytes: skipped"
                continue
            with archive.open(info) as member:
                data = member.read(MAX_RECORD_BYTES + 1)  # headers can lie about sizes
            if len(data) > MAX_RECORD_BYTES:
                yield where, f"record larger than {MAX_RECORD_BYTES} bytes: skipped"
                continue
            yield where, data


def _folder_files(path: str) -> Iterator[tuple[str, bytes | str]]:
    count = 0
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(_RECORD_SUFFIXES):
                continue
            count += 1
            full = os.path.join(root, name)
            if count > MAX_RECORDS:
                yield full, f"more than {MAX_RECORDS} records: the rest was not read"
                return
            if os.path.getsize(full) > MAX_RECORD_BYTES:
                yield full, f"record larger than {MAX_RECORD_BYTES} bytes: skipped"
                continue
            yield full, Path(full).read_bytes()


def iter_source(source: str) -> Iterator[tuple[str, bytes | str]]:
    """(where, raw bytes) per record, or (where, problem text) for one that cannot be read."""
    if os.path.isdir(source):
        yield from _folder_files(source)
    elif zipfile.is_zipfile(source):
        yield from _zip_members(source)
    elif source.endswith(_RECORD_SUFFIXES) and os.path.isfile(source):
        yield source, Path(source).read_bytes()[: MAX_RECORD_BYTES + 1]
    else:
        yield source, "not an OSV export zip, a record file or a folder of records"


# --- building --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Counts:
    records: int = 0
    withdrawn: int = 0
    skipped: int = 0


def _keys(record: Record, ecosystems: frozenset[str] | None) -> set[tuple[str, str]]:
    return {
        (a.ecosystem, a.name)
        for a in record.affected
        if ecosystems is None or a.ecosystem in ecosystems
    }


def _ingest(
    conn: sqlite3.Connection,
    sources: Sequence[str],
    ecosystems: frozenset[str] | None,
    problems: list[str],
) -> _Counts:
    counts = _Counts()
    rows: list[tuple[str, str, bytes]] = []
    links: list[tuple[str, str, str]] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO records VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "modified=excluded.modified, body=excluded.body WHERE excluded.modified >= modified",
            rows,
        )
        conn.executemany("INSERT OR IGNORE INTO affected VALUES (?, ?, ?)", links)
        rows.clear()
        links.clear()

    for source in sources:
        for where, data in iter_source(source):
            if isinstance(data, str):
                counts.skipped += 1
                problems.append(f"{where}: {data}")
                continue
            try:
                raw = _decode(where, data)
                record = parse_record(raw)
            except (ValueError, RecordError, yaml.YAMLError, RecursionError) as exc:
                counts.skipped += 1
                problems.append(f"{where}: {exc}")
                continue
            if record.withdrawn:
                counts.withdrawn += 1
                continue
            keys = _keys(record, ecosystems)
            if not keys:
                continue
            body = zlib.compress(json.dumps(raw, separators=(",", ":")).encode())
            rows.append((record.id, record.modified, body))
            links.extend((eco, name, record.id) for eco, name in sorted(keys))
            counts.records += 1
            if len(rows) >= _BATCH:
                flush()
    flush()
    return counts


def build_database(
    db_path: str,
    sources: Sequence[str],
    *,
    built_at: datetime,
    ecosystems: Iterable[str] | None = None,
) -> BuildReport:
    """Build (atomically replace) the database at ``db_path`` from ``sources``."""
    wanted = frozenset(base_ecosystem(e) for e in ecosystems) if ecosystems else None
    directory = os.path.dirname(os.path.abspath(db_path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".faasguard-db-", suffix=".tmp", dir=directory)
    os.close(fd)
    problems: list[str] = []
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(_SCHEMA)
            counts = _ingest(conn, sources, wanted, problems)
            found = sorted(e for (e,) in conn.execute("SELECT DISTINCT ecosystem FROM affected"))
            meta = {
                "format": _FORMAT,
                "built_at": built_at.astimezone(UTC).isoformat(),
                "sources": ", ".join(os.path.basename(s.rstrip("/")) or s for s in sources),
                "ecosystems": ",".join(found),
                "records": str(counts.records),
            }
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, db_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    info = AdvisoryDatabase(db_path).info
    kept = tuple(problems[:MAX_PROBLEMS])
    if len(problems) > MAX_PROBLEMS:
        kept += (f"... and {len(problems) - MAX_PROBLEMS} more",)
    return BuildReport(info=info, withdrawn=counts.withdrawn, skipped=counts.skipped, problems=kept)


# --- querying --------------------------------------------------------------------------------


class AdvisoryDatabase:
    """Read-only access; opening checks that the file is a faasguard advisory database."""

    def __init__(self, path: str) -> None:
        if not os.path.isfile(path):
            raise DatabaseError(f"no advisory database at {path} (run: faasguard db update)")
        self.path = path
        try:
            self._conn = sqlite3.connect(
                f"file:{Path(path).resolve().as_posix()}?mode=ro", uri=True
            )
            meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            raise DatabaseError(f"{path} is not a faasguard advisory database: {exc}") from exc
        if meta.get("format") != _FORMAT:
            raise DatabaseError(f"{path}: unsupported database format {meta.get('format')!r}")
        try:
            built = datetime.fromisoformat(meta["built_at"])
        except (KeyError, ValueError) as exc:
            raise DatabaseError(f"{path}: no valid build time recorded") from exc
        self.info = DatabaseInfo(
            path=path,
            built_at=built,
            sources=meta.get("sources", ""),
            ecosystems=tuple(e for e in meta.get("ecosystems", "").split(",") if e),
            records=int(meta.get("records", "0") or 0),
        )

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> AdvisoryDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def records_for(
        self, packages: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[Record, ...]]:
        """(ecosystem, name) -> every stored record naming that package (names normalised)."""
        decoded: dict[str, Record] = {}
        found: dict[tuple[str, str], tuple[Record, ...]] = {}
        for ecosystem, name in sorted(set(packages)):
            key = (base_ecosystem(ecosystem), normalise_name(ecosystem, name))
            rows = self._conn.execute(
                "SELECT r.id, r.body FROM affected a JOIN records r ON r.id = a.id "
                "WHERE a.ecosystem = ? AND a.name = ? ORDER BY r.id",
                key,
            ).fetchall()
            records: list[Record] = []
            for ident, body in rows:
                if ident not in decoded:
                    decoded[ident] = parse_record(json.loads(zlib.decompress(body)))
                records.append(decoded[ident])
            found[(ecosystem, name)] = tuple(records)
        return found
