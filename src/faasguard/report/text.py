"""The terminal report: findings grouped by severity, each with where, what, why and how to fix."""

from __future__ import annotations

import re
from io import StringIO

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from faasguard.model import Finding, InconclusiveResult, ScanResult, Severity
from faasguard.report._common import (
    SEVERITIES_DESCENDING,
    severity_counts,
    shorten,
    shown_findings,
)
from faasguard.report.options import ReportOptions

#: the rationale is one shortened paragraph: the rule page has the whole text
WHY_LIMIT = 240
_INDENT = 4
# Scanned files are untrusted: an ESC or other control character in a template must not reach
# the terminal as a control sequence. Shown as a visible escape instead.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "bold yellow",
    Severity.LOW: "bold cyan",
    Severity.INFO: "bold blue",
}


def render(result: ScanResult, options: ReportOptions) -> str:
    buffer = StringIO()
    console = _console(buffer, options)
    findings = shown_findings(result, options)
    for severity in SEVERITIES_DESCENDING:
        group = [f for f in findings if f.severity == severity]
        if group:
            _print_group(console, severity, group)
    if result.inconclusive:
        _print_inconclusive(console, result.inconclusive)
    if not findings:
        console.print(Text("No findings.", style="bold green"))
    for app in result.apps:
        fns = f"{app.functions} function{'' if app.functions == 1 else 's'}"
        console.print(Text(f"app {app.source} ({app.framework.value}, {fns})"), soft_wrap=True)
    console.print(_summary(result), soft_wrap=True)
    # rich pads wrapped lines to the width; trailing blanks only make diffs and pastes noisy
    return "\n".join(line.rstrip(" ") for line in buffer.getvalue().split("\n"))


def _console(buffer: StringIO, options: ReportOptions) -> Console:
    # _environ={} keeps rich from reading COLUMNS, NO_COLOR, FORCE_COLOR...: the output depends
    # on the options alone.
    return Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        width=options.width,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
        _environ={},
    )


def _print_group(console: Console, severity: Severity, group: list[Finding]) -> None:
    heading = Text(f"{severity.label.upper()} ({len(group)})", style=_SEVERITY_STYLE[severity])
    console.print(heading)
    console.print()
    for finding in group:
        _print_finding(console, finding)


def _print_finding(console: Console, finding: Finding) -> None:
    head = Text()
    head.append(_visible(str(finding.location)), style="bold")
    head.append("  ")
    head.append(finding.rule.id, style=_SEVERITY_STYLE[finding.severity])
    head.append(_visible(f" {finding.rule.title}"))
    if finding.suppression is not None:
        head.append(f"  [suppressed: {finding.suppression.kind.value}]", style="dim")
    console.print(_indented(head, 2))
    for label, value in _finding_fields(finding):
        console.print(_indented(_field(label, value), _INDENT))
    console.print()


def _finding_fields(finding: Finding) -> list[tuple[str, str]]:
    fields = [("resource", finding.resource or "-"), ("message", finding.message)]
    fields.extend(("evidence", item) for item in finding.evidence)
    fields.extend(("related", str(loc)) for loc in finding.related)
    if finding.suppression is not None:
        fields.append(("suppressed", finding.suppression.reason or "(no reason)"))
    fields.append(("why", shorten(finding.rule.rationale, WHY_LIMIT)))
    fields.append(("fix", finding.fix or finding.rule.remediation))
    return fields


def _indented(text: Text, columns: int) -> Padding:
    # expand=False: no trailing spaces up to the console width
    return Padding(text, (0, 0, 0, columns), expand=False)


def _visible(value: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def _field(label: str, value: str) -> Text:
    text = Text()
    text.append(f"{label}: ", style="dim")
    text.append(_visible(value))
    return text


def _print_inconclusive(console: Console, items: tuple[InconclusiveResult, ...]) -> None:
    console.print(Text(f"INCONCLUSIVE ({len(items)})", style="bold magenta"))
    console.print()
    for item in items:
        line = Text()
        line.append(_visible(str(item.location)), style="bold")
        line.append(_visible(f"  {item.rule_id} {item.resource or '-'}: {item.reason}"))
        console.print(_indented(line, 2))
    console.print()


def _summary(result: ScanResult) -> Text:
    """Counts of the whole scan: suppressed findings are counted even when not listed."""
    counts = severity_counts(result.active)
    per_severity = ", ".join(f"{n} {severity.label}" for severity, n in counts.items())
    files = len(result.files)
    summary = Text(style="bold")
    active = len(result.active)
    summary.append(f"{active} finding{'' if active == 1 else 's'} ({per_severity}); ")
    summary.append(f"{len(result.suppressed)} suppressed; ")
    summary.append(f"{len(result.inconclusive)} inconclusive; ")
    summary.append(f"{files} file{'' if files == 1 else 's'} scanned")
    return summary
