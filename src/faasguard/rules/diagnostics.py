"""Reserved tool-diagnostic ids: problems of the scan itself, reported like findings."""

from __future__ import annotations

from faasguard.model import Framework, Pillar, RuleInfo, Severity

_ALL = tuple(Framework)

FG001 = RuleInfo(
    id="FG001",
    name="unparsable-file",
    title="File could not be parsed",
    pillar=Pillar.TOOL,
    severity=Severity.HIGH,
    rationale="A template faasguard cannot read is a template nobody checked: an unreadable "
    "file must not make the scan look clean.",
    remediation="Fix the syntax error at the reported position (CloudFormation would reject the "
    "file too), or exclude the file in the configuration if it is not a template.",
    frameworks=_ALL,
)
FG002 = RuleInfo(
    id="FG002",
    name="unsupported-construct",
    title="Construct not understood by faasguard",
    pillar=Pillar.TOOL,
    severity=Severity.INFO,
    rationale="Part of the input uses a construct faasguard does not model, so checks that "
    "depend on it may be incomplete.",
    remediation="Review the construct by hand; report it to faasguard if it is common.",
    frameworks=_ALL,
)
FG003 = RuleInfo(
    id="FG003",
    name="rule-crashed",
    title="A rule crashed",
    pillar=Pillar.TOOL,
    severity=Severity.HIGH,
    rationale="A rule that crashed did not check anything; the scan is incomplete and exits "
    "with code 2.",
    remediation="Report the crash with the reported traceback summary.",
    frameworks=_ALL,
)
FG004 = RuleInfo(
    id="FG004",
    name="plugin-failed",
    title="A rule plugin failed to load",
    pillar=Pillar.TOOL,
    severity=Severity.HIGH,
    rationale="Rules of an installed plugin did not run; the scan is incomplete.",
    remediation="Reinstall or fix the plugin named in the message.",
    frameworks=_ALL,
)

DIAGNOSTICS: tuple[RuleInfo, ...] = (FG001, FG002, FG003, FG004)
