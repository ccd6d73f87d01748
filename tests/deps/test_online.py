"""The OSV API client against a loopback fake of api.osv.dev that the test starts itself.

The fake speaks ``POST /v1/querybatch`` (ids + modified only, paged, "too many queries" above
1000), ``GET /v1/vulns/{id}``, and serves ``/<Ecosystem>/all.zip`` in the export layout, all from
the records in tests/data/osv.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from packaging.utils import canonicalize_name

from faasguard import cli
from faasguard.api import ScanOptions, scan
from faasguard.cli import deps as cli_deps
from faasguard.deps.database import build_database
from faasguard.deps.online import OnlineError, OsvClient, fetch_export
from faasguard.deps.settings import DepsSettings

TESTS = Path(__file__).parent.parent
OSV = TESTS / "data" / "osv"
DEP001_APP = TESTS / "fixtures" / "rules" / "DEP001" / "sam" / "vulnerable"
TODAY = date(2026, 11, 28)


def _name(ecosystem: str, name: str) -> str:
    return canonicalize_name(name) if ecosystem == "PyPI" else name


class FakeOsv:
    def __init__(self, page_size: int = 1) -> None:
        self.records = {
            p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(OSV.glob("*.json"))
        }
        self.page_size = page_size
        self.batches: list[int] = []  # number of queries per querybatch call
        self.hydrated: list[str] = []
        self.fail_with: int | None = None

    def ids_for(self, ecosystem: str, name: str) -> list[str]:
        """Every non-withdrawn record naming the package (the client re-checks versions)."""
        return sorted(
            ident
            for ident, rec in self.records.items()
            if "withdrawn" not in rec
            and any(
                a["package"]["ecosystem"] == ecosystem
                and _name(ecosystem, a["package"]["name"]) == _name(ecosystem, name)
                for a in rec.get("affected", [])
            )
        )

    def querybatch(self, body: dict[str, Any]) -> tuple[int, Any]:
        queries = body["queries"]
        self.batches.append(len(queries))
        if len(queries) > 1000:
            return 400, {"code": 3, "message": "too many queries"}
        results = []
        for q in queries:
            ids = self.ids_for(q["package"]["ecosystem"], q["package"]["name"])
            start = int(q.get("page_token") or 0)
            page = ids[start : start + self.page_size]
            result: dict[str, Any] = {
                "vulns": [{"id": i, "modified": self.records[i]["modified"]} for i in page]
            }
            if start + self.page_size < len(ids):
                result["next_page_token"] = str(start + self.page_size)
            results.append(result)
        return 200, {"results": results}

    def export(self, ecosystem: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for ident, rec in self.records.items():
                if any(a["package"]["ecosystem"] == ecosystem for a in rec.get("affected", [])):
                    archive.writestr(f"{ident}.json", json.dumps(rec))
        return buffer.getvalue()


def _handler(fake: FakeOsv) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if fake.fail_with:
                self._send(fake.fail_with, {"message": "boom"})
            elif self.path == "/v1/querybatch":
                self._send(*fake.querybatch(body))
            elif self.path == "/notjson/v1/querybatch":
                self._send(200, None, raw=b"<html>proxy login</html>")
            else:
                self._send(404, {"message": "not found"})

        def do_GET(self) -> None:
            if self.path.startswith("/v1/vulns/"):
                ident = self.path.rsplit("/", 1)[1]
                fake.hydrated.append(ident)
                if ident in fake.records:
                    self._send(200, fake.records[ident])
                else:
                    self._send(404, {"message": "Bug not found."})
            elif self.path.endswith("/all.zip"):
                self._send(200, None, raw=fake.export(self.path.split("/")[1]))
            else:
                self._send(404, {"message": "not found"})

    return Handler


@pytest.fixture
def osv_server() -> Iterator[tuple[str, FakeOsv]]:
    fake = FakeOsv()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", fake
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_querybatch_follows_pages_and_hydrates_each_id_once(
    osv_server: tuple[str, FakeOsv],
) -> None:
    url, fake = osv_server
    client = OsvClient(api_url=url, timeout=5)
    queries = [
        ("PyPI", "PyYAML", "5.3.1"),
        ("PyPI", "requests", "2.30.0"),
        ("npm", "lodash", "4.17.20"),
        ("PyPI", "pyyaml", "5.3.1"),
    ]
    found = client.records_for(queries)
    assert [r.id for r in found[queries[0]]] == ["GHSA-8q59-q68h-6hv4", "PYSEC-2021-142"]
    assert [r.id for r in found[queries[1]]] == ["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"]
    assert [r.id for r in found[queries[2]]] == ["GHSA-35jh-r3h4-6jhm"]
    assert fake.batches == [4, 3]  # page size 1: a second page for the three with two records
    assert sorted(fake.hydrated) == sorted(set(fake.hydrated))  # each id fetched once


def test_more_than_1000_queries_are_sent_in_chunks(osv_server: tuple[str, FakeOsv]) -> None:
    url, fake = osv_server
    fake.page_size = 10
    queries = [("PyPI", f"pkg{i}", "1.0") for i in range(2001)]
    answers = OsvClient(api_url=url, timeout=5).query_batch(queries)
    assert fake.batches == [1000, 1000, 1]
    assert answers == [[] for _ in queries]


def test_hydrated_records_are_cached_by_id_and_modified(
    osv_server: tuple[str, FakeOsv], tmp_path: Path
) -> None:
    url, fake = osv_server
    query = [("npm", "minimist", "1.2.5")]
    OsvClient(api_url=url, cache_dir=str(tmp_path), timeout=5).records_for(query)
    assert fake.hydrated == ["GHSA-xvch-5gv4-984h"]
    OsvClient(api_url=url, cache_dir=str(tmp_path), timeout=5).records_for(query)
    assert fake.hydrated == ["GHSA-xvch-5gv4-984h"]  # served from the cache
    fake.records["GHSA-xvch-5gv4-984h"]["modified"] = "2030-01-01T00:00:00Z"
    OsvClient(api_url=url, cache_dir=str(tmp_path), timeout=5).records_for(query)
    assert fake.hydrated == ["GHSA-xvch-5gv4-984h"] * 2  # a new modified time: fetched again


def test_failures_are_clear_errors(osv_server: tuple[str, FakeOsv]) -> None:
    url, fake = osv_server
    query = [("npm", "lodash", "1.0.0")]
    with pytest.raises(OnlineError, match="unreachable"):
        OsvClient(api_url=closed_port_url(), timeout=5).records_for(query)
    with pytest.raises(OnlineError, match="not JSON"):
        OsvClient(api_url=url + "/notjson", timeout=5).records_for(query)
    with pytest.raises(OnlineError, match="must be http"):
        OsvClient(api_url="file:///etc", timeout=5).records_for(query)
    with pytest.raises(OnlineError, match="HTTP 404"):
        OsvClient(api_url=url, timeout=5).vulnerability("GHSA-0000-0000-0000")
    with pytest.raises(OnlineError, match="refusing"):
        OsvClient(api_url=url, timeout=5).vulnerability("../../etc/passwd")
    fake.fail_with = 500
    with pytest.raises(OnlineError, match="HTTP 500"):
        OsvClient(api_url=url, timeout=5).records_for(query)


def test_export_download_builds_a_database(osv_server: tuple[str, FakeOsv], tmp_path: Path) -> None:
    url, _ = osv_server
    archive = fetch_export(url, "npm", str(tmp_path / "dl"), timeout=5)
    report = build_database(
        str(tmp_path / "adv.db"), [archive], built_at=datetime(2026, 11, 28, tzinfo=UTC)
    )
    assert report.info.ecosystems == ("npm",)
    # lodash, minimist, last-affected, canary
    assert report.info.records == 4
    with pytest.raises(OnlineError, match="unreachable"):
        fetch_export(closed_port_url(), "npm", str(tmp_path / "dl2"), timeout=5)


def _dep_findings(settings: DepsSettings) -> list[tuple[str, str, int, str]]:
    options = ScanOptions(today=TODAY, select=frozenset({"DEP"}), plugins=False, deps=settings)
    result = scan([str(DEP001_APP)], options)
    prefix = str(DEP001_APP) + "/"
    return sorted(
        (f.rule.id, f.location.file.removeprefix(prefix), f.location.line, f.evidence[-1])
        for f in result.findings
    )


def test_online_scan_reports_through_the_api(osv_server: tuple[str, FakeOsv]) -> None:
    url, _ = osv_server
    findings = _dep_findings(DepsSettings(api_url=url, today=TODAY, timeout=5))
    assert [(r, f, line) for r, f, line, _ in findings] == [
        ("DEP001", "src/export/requirements.txt", 1),
        ("DEP001", "src/parse/requirements.txt", 1),
    ]
    assert all(f"OSV API {url}" in evidence for *_, evidence in findings)


def test_unreachable_source_is_a_finding_not_a_crash_or_silence(tmp_path: Path) -> None:
    findings = _dep_findings(DepsSettings(api_url=closed_port_url(), today=TODAY, timeout=5))
    assert [(r, f, line) for r, f, line, _ in findings] == [("DEP004", "template.yaml", 10)]


def test_unreachable_api_falls_back_to_the_offline_database(tmp_path: Path) -> None:
    db_path = str(tmp_path / "adv.db")
    build_database(db_path, [str(OSV)], built_at=datetime(2026, 11, 27, tzinfo=UTC))
    settings = DepsSettings(api_url=closed_port_url(), db_path=db_path, today=TODAY, timeout=5)
    findings = _dep_findings(settings)
    assert [r for r, *_ in findings] == ["DEP001", "DEP001"]
    assert "OSV API failed" in findings[0][3]
    assert "fallback: offline advisory database" in findings[0][3]


def test_cli_db_update_downloads_the_exports(
    osv_server: tuple[str, FakeOsv],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, _ = osv_server
    # the download lands in the user cache dir: point it at the test's own folder
    monkeypatch.setattr(cli_deps, "cache_dir", lambda: tmp_path / "cache")
    db_path = str(tmp_path / "adv.db")
    code = cli.main(["db", "update", "--export-url", url, "--db", db_path])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "10 records (PyPI, npm), 1 withdrawn dropped" in err  # 6 PyPI + 4 npm
    assert (tmp_path / "cache" / "exports" / "PyPI-all.zip").is_file()
    code = cli.main(["db", "update", "--export-url", closed_port_url(), "--db", db_path])
    assert code == 2
    assert "unreachable" in capsys.readouterr().err
