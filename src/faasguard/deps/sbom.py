"""CycloneDX 1.6 BOM (with VEX) of the packages each function and layer ships.

Layout: the BOM's subject (``metadata.component``) is the scanned application; every function and
layer is a nested component of type ``application`` whose own nested components are the packages
of its code root (a package shared by two functions appears under each: its reachability, and so
its VEX analysis, is per function). ``dependencies`` gives function -> direct packages and package
-> required packages where a lockfile gave the graph. One ``vulnerabilities`` entry per advisory
and function: ``not_affected``/``code_not_reachable`` when the function never imports the package,
else ``in_triage`` with how reachability was decided (import-level analysis cannot prove an
exploit). Built with cyclonedx-python-lib; never hand-built JSON.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from cyclonedx.model import Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.impact_analysis import ImpactAnalysisJustification, ImpactAnalysisState
from cyclonedx.model.tool import ToolRepository
from cyclonedx.model.vulnerability import (
    BomTarget,
    Vulnerability,
    VulnerabilityAnalysis,
    VulnerabilityRating,
    VulnerabilityReference,
    VulnerabilityScoreSource,
    VulnerabilitySource,
)
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from faasguard.model.deps import Advisory, DependencyReport, Package, VulnerablePackage


@dataclass(frozen=True, slots=True, kw_only=True)
class SbomSubject:
    """One function or layer and the dependency report of its code root."""

    id: str  # logical id (or resource address)
    kind: str  # "function" | "layer"
    app: str  # the definition file it comes from (display path)
    runtime: str | None
    report: DependencyReport


def purl_of(package: Package) -> PackageURL:
    """``pkg:pypi/pyyaml@5.3.1``, ``pkg:npm/%40scope/name@1.0.0`` (no version when unpinned)."""
    if package.ecosystem == "npm" and package.name.startswith("@") and "/" in package.name:
        scope, name = package.name.split("/", 1)
        return PackageURL(type="npm", namespace=scope, name=name, version=package.version)
    kind = "pypi" if package.ecosystem == "PyPI" else package.ecosystem.lower()
    return PackageURL(type=kind, name=package.name, version=package.version)


def build_bom(subjects: Sequence[SbomSubject], *, name: str, today: date, tool_version: str) -> Bom:
    """The BOM of ``subjects`` (deterministic: serial number and timestamp come from the input)."""
    tool = Component(type=ComponentType.APPLICATION, name="faasguard", version=tool_version)
    application = Component(type=ComponentType.APPLICATION, name=name, bom_ref=f"app:{name}")
    bom = Bom(
        serial_number=uuid.uuid5(uuid.NAMESPACE_URL, _fingerprint(name, subjects)),
        metadata=BomMetaData(
            component=application,
            tools=ToolRepository(components=[tool]),
            timestamp=datetime.combine(today, time(), tzinfo=UTC),
        ),
    )
    for subject in sorted(subjects, key=lambda s: (s.app, s.kind, s.id)):
        holder, by_package = _subject_component(subject)
        bom.components.add(holder)
        bom.register_dependency(application, [holder])
        _register_graph(bom, holder, subject.report, by_package)
        for vulnerable in subject.report.vulnerable:
            target = by_package.get(_key(vulnerable.package))
            if target is not None:
                for advisory in vulnerable.advisories:
                    bom.vulnerabilities.add(_vulnerability(advisory, vulnerable, target))
    return bom


def render(bom: Bom) -> str:
    """CycloneDX 1.6 JSON."""
    return JsonV1Dot6(bom).output_as_string(indent=2)


def _key(package: Package) -> tuple[str, str, str | None, str]:
    return (package.ecosystem, package.name, package.version, str(package.location))


def _fingerprint(name: str, subjects: Iterable[SbomSubject]) -> str:
    parts = [name]
    for subject in subjects:
        parts.append(f"{subject.app}#{subject.id}")
        parts.extend(purl_of(p).to_string() for p in subject.report.packages)
    return "faasguard-sbom:" + "|".join(sorted(parts))


def _subject_component(
    subject: SbomSubject,
) -> tuple[Component, dict[tuple[str, str, str | None, str], Component]]:
    prefix = f"{subject.app}#{subject.id}"
    by_package: dict[tuple[str, str, str | None, str], Component] = {}
    used: set[str] = set()
    for package in (*subject.report.packages, *subject.report.unpinned):
        purl = purl_of(package)
        ref = f"{prefix}/{purl.to_string()}"
        ref = ref if ref not in used else f"{ref}#{package.location}"
        used.add(ref)
        properties = [Property(name="faasguard:location", value=str(package.location))]
        if package.requirement:
            properties.append(Property(name="faasguard:requirement", value=package.requirement))
        by_package[_key(package)] = Component(
            type=ComponentType.LIBRARY,
            name=package.name,
            version=package.version,
            purl=purl,
            bom_ref=ref,
            properties=properties,
        )
    holder_properties = [Property(name="faasguard:kind", value=subject.kind)]
    if subject.runtime:
        holder_properties.append(Property(name="faasguard:runtime", value=subject.runtime))
    holder_properties.extend(
        Property(name="faasguard:manifest", value=m) for m in subject.report.manifests
    )
    holder = Component(
        type=ComponentType.APPLICATION,
        name=subject.id,
        bom_ref=prefix,
        components=by_package.values(),
        properties=holder_properties,
    )
    return holder, by_package


def _register_graph(
    bom: Bom,
    holder: Component,
    report: DependencyReport,
    by_package: dict[tuple[str, str, str | None, str], Component],
) -> None:
    by_name: dict[str, list[Component]] = {}
    for package in report.packages:
        by_name.setdefault(package.name, []).append(by_package[_key(package)])
    direct = [by_package[_key(p)] for p in (*report.packages, *report.unpinned) if p.direct]
    bom.register_dependency(holder, direct)
    for package in report.packages:
        required = [c for name in package.requires for c in by_name.get(name, ())]
        bom.register_dependency(by_package[_key(package)], required)


def _vulnerability(
    advisory: Advisory, vulnerable: VulnerablePackage, target: Component
) -> Vulnerability:
    if vulnerable.reachable is False:
        analysis = VulnerabilityAnalysis(
            state=ImpactAnalysisState.NOT_AFFECTED,
            justification=ImpactAnalysisJustification.CODE_NOT_REACHABLE,
            detail=vulnerable.reachability_note or None,
        )
    else:
        analysis = VulnerabilityAnalysis(
            state=ImpactAnalysisState.IN_TRIAGE, detail=vulnerable.reachability_note or None
        )
    ratings = []
    if advisory.score is not None:
        ratings.append(
            VulnerabilityRating(
                score=Decimal(str(advisory.score)),
                method=_score_method(advisory.vector),
                vector=advisory.vector or None,
            )
        )
    return Vulnerability(
        bom_ref=f"{advisory.id}@{target.bom_ref.value}",
        id=advisory.id,
        source=VulnerabilitySource(
            name="OSV", url=XsUri(f"https://osv.dev/vulnerability/{advisory.id}")
        ),
        references=[
            VulnerabilityReference(id=alias, source=VulnerabilitySource(name=_alias_source(alias)))
            for alias in advisory.aliases
        ],
        ratings=ratings,
        description=advisory.summary or None,
        recommendation=f"upgrade to {advisory.fixed}" if advisory.fixed else None,
        analysis=analysis,
        affects=[BomTarget(ref=str(target.bom_ref.value))],
    )


def _score_method(vector: str) -> VulnerabilityScoreSource:
    if vector.startswith("CVSS:4"):
        return VulnerabilityScoreSource.CVSS_V4
    if vector.startswith("CVSS:3.1"):
        return VulnerabilityScoreSource.CVSS_V3_1
    if vector.startswith("CVSS:3"):
        return VulnerabilityScoreSource.CVSS_V3
    return VulnerabilityScoreSource.CVSS_V2 if vector else VulnerabilityScoreSource.OTHER


def _alias_source(alias: str) -> str:
    prefix = alias.split("-", 1)[0]
    return {"CVE": "NVD", "GHSA": "GitHub Advisories", "PYSEC": "PyPA"}.get(prefix, prefix)
