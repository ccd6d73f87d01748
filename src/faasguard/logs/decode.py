"""Worker side of the engine: one log file -> one spool part DuckDB can load.

Two paths, chosen per file:
- **fast** (CloudTrail's delivered objects, the bulk of any real volume): the file is one
  ``{"Records":[...]}`` object; the worker only decompresses it and writes the inner array, which
  DuckDB parses in C++ with an explicit schema (no Python object per record);
- **slow** (everything else: lookup-events/Lake exports, arrays, NDJSON, odd layouts, or a fast
  part DuckDB rejected): records are decoded with orjson, flattened in Python (``flatten``) and
  written as rows whose keys are the dotted column names.

Both produce the same column values (objects and arrays as compact JSON text, booleans as
``true``/``false``); a test compares them.
"""

from __future__ import annotations

import enum
import gzip
import re
import zlib
from dataclasses import dataclass

import orjson

from faasguard.logs.flatten import flattener
from faasguard.logs.reader import MAX_DOCUMENT_BYTES, LogReadError, read_chunks

#: bookkeeping columns of every row: file number, record number in the file, line (0 = unknown)
FILE_COLUMN, RECORD_COLUMN, LINE_COLUMN = "_file", "_record", "_line"
_WRAPPER_START = re.compile(rb'\A\s*\{\s*"Records"\s*:\s*\[')
_WRAPPER_END = re.compile(rb"\]\s*\}\s*\Z")
_TAIL_BYTES = 4096  # longer trailing whitespace sends the file to the slow path, same values
_GZIP_WBITS = 16 + zlib.MAX_WBITS


class Part(enum.StrEnum):
    ARRAY = "array"  # the raw records array of a delivered object (fast path)
    ROWS = "rows"  # flattened rows, newline-delimited (slow path)
    NONE = "none"  # nothing to load


@dataclass(frozen=True, slots=True, kw_only=True)
class DecodeTask:
    number: int
    path: str
    fields: tuple[str, ...]
    spool: str  # path prefix of the part this task writes
    fast: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Decoded:
    number: int
    part: Part
    spool: str = ""
    #: records written (slow path only; the fast path's count comes from DuckDB)
    records: int = 0
    line: int = 0
    problem: str = ""


def _read_bounded(path: str) -> bytes:
    with open(path, "rb") as raw:
        data = raw.read(MAX_DOCUMENT_BYTES + 1)
    if data[:2] == b"\x1f\x8b":
        # one zlib call over the whole member (about 15% cheaper than a gzip stream); the output
        # bound keeps a decompression bomb from filling memory
        inflater = zlib.decompressobj(wbits=_GZIP_WBITS)
        try:
            data = inflater.decompress(data, MAX_DOCUMENT_BYTES + 1)
        except zlib.error as exc:
            raise gzip.BadGzipFile(str(exc)) from exc
        if not inflater.eof and len(data) <= MAX_DOCUMENT_BYTES:
            raise EOFError("truncated gzip member")
        if inflater.unused_data:
            return b""  # several members (rare): the slow path reads them as a stream
    return data


def _fast(task: DecodeTask) -> Decoded | None:
    """The records array of a delivered object, or None when the file is anything else."""
    try:
        data = _read_bounded(task.path)
    except (OSError, EOFError, gzip.BadGzipFile):
        return None  # the slow path reports it with its reason
    if len(data) > MAX_DOCUMENT_BYTES:
        return None
    start = _WRAPPER_START.match(data)
    # only the tail can hold the closing brackets; searching the whole file costs a scan per "]"
    end = _WRAPPER_END.search(data, max(0, len(data) - _TAIL_BYTES))
    if not start or not end or end.start() < start.end() - 1:
        return None
    spool = f"{task.spool}.array.json"
    with open(spool, "wb") as out:
        out.write(memoryview(data)[start.end() - 1 : end.start() + 1])
    return Decoded(number=task.number, part=Part.ARRAY, spool=spool)


def decode(task: DecodeTask) -> Decoded:
    """Runs in a worker. Bad input becomes a problem in the result, never an exception."""
    if task.fast:
        fast = _fast(task)
        if fast is not None:
            return fast
    return _slow(task)


def _slow(task: DecodeTask) -> Decoded:
    flatten = flattener(task.fields)
    spool = f"{task.spool}.rows.ndjson"
    count = 0
    with open(spool, "wb") as out:
        try:
            for chunk in read_chunks(task.path):
                lines = chunk.lines
                parts: list[bytes] = []
                for offset, record in enumerate(chunk.records):
                    row: dict[str, str | int] = dict(flatten(record))
                    row[FILE_COLUMN] = task.number
                    row[RECORD_COLUMN] = chunk.first_index + offset
                    row[LINE_COLUMN] = lines[offset] if lines else 0
                    parts.append(orjson.dumps(row))
                if parts:
                    out.write(b"\n".join(parts) + b"\n")
                count += len(parts)
        except LogReadError as exc:
            return _partial(task, spool, count, exc.line, exc.message)
        except OSError as exc:
            return _partial(task, spool, count, 0, f"cannot read: {exc}")
    return _partial(task, spool, count, 0, "")


def _partial(task: DecodeTask, spool: str, count: int, line: int, problem: str) -> Decoded:
    part = Part.ROWS if count else Part.NONE
    return Decoded(
        number=task.number, part=part, spool=spool, records=count, line=line, problem=problem
    )
