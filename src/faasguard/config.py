"""User configuration: `.faasguard.yml` or `[tool.faasguard]`, inline suppressions, baselines."""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from faasguard.loaders.yamljson import LoadError, YList, YMap, load_file
from faasguard.model import Finding, Location, Severity

CONFIG_NAMES = (".faasguard.yml", ".faasguard.yaml")
BASELINE_SCHEMA_VERSION = 1
_RULE_ID = re.compile(r"^(?:[A-Z][A-Z0-9]*-)?[A-Z]+[0-9]{0,3}$")
#: ``# faasguard:ignore[IAM001, API003] reason`` (also after ``//`` in JSON-ish or code files)
_INLINE = re.compile(r"(?:#|//)\s*faasguard:ignore\[([^\]]*)\]\s*(.*)$")


class ConfigError(Exception):
    """Invalid configuration; the CLI exits with code 2 and shows where."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(f"{location}: {message}" if location else message)


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    severity: tuple[tuple[str, Severity], ...] = ()
    exclude: tuple[str, ...] = ()
    fail_on: Severity | None = None
    source: str | None = None
    #: ``logs: deploy_principals:`` ARN glob patterns allowed to change functions (faasguard logs)
    deploy_principals: tuple[str, ...] = ()
    #: ``advisories: max_age_days:`` an offline advisory database older than this is DEP004
    advisories_max_age_days: int | None = None


_KEYS = {"select", "ignore", "severity", "exclude", "fail-on", "logs", "advisories"}


def _advisories_max_age(value: object, where: Location | None) -> int | None:
    """``advisories: {max_age_days: N}``; unknown keys under ``advisories`` are errors."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or set(value) - {"max_age_days"}:
        raise ConfigError("'advisories' must be a mapping with the key 'max_age_days'", where)
    days = value.get("max_age_days")
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ConfigError("'advisories.max_age_days' must be a whole number of days", where)
    return days


def _deploy_principals(value: object, where: Location | None) -> tuple[str, ...]:
    """``logs: {deploy_principals: [ARN glob, ...]}``; unknown keys under ``logs`` are errors."""
    if value is None:
        return ()
    if not isinstance(value, Mapping) or set(value) - {"deploy_principals"}:
        raise ConfigError("'logs' must be a mapping with the key 'deploy_principals'", where)
    principals = value.get("deploy_principals", [])
    if not isinstance(principals, list) or not all(isinstance(v, str) for v in principals):
        raise ConfigError("'logs.deploy_principals' must be a list of ARN glob patterns", where)
    return tuple(principals)


def _rule_ids(value: object, where: Location | None, key: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of rule ids or prefixes", where)
    bad = [v for v in value if not _RULE_ID.match(v)]
    if bad:
        raise ConfigError(f"'{key}': not a rule id or prefix: {', '.join(bad)}", where)
    return frozenset(value)


def parse_config(
    data: Mapping[str, object], source: str, locate: Mapping[str, Location] | None = None
) -> Config:
    """Validate a configuration mapping (from YAML or TOML); unknown keys are errors."""
    loc = dict(locate or {})
    for key in data:
        if key not in _KEYS:
            raise ConfigError(
                f"unknown configuration key {key!r} (known: {', '.join(sorted(_KEYS))})",
                loc.get(key, Location(file=source)),
            )
    select = _rule_ids(data.get("select", []), loc.get("select"), "select")
    ignore = _rule_ids(data.get("ignore", []), loc.get("ignore"), "ignore")
    severity_raw = data.get("severity", {})
    if not isinstance(severity_raw, Mapping):
        raise ConfigError("'severity' must map rule ids to severities", loc.get("severity"))
    severity: list[tuple[str, Severity]] = []
    for rule_id, level in sorted(severity_raw.items()):
        try:
            severity.append((str(rule_id), Severity.parse(str(level))))
        except ValueError as exc:
            raise ConfigError(f"'severity.{rule_id}': {exc}", loc.get("severity")) from None
    exclude = data.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(v, str) for v in exclude):
        raise ConfigError("'exclude' must be a list of glob patterns", loc.get("exclude"))
    fail_on_raw = data.get("fail-on")
    try:
        fail_on = Severity.parse(str(fail_on_raw)) if fail_on_raw is not None else None
    except ValueError as exc:
        raise ConfigError(f"'fail-on': {exc}", loc.get("fail-on")) from None
    return Config(
        select=select,
        ignore=ignore,
        severity=tuple(severity),
        exclude=tuple(exclude),
        fail_on=fail_on,
        source=source,
        deploy_principals=_deploy_principals(data.get("logs"), loc.get("logs")),
        advisories_max_age_days=_advisories_max_age(data.get("advisories"), loc.get("advisories")),
    )


