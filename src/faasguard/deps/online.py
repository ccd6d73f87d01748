"""The OSV API (``POST /v1/querybatch``, ``GET /v1/vulns/{id}``) and export download; urllib only.

querybatch answers only ``{id, modified}`` per vulnerability, at most 1000 queries per request,
and may page each query (``next_page_token``); full records are then fetched one id at a time and
cached on disk under ``id@modified``, so an unchanged advisory is fetched once. Every network
failure becomes an ``OnlineError`` with the URL and the reason: the caller reports it, and the
scan goes on.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from faasguard.deps.osv import Record, RecordError, parse_record

#: The API rejects larger batches ("too many queries").
MAX_BATCH = 1000
#: Pages followed per query before giving up (a page holds up to 1000 ids).
MAX_PAGES = 50
#: Largest API response read (the API itself caps HTTP/1.1 responses at 32 MiB).
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: Largest export zip downloaded (npm's all.zip is ~100 MB today).
MAX_EXPORT_BYTES = 2 * 1024 * 1024 * 1024
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_USER_AGENT = "faasguard (dependency audit)"

Query = tuple[str, str, str]  # (ecosystem, name, version)


class OnlineError(Exception):
    """The advisory service could not be used (unreachable, error status, bad answer)."""


def _check_url(url: str) -> str:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise OnlineError(f"advisory URL must be http(s): {url!r}")
    return url.rstrip("/")


def _request(url: str, timeout: float, body: object | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    headers = {"User-Agent": _USER_AGENT, "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        raise OnlineError(f"{url}: HTTP {exc.code} {exc.reason} {detail}".strip()) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OnlineError(f"{url}: unreachable ({reason})") from exc
    if len(raw) > MAX_RESPONSE_BYTES:
        raise OnlineError(f"{url}: response larger than {MAX_RESPONSE_BYTES} bytes")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise OnlineError(f"{url}: answer is not JSON ({exc})") from exc


@dataclass(slots=True)
class OsvClient:
    api_url: str
    cache_dir: str | None = None
    timeout: float = 30.0
    #: HTTP requests made (for reports and tests)
    requests: int = field(default=0)

    def _post_batch(self, queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.requests += 1
        url = _check_url(self.api_url) + "/v1/querybatch"
        answer = _request(url, self.timeout, {"queries": queries})
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(queries):
            raise OnlineError(f"{url}: answer does not hold one result per query")
        return [r if isinstance(r, dict) else {} for r in results]

    def query_batch(self, queries: Sequence[Query]) -> list[list[tuple[str, str]]]:
        """Per query, the (id, modified) of every vulnerability the service says affects it."""
        found: list[list[tuple[str, str]]] = [[] for _ in queries]
        for start in range(0, len(queries), MAX_BATCH):
            chunk = range(start, min(start + MAX_BATCH, len(queries)))
            pending: dict[int, str | None] = dict.fromkeys(chunk)
            for _page in range(MAX_PAGES):
                order = sorted(pending)
                body = [_query_body(queries[i], pending[i]) for i in order]
                results = self._post_batch(body)
                pending = {}
                for index, result in zip(order, results, strict=True):
                    for vuln in result.get("vulns") or ():
                        if isinstance(vuln, dict) and isinstance(vuln.get("id"), str):
                            found[index].append((vuln["id"], str(vuln.get("modified", ""))))
                    token = result.get("next_page_token")
                    if isinstance(token, str) and token:
                        pending[index] = token
                if not pending:
                    break
            else:
                raise OnlineError(f"querybatch: more than {MAX_PAGES} pages for one query")
        return found

    def _cache_path(self, ident: str, modified: str) -> str | None:
        if self.cache_dir is None:
            return None
        stamp = re.sub(r"[^0-9A-Za-z]", "", modified) or "unknown"
        return os.path.join(self.cache_dir, "osv-vulns", f"{ident}@{stamp}.json")

    def vulnerability(self, ident: str, modified: str = "") -> Record:
        """The full record of ``ident``, from the disk cache when this version is there."""
        if not _SAFE_ID.match(ident):
            raise OnlineError(f"refusing unexpected vulnerability id {ident[:80]!r}")
        cached = self._cache_path(ident, modified) if modified else None
        if cached and os.path.isfile(cached):
            try:
                with open(cached, encoding="utf-8") as handle:
                    return parse_record(json.load(handle))
            except (OSError, ValueError, RecordError):
                pass  # a damaged cache entry is fetched again
        self.requests += 1
        url = _check_url(self.api_url) + "/v1/vulns/" + urllib.parse.quote(ident, safe="")
        raw = _request(url, self.timeout)
        try:
            record = parse_record(raw)
        except RecordError as exc:
            raise OnlineError(f"{url}: {exc}") from exc
        if cached:
            _write_atomic(cached, json.dumps(raw))
        return record

    def records_for(self, queries: Sequence[Query]) -> dict[Query, tuple[Record, ...]]:
        """Per query, the hydrated records the service reports (each id fetched once)."""
        answers = self.query_batch(queries)
        records: dict[str, Record] = {}
        out: dict[Query, tuple[Record, ...]] = {}
        for query, hits in zip(queries, answers, strict=True):
            for ident, modified in hits:
                if ident not in records:
                    records[ident] = self.vulnerability(ident, modified)
            out[query] = tuple(records[i] for i, _ in sorted(set(hits)))
        return out


def _query_body(query: Query, page_token: str | None) -> dict[str, Any]:
    ecosystem, name, version = query
    body: dict[str, Any] = {"package": {"name": name, "ecosystem": ecosystem}, "version": version}
    if page_token:
        body["page_token"] = page_token
    return body


def _write_atomic(path: str, text: str) -> None:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        pass  # the cache is an optimisation: failing to write it changes no answer


def fetch_export(base_url: str, ecosystem: str, dest_dir: str, timeout: float = 60.0) -> str:
    """Download ``<base_url>/<ecosystem>/all.zip`` into ``dest_dir`` (streamed, size-bounded)."""
    url = f"{_check_url(base_url)}/{urllib.parse.quote(ecosystem)}/all.zip"
    os.makedirs(dest_dir, exist_ok=True)
    target = os.path.join(dest_dir, f"{ecosystem}-all.zip")
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with (
            urllib.request.urlopen(request, timeout=timeout) as response,
            open(target, "wb") as out,
        ):
            copied = _copy_bounded(response, out)
    except urllib.error.HTTPError as exc:
        raise OnlineError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OnlineError(f"{url}: unreachable ({getattr(exc, 'reason', exc)})") from exc
    if copied > MAX_EXPORT_BYTES:
        os.unlink(target)
        raise OnlineError(f"{url}: larger than {MAX_EXPORT_BYTES} bytes")
    return target


def _copy_bounded(source: Any, out: Any) -> int:
    copied = 0
    while chunk := source.read(1024 * 1024):
        copied += len(chunk)
        if copied > MAX_EXPORT_BYTES:
            break
        out.write(chunk)
    return copied
