"""CycloneDX 1.6 SBOM: purls, nesting per function, dependency graph, VEX; schema-validated."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from faasguard.api import ScanOptions
from faasguard.api_sbom import sbom
from faasguard.deps.sbom import SbomSubject, build_bom, purl_of, render
from faasguard.model.deps import Advisory, DependencyReport, Package, VulnerablePackage
from faasguard.model.values import Location

TODAY = date(2026, 11, 29)


def _package(ecosystem: str, name: str, version: str | None, **extra: object) -> Package:
    return Package(
        ecosystem=ecosystem,
        name=name,
        version=version,
        location=Location(file="src/fn/lock", line=3),
        **extra,  # type: ignore[arg-type]
    )


def _valid(text: str) -> None:
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert errors is None, str(errors)


def test_purls() -> None:
    assert purl_of(_package("PyPI", "pyyaml", "5.3.1")).to_string() == "pkg:pypi/pyyaml@5.3.1"
    scoped = purl_of(_package("npm", "@aws-sdk/client-s3", "3.637.0")).to_string()
    assert scoped == "pkg:npm/%40aws-sdk/client-s3@3.637.0"
    assert purl_of(_package("npm", "lodash", None)).to_string() == "pkg:npm/lodash"


def _subjects() -> list[SbomSubject]:
    yaml = _package("PyPI", "pyyaml", "5.3.1")
    urllib3 = _package("PyPI", "urllib3", "1.26.4", direct=False)
    requests = _package("PyPI", "requests", "2.30.0", requires=("urllib3",))
    advisory = Advisory(
        id="GHSA-8q59-q68h-6hv4",
        aliases=("CVE-2020-14343", "PYSEC-2021-142"),
        summary="Improper Input Validation in PyYAML",
        score=9.8,
        vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        fixed="5.4",
    )
    imported = DependencyReport(
        packages=(yaml, requests, urllib3),
        vulnerable=(
            VulnerablePackage(
                package=yaml,
                advisories=(advisory,),
                reachable=True,
                reachability_note="imported in app.py:1",
            ),
        ),
    )
    unused = DependencyReport(
        packages=(yaml,),
        vulnerable=(
            VulnerablePackage(
                package=yaml,
                advisories=(advisory,),
                reachable=False,
                reachability_note="not imported",
            ),
        ),
    )
    return [
        SbomSubject(
            id="Parse", kind="function", app="t.yaml", runtime="python3.12", report=imported
        ),
        SbomSubject(id="Export", kind="function", app="t.yaml", runtime=None, report=unused),
    ]


def test_bom_nests_packages_per_function_with_graph_and_vex() -> None:
    text = render(build_bom(_subjects(), name="orders", today=TODAY, tool_version="0.1.0"))
    _valid(text)
    document = json.loads(text)
    assert document["specVersion"] == "1.6"
    assert document["metadata"]["timestamp"].startswith("2026-11-29T00:00:00")
    functions = {c["name"]: c for c in document["components"]}
    assert set(functions) == {"Parse", "Export"}
    assert sorted(c["purl"] for c in functions["Parse"]["components"]) == [
        "pkg:pypi/pyyaml@5.3.1",
        "pkg:pypi/requests@2.30.0",
        "pkg:pypi/urllib3@1.26.4",
    ]
    graph = {d["ref"]: sorted(d.get("dependsOn", [])) for d in document["dependencies"]}
    assert graph["t.yaml#Parse"] == [
        "t.yaml#Parse/pkg:pypi/pyyaml@5.3.1",
        "t.yaml#Parse/pkg:pypi/requests@2.30.0",
    ]  # urllib3 is not direct
    assert graph["t.yaml#Parse/pkg:pypi/requests@2.30.0"] == [
        "t.yaml#Parse/pkg:pypi/urllib3@1.26.4"
    ]
    vex = {
        v["affects"][0]["ref"]: (
            v["id"],
            v["analysis"]["state"],
            v["analysis"].get("justification"),
        )
        for v in document["vulnerabilities"]
    }
    assert vex == {
        "t.yaml#Parse/pkg:pypi/pyyaml@5.3.1": ("GHSA-8q59-q68h-6hv4", "in_triage", None),
        "t.yaml#Export/pkg:pypi/pyyaml@5.3.1": (
            "GHSA-8q59-q68h-6hv4",
            "not_affected",
            "code_not_reachable",
        ),
    }
    first = document["vulnerabilities"][0]
    assert sorted(r["id"] for r in first["references"]) == ["CVE-2020-14343", "PYSEC-2021-142"]
    assert first["ratings"][0]["method"] == "CVSSv31" and first["ratings"][0]["score"] == 9.8
    assert first["recommendation"] == "upgrade to 5.4"


def test_bom_is_deterministic() -> None:
    first = render(build_bom(_subjects(), name="orders", today=TODAY, tool_version="0.1.0"))
    second = render(build_bom(_subjects()[::-1], name="orders", today=TODAY, tool_version="0.1.0"))
    assert first == second


def _app(root: Path) -> None:
    (root / "fn").mkdir()
    (root / "fn" / "requirements.txt").write_text("PyYAML==5.3.1\nrequests>=2\n")
    (root / "fn" / "app.py").write_text("import yaml\n")
    (root / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      CodeUri: fn/\n"
        "      Handler: app.handler\n"
        "      Runtime: python3.12\n"
    )


def test_api_inventory_without_advisory_source(tmp_path: Path) -> None:
    _app(tmp_path)
    text = sbom([str(tmp_path)], ScanOptions(today=TODAY))
    assert isinstance(text, str)
    _valid(text)
    (function,) = json.loads(text)["components"]
    assert function["name"] == "Fn"
    assert sorted(c["purl"] for c in function["components"]) == [
        "pkg:pypi/pyyaml@5.3.1",
        "pkg:pypi/requests",  # unpinned: listed without a version
    ]
    assert "vulnerabilities" not in json.loads(text) or not json.loads(text)["vulnerabilities"]


def test_api_split_gives_one_bom_per_function(tmp_path: Path) -> None:
    _app(tmp_path)
    boms = sbom([str(tmp_path)], ScanOptions(today=TODAY), split=True)
    assert isinstance(boms, dict) and len(boms) == 1
    (name,) = boms
    assert name.endswith("template.yaml-Fn.cdx.json")
    _valid(boms[name])


def test_cli_writes_one_bom_or_one_per_function(tmp_path: Path) -> None:
    from faasguard.cli import main

    app = tmp_path / "app"
    app.mkdir()
    _app(app)
    single = tmp_path / "bom.json"
    assert main(["sbom", str(app), "--no-deps", "--output", str(single)]) == 0
    _valid(single.read_text())
    folder = tmp_path / "boms"
    folder.mkdir()
    assert main(["sbom", str(app), "--no-deps", "--output", str(folder)]) == 0
    (written,) = folder.iterdir()
    _valid(written.read_text())