def _plain(node: object) -> object:
    if isinstance(node, YMap):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, YList):
        return [_plain(v) for v in node]
    return node


def load_config(path: str | Path) -> Config:
    """Read `.faasguard.yml` or a pyproject.toml's `[tool.faasguard]` table."""
    text_path = str(path)
    if text_path.endswith(".toml"):
        try:
            with open(text_path, "rb") as handle:
                table = tomllib.load(handle).get("tool", {}).get("faasguard", {})
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {text_path}: {exc}") from None
        return parse_config(table, text_path)
    try:
        doc = load_file(text_path, text_path)
    except LoadError as exc:
        raise ConfigError(exc.message, exc.location) from None
    if doc.root is None:
        return Config(source=text_path)
    if not isinstance(doc.root, YMap):
        raise ConfigError("configuration must be a mapping", Location(file=text_path, line=1))
    data = _plain(doc.root)
    assert isinstance(data, dict)
    return parse_config(data, text_path, doc.root.key_locs)


def _has_tool_table(pyproject: str) -> bool:
    try:
        with open(pyproject, "rb") as handle:
            return "faasguard" in tomllib.load(handle).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False


def find_config(start: str | Path) -> str | None:
    """The nearest configuration file from ``start`` upwards, stopping at a repository root."""
    current = Path(start).resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return str(candidate)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(str(pyproject)):
            return str(pyproject)
        if (directory / ".git").exists():
            return None
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class InlineIgnore:
    rules: frozenset[str]
    reason: str
    line: int


def inline_ignores(text: str) -> dict[int, InlineIgnore]:
    """``# faasguard:ignore[RULE, ...] reason`` comments by 1-based line."""
    result: dict[int, InlineIgnore] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _INLINE.search(line)
        if match:
            rules = frozenset(r.strip() for r in match.group(1).split(",") if r.strip())
            result[number] = InlineIgnore(rules=rules, reason=match.group(2).strip(), line=number)
    return result


def read_baseline(path: str | Path) -> frozenset[str]:
    """Fingerprints recorded by ``--write-baseline``."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read baseline {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("schema_version") != BASELINE_SCHEMA_VERSION:
        raise ConfigError(
            f"{path}: not a faasguard baseline (schema_version {BASELINE_SCHEMA_VERSION} expected)"
        )
    entries = data.get("findings", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'findings' must be a list")
    return frozenset(
        str(e["fingerprint"]) for e in entries if isinstance(e, dict) and "fingerprint" in e
    )


def render_baseline(findings: Iterable[Finding]) -> str:
    """A baseline keyed on line-independent fingerprints (a moved line stays baselined)."""
    entries = sorted(
        {
            (f.fingerprint, f.rule.id, f.location.file, f.resource)
            for f in findings
            if f.rule.id not in ("FG003", "FG004")
        }
    )
    data = {
        "schema_version": BASELINE_SCHEMA_VERSION,
        "findings": [
            {"fingerprint": fp, "rule": rule, "file": file, "resource": resource}
            for fp, rule, file, resource in entries
        ],
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def matches(rule_id: str, patterns: Iterable[str]) -> bool:
    """A rule id matches an exact id or a prefix (``IAM`` selects every IAM rule)."""
    return any(rule_id.startswith(p) for p in patterns)


def config_path_for(paths: Iterable[str | Path]) -> str | None:
    for path in paths:
        found = find_config(os.path.abspath(str(path)))
        if found:
            return found
    return None
