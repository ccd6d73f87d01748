"""Dependencies pillar (DEP001-DEP005): what the dependency audit put in each DependencyReport.

The facts (packages, advisories, reachability, which database) come from ``faasguard.deps.audit``
during enrichment; these rules only read ``Function.dependencies`` / ``Layer.dependencies``.
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.deps.cvss import rating
from faasguard.deps.pinning import classify
from faasguard.deps.versions import crosses_major
from faasguard.model import (
    App,
    Pillar,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.model.deps import Advisory, DependencyReport, Package, VulnerablePackage
from faasguard.model.values import Location
from faasguard.rules._references import SAM_TF
from faasguard.rules._registry import rule

_OWASP_DEPS = "OWASP Serverless Top 10: SAS-6 Insecure Third-Party Dependencies"
_OWASP_A06 = "OWASP Top 10 2021: A06 Vulnerable and Outdated Components"
_WA_VULN = "AWS Well-Architected SEC06-BP01 Perform vulnerability management"
_CWE_1395 = "CWE-1395: Dependency on Vulnerable Third-Party Component"
_MALICIOUS_PREFIX = "MAL-"
#: every DEP finding carries SARIF ``reachable``; only DEP001/DEP005 know it (imports are analysed
#: for vulnerable packages), the others say null = unknown
_UNKNOWN_REACH: tuple[tuple[str, None], ...] = (("reachable", None),)
_BY_RATING = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM,
    "low": Severity.LOW,
    "none": Severity.INFO,
}

_SAM_REQS = (
    "Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    CodeUri: src/fn/\n"
    "# src/fn/requirements.txt\n"
)


def _audited(app: App) -> Iterator[tuple[str, Location, DependencyReport]]:
    """(resource id, its code location key, report) for every audited function and layer."""
    for fn in app.functions:
        if fn.dependencies is not None:
            yield fn.id, fn.at("code_uri"), fn.dependencies
    for layer in app.layers:
        if layer.dependencies is not None:
            yield layer.id, layer.at("content_uri"), layer.dependencies


def _is_malicious(advisory: Advisory) -> bool:
    return any(i.startswith(_MALICIOUS_PREFIX) for i in (advisory.id, *advisory.aliases))


def advisory_severity(advisory: Advisory) -> Severity | None:
    """CVSS base score band, else the database's own label; None when neither is known."""
    if advisory.score is not None:
        return _BY_RATING[rating(advisory.score)]
    return _BY_RATING.get(advisory.severity_label.lower())


def _package_text(package: Package) -> str:
    return f"{package.name} {package.version}" if package.version else package.name


DEP001 = RuleInfo(
    id="DEP001",
    name="vulnerable-dependency",
    title="Function ships a package with a known vulnerability",
    pillar=Pillar.DEPENDENCIES,
    severity=Severity.HIGH,
    rationale="A function runs every package of its deployment package with the function's role. "
    "A published vulnerability in one of them (code execution in a parser, a credential leak on "
    "redirect) is an entry point attackers can reach with a crafted event, and public advisories "
    "and exploit code make it cheap. The finding is ranked lower when the function's code never "
    "imports the package, directly or through a package it imports.",
    remediation="Upgrade the package to the fixed version named in the finding (in the lockfile "
    "or requirements file shown, then rebuild the deployment package); if no fix exists, remove "
    "the package or isolate the code path that uses it.",
    frameworks=SAM_TF,
    references=(_OWASP_DEPS, _OWASP_A06, _WA_VULN, _CWE_1395),
    example=_SAM_REQS + "PyYAML==5.3.1",
    fixed_example=_SAM_REQS + "PyYAML==5.4.1",
    limitations="Only as complete as the advisory source (OSV) and the lockfiles found in the code "
    "root; import reachability is import-level (not call-level), and a dynamic import makes it "
    "unknown. Container-image functions and code outside the scanned tree are not audited.",
)


def _severity(vulnerable: VulnerablePackage) -> tuple[Severity | None, str]:
    known = [s for a in vulnerable.advisories if (s := advisory_severity(a)) is not None]
    base = max(known) if known else None
    if vulnerable.reachable is False:
        lowered = Severity(max(Severity.INFO, (base or DEP001.severity) - 1))
        return lowered, "one level lower: the code does not import it"
    return base, ""


def _sharers(app: App, package: Package, own: str) -> list[str]:
    ident = (package.ecosystem, package.name, package.version)
    return sorted(
        rid
        for rid, _, report in _audited(app)
        if rid != own
        and any(
            (v.package.ecosystem, v.package.name, v.package.version) == ident
            for v in report.vulnerable
        )
    )


