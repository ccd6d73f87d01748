"""Rule pages in Markdown, one text for docs/rules/*.md, `faasguard rules ID` and SARIF help."""

from __future__ import annotations

import re
from collections.abc import Iterable

from faasguard.model import RuleInfo

_CWE = re.compile(r"^CWE-(\d+)\b")
_NONE_KNOWN = "None known."


def render_markdown(info: RuleInfo) -> str:
    """One rule page with fixed sections, in the same order for every rule (like ruff's)."""
    sections = [
        f"# {info.id}: {info.name}",
        _metadata_line(info),
        _section("What it does", info.title.rstrip(".") + "."),
        _section("Why is this bad?", info.rationale or _NONE_KNOWN),
        _section("Example", _yaml_block(info.example) or "No example."),
        _section("Use instead", _use_instead(info)),
        _section("Known limitations", info.limitations or _NONE_KNOWN),
        _section("References", _bullets(_reference(r) for r in info.references) or "None."),
        _section("Equivalent checks in other tools", _equivalents_table(info.equivalents)),
    ]
    return "\n\n".join(sections) + "\n"


def render_index(infos: Iterable[RuleInfo]) -> str:
    """The table of all rules for docs/rules/README.md, sorted by id."""
    rows = [
        "| ID | Name | Pillar | Default severity | What it does |",
        "|---|---|---|---|---|",
    ]
    ordered = sorted(infos, key=lambda i: i.id)
    for info in ordered:
        cells = (
            f"[{info.id}]({info.id}.md)",
            f"`{info.name}`",
            info.pillar.value,
            info.severity.label,
            _table_cell(info.title),
        )
        rows.append("| " + " | ".join(cells) + " |")
    intro = (
        "# Rules\n\n"
        "Generated from the rule metadata by `faasguard rules --write-docs`; "
        "do not edit by hand.\n\n"
        f"{len(ordered)} rules."
    )
    return intro + "\n\n" + "\n".join(rows) + "\n"


def _metadata_line(info: RuleInfo) -> str:
    frameworks = ", ".join(f.value for f in info.frameworks) or "none"
    return (
        f"**Pillar:** {info.pillar.value} · **Default severity:** {info.severity.label} · "
        f"**Frameworks:** {frameworks} · **Since:** {info.since}"
    )


def _section(heading: str, body: str) -> str:
    return f"## {heading}\n\n{body.strip()}"


def _yaml_block(snippet: str) -> str:
    if not snippet.strip():
        return ""
    # A fence longer than any backtick run inside keeps the snippet intact.
    longest = max((len(run) for run in re.findall(r"`+", snippet)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}yaml\n{snippet.rstrip()}\n{fence}"


def _use_instead(info: RuleInfo) -> str:
    parts = [info.remediation.strip()] if info.remediation.strip() else []
    block = _yaml_block(info.fixed_example)
    if block:
        parts.append(block)
    return "\n\n".join(parts) or "No remediation given."


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _reference(text: str) -> str:
    """Link CWE entries to MITRE; other references are names of documents, kept as written."""
    if text.startswith(("http://", "https://")):
        return f"<{text}>"
    match = _CWE.match(text)
    if match:
        return f"[{text}](https://cwe.mitre.org/data/definitions/{match.group(1)}.html)"
    return text


def _equivalents_table(equivalents: tuple[str, ...]) -> str:
    if not equivalents:
        return "None known."
    rows = ["| Tool | Check |", "|---|---|"]
    for entry in equivalents:
        tool, _, check = entry.partition(":")
        if not check:  # no "tool:" prefix: the whole entry is the check id
            tool, check = "", entry
        rows.append(f"| {_table_cell(tool)} | `{check}` |")
    return "\n".join(rows)


def _table_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
