"""The engine over hand-built apps and rules: suppression, crashes, severity, order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from faasguard.config import InlineIgnore
from faasguard.engine import EngineSettings, deduplicate, evaluate, fingerprint, select_rules
from faasguard.model import (
    App,
    Framework,
    Function,
    Ignore,
    Inconclusive,
    Location,
    Pillar,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    SuppressionKind,
    Violation,
)

CTX = RuleContext(today=date(2026, 11, 28))


def info(rule_id: str, severity: Severity = Severity.HIGH) -> RuleInfo:
    return RuleInfo(
        id=rule_id,
        name=f"n-{rule_id.lower()}",
        title="t",
        pillar=Pillar.HARDENING,
        severity=severity,
        rationale="r",
        remediation="m",
    )


def loc(line: int) -> Location:
    return Location(file="t.yaml", line=line, column=3)


def app(*functions: Function) -> App:
    return App(name="a", root="/", source="t.yaml", framework=Framework.SAM, functions=functions)


def every_function(rule_id: str, line_of: int = 0) -> Rule:
    def check(a: App, ctx: RuleContext) -> Iterator[RuleResult]:
        for f in a.functions:
            yield Violation(
                resource=f.id,
                location=loc(line_of or f.location.line + 1),
                message=f"{f.id} is bad",
                key="k",
            )

    return Rule(info=info(rule_id), check=check)


def fn(ident: str, line: int, ignores: tuple[Ignore, ...] = ()) -> Function:
    return Function(id=ident, type="AWS::Serverless::Function", location=loc(line), ignores=ignores)


def test_metadata_suppression_needs_the_rule_and_marks_the_finding() -> None:
    ignore = Ignore(rule="FN901", reason="accepted risk", location=loc(4))
    outcome = evaluate(
        app(fn("A", 2, (ignore,)), fn("B", 10)),
        [every_function("FN901")],
        EngineSettings(context=CTX),
    )
    by_resource = {f.resource: f for f in outcome.findings}
    suppression = by_resource["A"].suppression
    assert suppression is not None and suppression.kind is SuppressionKind.METADATA
    assert suppression.reason == "accepted risk"
    assert by_resource["B"].suppression is None


def test_inline_comment_on_offending_line_or_resource_line() -> None:
    comments = {
        3: InlineIgnore(rules=frozenset({"FN901"}), reason="why", line=3),  # A's key line
        10: InlineIgnore(rules=frozenset({"FN901"}), reason="why", line=10),  # B's first line
        20: InlineIgnore(rules=frozenset({"FN999"}), reason="why", line=20),  # other rule
    }
    settings = EngineSettings(context=CTX, inline={"t.yaml": comments})
    outcome = evaluate(
        app(fn("A", 2), fn("B", 10), fn("C", 19)), [every_function("FN901")], settings
    )
    state = {f.resource: f.suppressed for f in outcome.findings}
    assert state == {"A": True, "B": True, "C": False}


def test_inline_comment_without_reason_does_not_suppress() -> None:
    comments = {3: InlineIgnore(rules=frozenset({"FN901"}), reason="", line=3)}
    outcome = evaluate(
        app(fn("A", 2)),
        [every_function("FN901")],
        EngineSettings(context=CTX, inline={"t.yaml": comments}),
    )
    assert [f.suppressed for f in outcome.findings] == [False]


def test_baseline_suppresses_by_line_independent_fingerprint() -> None:
    first = evaluate(app(fn("A", 2)), [every_function("FN901")], EngineSettings(context=CTX))
    moved = evaluate(
        app(fn("A", 40)),
        [every_function("FN901")],
        EngineSettings(context=CTX, baseline=frozenset({first.findings[0].fingerprint})),
    )
    assert moved.findings[0].location.line == 41
    suppression = moved.findings[0].suppression
    assert suppression is not None and suppression.kind is SuppressionKind.BASELINE
    assert fingerprint("X1", "a", "r", "k") != fingerprint("X1", "b", "r", "k")


def test_crashing_rule_becomes_fg003_and_others_still_run() -> None:
    def boom(a: App, ctx: RuleContext) -> Iterator[RuleResult]:
        raise KeyError("nope")
        yield  # pragma: no cover

    outcome = evaluate(
        app(fn("A", 2)),
        [Rule(info=info("FN900"), check=boom), every_function("FN901")],
        EngineSettings(context=CTX),
    )
    ids = sorted(f.rule.id for f in outcome.findings)
    assert ids == ["FG003", "FN901"]
    crash = next(f for f in outcome.findings if f.rule.id == "FG003")
    assert "FN900" in crash.message and "KeyError" in crash.message


def test_inconclusive_results_are_collected_not_reported() -> None:
    def unsure(a: App, ctx: RuleContext) -> Iterator[RuleResult]:
        yield Inconclusive(resource="A", location=loc(5), reason="runtime is !Ref Runtime")

    outcome = evaluate(
        app(fn("A", 2)), [Rule(info=info("FN902"), check=unsure)], EngineSettings(context=CTX)
    )
    assert outcome.findings == []
    assert [(i.rule_id, i.reason) for i in outcome.inconclusive] == [
        ("FN902", "runtime is !Ref Runtime")
    ]


def test_severity_override_and_selection() -> None:
    rules = [every_function("FN901"), every_function("API901")]
    chosen = select_rules(rules, select=["FN"], ignore=[])
    assert [r.info.id for r in chosen] == ["FN901"]
    assert select_rules(rules, select=[], ignore=["FN901"])[0].info.id == "API901"
    outcome = evaluate(
        app(fn("A", 2)),
        chosen,
        EngineSettings(context=CTX, severity_overrides={"FN901": Severity.LOW}),
    )
    assert [f.severity for f in outcome.findings] == [Severity.LOW]


def test_findings_sort_by_severity_then_position_and_deduplicate() -> None:
    low = Rule(info=info("FN903", Severity.LOW), check=every_function("FN903").check)
    outcome = evaluate(
        app(fn("B", 9), fn("A", 2)), [low, every_function("FN901")], EngineSettings(context=CTX)
    )
    ordered = deduplicate(outcome.findings + outcome.findings)
    assert [(f.rule.id, f.location.line) for f in ordered] == [
        ("FN901", 3),
        ("FN901", 10),
        ("FN903", 3),
        ("FN903", 10),
    ]


def test_a_violation_can_lower_its_severity_to_info() -> None:
    """INFO is the lowest severity (0): a violation that asks for it must not get the rule's."""

    def check(a: App, ctx: RuleContext) -> Iterator[RuleResult]:
        yield Violation(resource="F", location=loc(3), message="m", severity=Severity.INFO)

    rule = Rule(info=info("X001", Severity.MEDIUM), check=check)
    fn = Function(id="F", type="AWS::Serverless::Function", location=loc(2))
    outcome = evaluate(app(fn), [rule], EngineSettings(context=CTX))
    assert [f.severity for f in outcome.findings] == [Severity.INFO]