def _advisory_line(advisory: Advisory) -> str:
    score = f"CVSS {advisory.score}" if advisory.score is not None else advisory.severity_label
    fixed = f"fixed in {advisory.fixed}" if advisory.fixed else "no fixed version"
    aliases = f" ({', '.join(advisory.aliases)})" if advisory.aliases else ""
    parts = [p for p in (score, fixed, advisory.summary[:120]) if p]
    return f"{advisory.id}{aliases}: " + "; ".join(parts)


def _reach_text(vulnerable: VulnerablePackage) -> str:
    state = {True: "imported", False: "not imported", None: "import unknown"}[vulnerable.reachable]
    note = f": {vulnerable.reachability_note}" if vulnerable.reachability_note else ""
    return f"{state}{note}"


@rule(DEP001)
def vulnerable_dependency(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for rid, _, report in _audited(app):
        for vulnerable in report.vulnerable:
            advisories = [a for a in vulnerable.advisories if not _is_malicious(a)]
            if not advisories:
                continue
            package = vulnerable.package
            severity, why = _severity(vulnerable)
            fixes = sorted({a.fixed for a in advisories if a.fixed})
            ids = ", ".join(a.id for a in advisories)
            evidence = [_advisory_line(a) for a in advisories]
            evidence.append(f"reachability: {_reach_text(vulnerable)}")
            if why:
                evidence.append(f"severity {why}")
            if (
                fixes
                and package.version
                and crosses_major(package.ecosystem, package.version, fixes[-1])
            ):
                evidence.append(f"the fix {fixes[-1]} is a major-version upgrade: test it")
            if sharers := _sharers(app, package, rid):
                evidence.append(f"also shipped by: {', '.join(sharers)}")
            evidence.append(f"advisories: {report.source}")
            yield Violation(
                resource=rid,
                location=package.location,
                message=f"{rid} ships {_package_text(package)} ({package.ecosystem}), affected by "
                f"{ids} [{_reach_text(vulnerable).split(':')[0]}]",
                evidence=tuple(evidence),
                fix=f"Upgrade {package.name} to {fixes[-1]}."
                if fixes
                else f"No fixed version is published: remove {package.name} or isolate its use.",
                severity=severity,
                key=f"{package.ecosystem}:{package.name}@{package.version}",
                properties=(("reachable", vulnerable.reachable),),
            )


DEP002 = RuleInfo(
    id="DEP002",
    name="unpinned-dependency",
    title="Dependency is declared by a version range with no lockfile to pin it",
    pillar=Pillar.DEPENDENCIES,
    severity=Severity.MEDIUM,
    rationale="A range such as `requests>=2.0` or `^4.17.0` installs whatever version is newest "
    "at build time: builds are not reproducible, a compromised or vulnerable release is picked up "
    "silently, and no audit can say which version the deployed function really runs.",
    remediation="Pin exact versions (`name==1.2.3` in requirements.txt, ideally with `--hash`), or "
    "commit the lockfile your tool writes (package-lock.json, yarn.lock, pnpm-lock.yaml, "
    "poetry.lock, uv.lock) next to the manifest.",
    frameworks=SAM_TF,
    references=(
        _OWASP_DEPS,
        _WA_VULN,
        "CWE-1357: Reliance on Insufficiently Trustworthy Component",
    ),
    example=_SAM_REQS + "requests>=2.0",
    fixed_example=_SAM_REQS + "requests==2.32.3",
    limitations="A lockfile outside the function's code root (a monorepo root) is not seen.",
)


@rule(DEP002)
def unpinned_dependency(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for rid, _, report in _audited(app):
        for package in report.unpinned:
            kind, detail = classify(package)
            if kind != "range":
                continue
            yield Violation(
                resource=rid,
                location=package.location,
                message=f"{rid} declares {package.name} {detail} with no lockfile pinning it: "
                "the version it ships cannot be audited",
                evidence=(f"manifests read: {', '.join(report.manifests) or 'none'}",),
                fix=f"Pin {package.name} to an exact version or commit a lockfile.",
                key=f"{package.ecosystem}:{package.name}",
                properties=_UNKNOWN_REACH,
            )


DEP003 = RuleInfo(
    id="DEP003",
    name="unauditable-dependency",
    title="Dependency cannot be audited (URL, VCS or local source, or an invalid version)",
    pillar=Pillar.DEPENDENCIES,
    severity=Severity.LOW,
    rationale="Packages installed from a URL, a git repository or a local path, and versions that "
    "are not valid for their ecosystem, have no registry version that advisories could name: the "
    "audit is blind to them. The same holds for a manifest that could not be read completely.",
    remediation="Depend on a published release where one exists (`name==1.2.3`), or track the "
    "fork's security fixes yourself; fix the manifest problem named in the finding.",
    frameworks=SAM_TF,
    references=(_OWASP_DEPS, "CWE-829: Inclusion of Functionality from Untrusted Control Sphere"),
    example=_SAM_REQS + "git+https://github.com/psf/requests@v2.31.0#egg=requests",
    fixed_example=_SAM_REQS + "requests==2.31.0",
    limitations="Vendored code copied into the function without package metadata is not seen.",
)


@rule(DEP003)
def unauditable_dependency(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for rid, _, report in _audited(app):
        for package in (*report.unpinned, *report.packages):
            kind, detail = classify(package)
            if kind == "not-auditable":
                yield Violation(
                    resource=rid,
                    location=package.location,
                    message=f"{rid} ships {package.name} that cannot be audited: {detail}",
                    fix=f"Use a published release of {package.name}.",
                    key=f"{package.ecosystem}:{package.name}",
                    properties=_UNKNOWN_REACH,
                )
        for location, problem in report.problems:
            yield Violation(
                resource=rid,
                location=location,
                message=f"{rid}: dependencies not fully audited: {problem}",
                fix="Fix the manifest or lockfile so every package can be read.",
                key=f"problem:{location.file}:{problem}",
                properties=_UNKNOWN_REACH,
            )


DEP004 = RuleInfo(
    id="DEP004",
    name="stale-advisory-database",
    title="Advisory database is older than the configured age, or unavailable",
    pillar=Pillar.DEPENDENCIES,
    severity=Severity.MEDIUM,
    rationale="An offline scan is only as current as its advisory database: new advisories are "
    "published daily, so an old database reports a vulnerable function as clean. When no source "
    "can be read at all, no dependency was audited, and that must not look like a clean result.",
    remediation="Run `faasguard db update` (in CI, before the scan), or scan online; raise "
    "`advisories: {max_age_days: N}` in .faasguard.yml only deliberately.",
    frameworks=SAM_TF,
    references=(_WA_VULN, _OWASP_DEPS),
    example="# .faasguard.yml; faasguard scan --offline with a database built 30 days ago\n"
    "advisories:\n  max_age_days: 7",
    fixed_example="# .faasguard.yml; faasguard db update, then faasguard scan --offline\n"
    "advisories:\n  max_age_days: 7",
    limitations="Online scans report only that the service was unreachable.",
)


@rule(DEP004)
def stale_advisory_database(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    audited = sorted(_audited(app), key=lambda item: (item[1], item[0]))
    for rid, where, report in audited:
        age, limit = report.source_age_days, report.source_max_age_days
        if not report.source_available:
            message = f"dependencies were not audited: {report.source}"
        elif age is not None and limit is not None and age > limit:
            message = f"advisory database is {age} days old (limit {limit} days)"
        else:
            continue
        yield Violation(
            resource=rid,
            location=where,
            message=message,
            evidence=(report.source, f"{len(audited)} code roots depend on this source"),
            fix="Run `faasguard db update`, or scan online.",
            properties=_UNKNOWN_REACH,
        )
        return  # one source serves the whole app: one finding


DEP005 = RuleInfo(
    id="DEP005",
    name="malicious-dependency",
    title="Function ships a package reported as malicious",
    pillar=Pillar.DEPENDENCIES,
    severity=Severity.CRITICAL,
    rationale="Malicious packages (typosquats, hijacked maintainer accounts; OSV `MAL-` records) "
    "run attacker code at install or import time. In a function that code runs with the "
    "function's role and sees its environment variables and event data.",
    remediation="Remove the package, rebuild and redeploy the function, rotate every credential "
    "the function or its build could read, and review what the role allowed since it shipped.",
    frameworks=SAM_TF,
    references=(_OWASP_DEPS, "CWE-506: Embedded Malicious Code"),
    example=_SAM_REQS + "some-typosquat==1.0.0  # reported in an OSV MAL- record",
    fixed_example=_SAM_REQS + "requests==2.32.3",
    limitations="Only packages already reported to OSV's malicious-packages feed are known.",
)


@rule(DEP005)
def malicious_dependency(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for rid, _, report in _audited(app):
        for vulnerable in report.vulnerable:
            bad = [a for a in vulnerable.advisories if _is_malicious(a)]
            if not bad:
                continue
            package = vulnerable.package
            yield Violation(
                resource=rid,
                location=package.location,
                message=f"{rid} ships {_package_text(package)}, reported as malicious "
                f"({', '.join(a.id for a in bad)})",
                evidence=tuple(_advisory_line(a) for a in bad),
                fix=f"Remove {package.name}, redeploy, and rotate the credentials it could read.",
                key=f"{package.ecosystem}:{package.name}@{package.version}",
                properties=(("reachable", vulnerable.reachable),),
            )


RULES: tuple[Rule, ...] = (
    vulnerable_dependency,
    unpinned_dependency,
    unauditable_dependency,
    stale_advisory_database,
    malicious_dependency,
)
