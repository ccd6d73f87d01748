"""LOG017 over hand-built apps: which alarms count as watching a function's errors."""

from __future__ import annotations

from datetime import date

from faasguard.model import Alarm, App, Framework, Function, Location, Ref, RuleContext, Violation
from faasguard.rules.logging_alarms import function_without_error_alarm

CTX = RuleContext(today=date(2026, 11, 28))


def loc(line: int) -> Location:
    return Location(file="t.yaml", line=line)


def alarm(line: int, metric: str, *dims: tuple[str, object]) -> Alarm:
    return Alarm(
        id=f"A{line}",
        type="AWS::CloudWatch::Alarm",
        location=loc(line),
        namespace="AWS/Lambda",
        metric=metric,
        dimensions=dims,
    )  # type: ignore[arg-type]


def flagged(*alarms: Alarm) -> list[str]:
    functions = (
        Function(id="Orders", type="AWS::Lambda::Function", location=loc(1)),
        Function(id="Named", type="AWS::Lambda::Function", location=loc(2), name="named-fn"),
    )
    app = App(
        name="a",
        root="/",
        source="t.yaml",
        framework=Framework.CLOUDFORMATION,
        functions=functions,
        alarms=alarms,
    )
    return [
        r.resource for r in function_without_error_alarm.check(app, CTX) if isinstance(r, Violation)
    ]


def test_no_alarm_flags_every_function() -> None:
    assert flagged() == ["Orders", "Named"]


def test_alarm_by_reference_or_by_name() -> None:
    by_ref = alarm(10, "Errors", ("FunctionName", Ref(text="!Ref Orders", target="Orders")))
    by_name = alarm(11, "Errors", ("FunctionName", "named-fn"))
    assert flagged(by_ref) == ["Named"]
    assert flagged(by_ref, by_name) == []


def test_other_metrics_do_not_count_but_account_wide_errors_do() -> None:
    duration = alarm(10, "Duration", ("FunctionName", Ref(text="!Ref Orders", target="Orders")))
    assert flagged(duration) == ["Orders", "Named"]
    assert flagged(alarm(12, "Errors")) == []
