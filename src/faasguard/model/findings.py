"""What rules are and what they produce: shared by the engine and every reporter."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from faasguard.model.values import Location, Scalar

if TYPE_CHECKING:
    from faasguard.model.app import App


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


class Pillar(enum.StrEnum):
    LEAST_PRIVILEGE = "least-privilege"
    DEPENDENCIES = "dependencies"
    ENCRYPTION = "encryption"
    LOGGING = "logging"
    API = "api-security"
    HARDENING = "function-hardening"
    SECRETS = "secrets"
    ATTACK_PATH = "attack-path"
    TOOL = "tool"


class Framework(enum.StrEnum):
    SAM = "sam"
    CLOUDFORMATION = "cloudformation"
    SERVERLESS = "serverless"
    TERRAFORM = "terraform"
    CDK = "cdk"


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleInfo:
    """Self-description of a rule; the rule docs and SARIF metadata are generated from it."""

    id: str
    name: str  # kebab-case, reads as "allow <name>" is bad, e.g. "wildcard-action"
    title: str
    pillar: Pillar
    severity: Severity
    rationale: str
    remediation: str
    frameworks: tuple[Framework, ...] = (Framework.SAM, Framework.CLOUDFORMATION)
    references: tuple[str, ...] = ()
    equivalents: tuple[str, ...] = ()  # other tools' check ids: "checkov:CKV_AWS_45"
    example: str = ""  # a vulnerable snippet (YAML)
    fixed_example: str = ""  # the same snippet with the remediation applied
    limitations: str = ""
    since: str = "0.1.0"


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """A rule's answer: this resource breaks the rule, here, with this evidence."""

    resource: str
    location: Location
    message: str
    evidence: tuple[str, ...] = ()
    related: tuple[Location, ...] = ()
    fix: str = ""
    severity: Severity | None = None  # overrides the rule's default when the case is worse/milder
    #: a stable discriminator when one resource can break the rule several times (e.g. the action)
    key: str = ""
    #: extra machine-readable facts for reporters (SARIF result properties), e.g. reachable
    properties: tuple[tuple[str, Scalar], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Inconclusive:
    """The answer hangs on a value that cannot be resolved statically."""

    resource: str
    location: Location
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleContext:
    """What a rule may know besides the app: passed in, never read from the machine."""

    today: date


RuleResult: TypeAlias = Violation | Inconclusive
RuleCheck: TypeAlias = "Callable[[App, RuleContext], Iterator[RuleResult]]"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    info: RuleInfo
    check: RuleCheck


class SuppressionKind(enum.StrEnum):
    INLINE = "inline"
    METADATA = "metadata"
    CONFIG = "config"
    BASELINE = "baseline"


@dataclass(frozen=True, slots=True, kw_only=True)
class Suppression:
    kind: SuppressionKind
    reason: str
    location: Location | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A violation as reported: rule metadata attached, severity after config, suppression state."""

    rule: RuleInfo
    severity: Severity
    resource: str
    location: Location
    message: str
    evidence: tuple[str, ...] = ()
    related: tuple[Location, ...] = ()
    fix: str = ""
    fingerprint: str = ""
    suppression: Suppression | None = None
    #: extra machine-readable facts from the rule (SARIF result properties), e.g. reachable
    properties: tuple[tuple[str, Scalar], ...] = ()

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def sort_key(self) -> tuple[int, str, int, int, str, str, str]:
        loc = self.location
        return (
            -self.severity,
            loc.file,
            loc.line,
            loc.column,
            self.rule.id,
            self.resource,
            self.message,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class InconclusiveResult:
    rule_id: str
    resource: str
    location: Location
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class AppSummary:
    """One application the scan read: a template, a serverless.yml or a Terraform module."""

    source: str  # the file (or Terraform directory) relative to the scan root, as displayed
    framework: Framework
    functions: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanResult:
    """Everything a reporter needs; sorted deterministically by the engine."""

    findings: tuple[Finding, ...]
    inconclusive: tuple[InconclusiveResult, ...]
    rules: tuple[RuleInfo, ...]
    files: tuple[str, ...]
    tool_version: str
    fail_on: Severity = Severity.HIGH
    stats: tuple[tuple[str, int], ...] = field(default=())
    #: each application found, in display order (several kinds may be mixed in one tree)
    apps: tuple[AppSummary, ...] = ()

    @property
    def active(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.suppressed)

    @property
    def suppressed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppressed)

    @property
    def failed(self) -> bool:
        return any(f.severity >= self.fail_on for f in self.active)

    @property
    def incomplete(self) -> bool:
        """A rule crashed or a plugin failed: the scan must not read as clean."""
        return any(f.rule.id in ("FG003", "FG004") for f in self.active)
