"""Reading CloudTrail records from files, streamed in chunks with orjson.

Accepted layouts, gzipped or not:
- delivered objects and plain JSON: ``{"Records": [...]}``;
- ``aws cloudtrail lookup-events`` and CloudTrail Lake exports: ``{"Events": [{"CloudTrailEvent":
  "<JSON text>"}, ...]}`` (the event is a JSON string inside JSON);
- a JSON array of records (or of lookup events);
- newline-delimited JSON, one record (or one ``Records`` object) per line.

A whole-document file is bounded by ``MAX_DOCUMENT_BYTES`` (CloudTrail delivers small objects);
newline-delimited files of any size are read a line at a time.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

#: CloudTrail delivers objects of a few MB; a document larger than this is refused, not read
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
#: records handed to the flattener at a time (bounds memory on newline-delimited input)
CHUNK_RECORDS = 5000
_PEEK_BYTES = 1 << 20
_SUFFIXES = (".json", ".json.gz", ".ndjson", ".ndjson.gz", ".jsonl", ".jsonl.gz")

Record = dict[str, Any]


class LogReadError(Exception):
    """A log file that cannot be read; ``line`` is 1-based, 0 when unknown."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True, kw_only=True)
class Chunk:
    """Records of one file; ``lines[i]`` is the 1-based line of ``records[i]`` (0 = unknown)."""

    records: list[Record]
    first_index: int
    lines: list[int] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FoundLogs:
    files: tuple[str, ...]
    missing: tuple[str, ...]


def find_log_files(paths: Iterable[str | Path]) -> FoundLogs:
    """Log files under ``paths`` (files as given; folders walked for JSON/NDJSON, sorted)."""
    found: list[str] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found.append(str(path))
        elif path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs.sort()
                found.extend(
                    os.path.join(root, n) for n in sorted(names) if n.lower().endswith(_SUFFIXES)
                )
        else:
            missing.append(str(raw))
    return FoundLogs(files=tuple(dict.fromkeys(found)), missing=tuple(missing))


def _open(path: str) -> IO[bytes]:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _event_records(items: list[Any]) -> list[Record]:
    """Unwrap lookup-events / Lake exports (``CloudTrailEvent`` is JSON text) and plain records."""
    records: list[Record] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        embedded = item.get("CloudTrailEvent")
        if isinstance(embedded, str):
            try:
                item = orjson.loads(embedded)
            except orjson.JSONDecodeError:
                continue
            if not isinstance(item, dict):
                continue
        records.append(item)
    return records


def records_of(document: Any) -> list[Record]:
    """The CloudTrail records inside one decoded JSON document, whatever its wrapper."""
    if isinstance(document, list):
        return _event_records(document)
    if not isinstance(document, dict):
        raise LogReadError("not a CloudTrail document (expected an object or an array)")
    for key in ("Records", "Events", "events", "records"):
        wrapped = document.get(key)
        if isinstance(wrapped, list):
            return _event_records(wrapped)
    if "eventName" in document or "CloudTrailEvent" in document:
        return _event_records([document])
    raise LogReadError("no 'Records' or 'Events' array and not a CloudTrail record")


def _is_ndjson(head: bytes) -> bool:
    """Several complete JSON values, one per line (a pretty-printed document fails the first)."""
    first, newline, rest = head.lstrip().partition(b"\n")
    if not newline or not rest.strip():
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def read_chunks(path: str, chunk_records: int = CHUNK_RECORDS) -> Iterator[Chunk]:
    """The records of one file in chunks. Raises ``LogReadError`` (or ``OSError``) on bad input."""
    with _open(path) as stream:
        try:
            head = stream.read(_PEEK_BYTES)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise LogReadError(f"cannot decompress: {exc}") from exc
        if _is_ndjson(head):
            yield from _ndjson_chunks(head, stream, chunk_records)
            return
        try:
            rest = stream.read(MAX_DOCUMENT_BYTES + 1 - len(head))
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise LogReadError(f"cannot decompress: {exc}") from exc
    data = head + rest
    if len(data) > MAX_DOCUMENT_BYTES:
        raise LogReadError(f"JSON document larger than {MAX_DOCUMENT_BYTES} bytes; use NDJSON")
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise LogReadError(f"invalid JSON: {exc.msg}", line=exc.lineno) from exc
    records = records_of(document)
    for start in range(0, len(records), chunk_records):
        yield Chunk(records=records[start : start + chunk_records], first_index=start)


def _ndjson_chunks(head: bytes, stream: IO[bytes], chunk_records: int) -> Iterator[Chunk]:
    records: list[Record] = []
    lines: list[int] = []
    index = 0
    for number, line in enumerate(_lines(head, stream), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if records:  # the lines before the bad one are still evidence
                yield Chunk(records=records, first_index=index, lines=lines)
            raise LogReadError(f"invalid JSON: {exc.msg}", line=number) from exc
        found = records_of(value)
        records.extend(found)
        lines.extend([number] * len(found))
        if len(records) >= chunk_records:
            yield Chunk(records=records, first_index=index, lines=lines)
            index += len(records)
            records, lines = [], []
    if records:
        yield Chunk(records=records, first_index=index, lines=lines)


def _lines(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    pending = head
    while True:
        try:
            block = stream.read(_PEEK_BYTES)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise LogReadError(f"cannot decompress: {exc}") from exc
        pending += block
        parts = pending.split(b"\n")
        pending = parts.pop()
        yield from parts
        if not block:
            break
    if pending:
        yield pending
