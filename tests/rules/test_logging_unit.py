"""Logging rules on hand-built models, following the serverless-rules pass/fail semantics."""

from __future__ import annotations

from datetime import date

from faasguard.model import (
    Api,
    App,
    Channel,
    EventRule,
    EventSource,
    EventSourceMapping,
    Framework,
    Function,
    Inconclusive,
    Location,
    LogGroup,
    Permission,
    Ref,
    Rule,
    RuleContext,
    RuleResult,
    RuleTarget,
    StateMachine,
    Subscription,
    Trail,
    Violation,
)
from faasguard.rules import logging as log
from faasguard.rules.logging_apis import (
    api_data_trace_on,
    api_without_access_logs,
    graphql_api_without_tracing,
    rest_api_without_execution_logs,
    rest_api_without_tracing,
)
from faasguard.rules.logging_audit import (
    state_machine_without_logging,
    state_machine_without_tracing,
    trail_weak,
)
from faasguard.rules.logging_failures import (
    async_function_without_failure_destination,
    event_source_mapping_without_failure_destination,
    eventbridge_target_without_dlq,
    queue_without_dlq,
    subscription_without_dlq,
)
from faasguard.rules.logging_functions import (
    function_log_retention,
    function_without_tracing,
    log_group_without_retention,
)

CTX = RuleContext(today=date(2026, 11, 28))


def loc(line: int) -> Location:
    return Location(file="template.yaml", line=line)


def app(**parts: object) -> App:
    return App(
        name="t", root=".", source="template.yaml", framework=Framework.CLOUDFORMATION, **parts
    )  # type: ignore[arg-type]


def run(rule: Rule, model: App) -> list[RuleResult]:
    return list(rule.check(model, CTX))


def fired(rule: Rule, model: App) -> list[tuple[str, str, int]]:
    return [(type(r).__name__, r.resource, r.location.line) for r in run(rule, model)]


def fn(ident: str = "Fn", **fields: object) -> Function:
    return Function(id=ident, type="AWS::Lambda::Function", location=loc(3), **fields)  # type: ignore[arg-type]


def group(name: str | Ref | None, retention: int | None = 7, ident: str = "Logs") -> LogGroup:
    return LogGroup(
        id=ident, type="AWS::Logs::LogGroup", location=loc(20), name=name, retention_days=retention
    )


def test_log001_only_active_passes() -> None:
    model = app(
        functions=(
            fn("Active", tracing="Active"),
            fn("Pass", tracing="PassThrough"),
            fn("Unset"),
            fn("Param", tracing=Ref(text="!Ref Mode")),
        )
    )
    assert fired(function_without_tracing, model) == [
        ("Violation", "Pass", 3),
        ("Violation", "Unset", 3),
        ("Inconclusive", "Param", 3),
    ]


def test_log002_matches_the_ws1004_passing_shapes() -> None:
    literal = (fn(name="my_function_name"), group("/aws/lambda/my_function_name"))
    sub = (fn(), group(Ref(text="/aws/lambda/${Fn}", target="Fn")))
    sub_vars = (fn(), group(Ref(text="/aws/lambda/${Name}", target="Fn")))
    configured = (fn(log_group=Ref(text="!Ref Logs", target="Logs")), group("custom"))
    for function, log_group in (literal, sub, sub_vars, configured):
        model = app(functions=(function,), log_groups=(log_group,))
        assert run(function_log_retention, model) == [], log_group


def test_log002_fails_without_group_or_without_retention() -> None:
    missing = app(functions=(fn(),))
    no_retention = app(
        functions=(fn(),), log_groups=(group(Ref(text="/aws/lambda/${Fn}", target="Fn"), None),)
    )
    other_function = app(
        functions=(fn(),), log_groups=(group(Ref(text="/aws/lambda/${Other}", target="Other")),)
    )
    for model in (missing, no_retention, other_function):
        assert fired(function_log_retention, model) == [("Violation", "Fn", 3)]


def test_log002_external_configured_group_is_inconclusive() -> None:
    model = app(functions=(fn(log_group="/shared/logs"),))
    results = run(function_log_retention, model)
    assert len(results) == 1 and isinstance(results[0], Inconclusive)


def test_log016_skips_groups_that_log002_reports() -> None:
    function_group = group(Ref(text="/aws/lambda/${Fn}", target="Fn"), None, "FnLogs")
    other = group("/app/audit", None, "Audit")
    kept = group("/app/kept", 30, "Kept")
    model = app(functions=(fn(),), log_groups=(function_group, other, kept))
    assert fired(log_group_without_retention, model) == [("Violation", "Audit", 20)]


def test_log006_async_events_and_permissions_need_a_failure_destination() -> None:
    s3 = EventSource(id="Upload", kind="S3", function="A", location=loc(8))
    api = EventSource(id="Get", kind="Api", function="B", location=loc(8), invocation="sync")
    sqs = EventSource(id="Jobs", kind="SQS", function="C", location=loc(8), invocation="poll")
    permission = Permission(
        id="DPerm",
        type="AWS::Lambda::Permission",
        location=loc(30),
        function=Ref(text="!Ref D", target="D"),
        principal="sns.amazonaws.com",
    )
    model = app(
        functions=(
            fn("A", events=(s3,)),
            fn("B", events=(api,)),
            fn("C", events=(sqs,)),
            fn("D"),
            fn("E", events=(s3,), dead_letter_target="Dlq"),
            fn("F", events=(s3,), on_failure_destination="Dlq"),
        ),
        permissions=(permission,),
    )
    assert fired(async_function_without_failure_destination, model) == [
        ("Violation", "A", 3),
        ("Violation", "D", 3),
    ]


def test_log007_streams_need_on_failure_sqs_does_not() -> None:
    def mapping(ident: str, source: str | Ref, on_failure: str | None = None) -> EventSourceMapping:
        return EventSourceMapping(
            id=ident,
            type="m",
            location=loc(40),
            function="Fn",
            source=source,
            on_failure=on_failure,
        )

    model = app(
        resource_types=(("Clicks", "AWS::Kinesis::Stream"), ("Jobs", "AWS::SQS::Queue")),
        event_source_mappings=(
            mapping("Kin", Ref(text="!GetAtt Clicks.Arn", target="Clicks", attribute="Arn")),
            mapping("Ddb", "arn:aws:dynamodb:us-east-1:111122223333:table/t/stream/s"),
            mapping("Sqs", "Jobs"),
            mapping("Done", "Clicks", on_failure="Dlq"),
            mapping("Param", Ref(text="!Ref SourceArn")),
        ),
    )
    assert fired(event_source_mapping_without_failure_destination, model) == [
        ("Violation", "Kin", 40),
        ("Violation", "Ddb", 40),
        ("Inconclusive", "Param", 40),
    ]


def test_log008_a_dead_letter_queue_itself_is_not_reported() -> None:
    main = Channel(
        id="Queue",
        type="q",
        location=loc(3),
        kind="queue",
        dead_letter_target=Ref(text='{"deadLetterTargetArn": "${DLQ}"}', target="DLQ"),
    )
    dlq = Channel(id="DLQ", type="q", location=loc(9), kind="queue")
    lonely = Channel(id="Lonely", type="q", location=loc(12), kind="queue")
    model = app(channels=(main, dlq, lonely))
    assert fired(queue_without_dlq, model) == [("Violation", "Lonely", 12)]


def test_log009_and_log010_report_each_missing_dlq() -> None:
    subs = (
        Subscription(id="S", type="s", location=loc(3), topic="T", protocol="https"),
        Subscription(
            id="Ok",
            type="s",
            location=loc(3),
            topic="T",
            protocol="https",
            dead_letter_target="arn:aws:sqs:us-east-1:1:dlq",
        ),
    )
    assert fired(subscription_without_dlq, app(subscriptions=subs)) == [("Violation", "S", 3)]
    targets = (
        RuleTarget(id="Lambda1", arn="arn:1", location=loc(12)),
        RuleTarget(id="Lambda2", arn="arn:2", location=loc(14), dead_letter_target="q"),
        RuleTarget(id="Lambda3", arn="arn:3", location=loc(18)),
    )
    rule = EventRule(id="Rule", type="r", location=loc(3), targets=targets)
    results = run(eventbridge_target_without_dlq, app(event_rules=(rule,)))
    assert [(r.location.line, r.key) for r in results if isinstance(r, Violation)] == [
        (12, "Lambda1"),
        (18, "Lambda3"),
    ]


def test_api_rules_respect_protocols() -> None:
    rest = Api(id="Rest", type="t", location=loc(3), protocol="REST")
    http = Api(id="Http", type="t", location=loc(9), protocol="HTTP")
    graph = Api(id="Graph", type="t", location=loc(15), protocol="GRAPHQL")
    logged = Api(
        id="Logged",
        type="t",
        location=loc(20),
        protocol="REST",
        tracing=True,
        access_log_destination="arn:logs",
        execution_logging="ERROR",
        data_trace=True,
    )
    model = app(apis=(rest, http, graph, logged))
    assert fired(api_without_access_logs, model) == [
        ("Violation", "Rest", 3),
        ("Violation", "Http", 9),
    ]
    assert fired(rest_api_without_tracing, model) == [("Violation", "Rest", 3)]
    assert fired(rest_api_without_execution_logs, model) == [("Violation", "Rest", 3)]
    assert fired(graphql_api_without_tracing, model) == [("Violation", "Graph", 15)]
    assert fired(api_data_trace_on, model) == [("Violation", "Logged", 20)]


def test_state_machine_rules() -> None:
    bare = StateMachine(id="Bare", type="s", location=loc(3))
    good = StateMachine(id="Good", type="s", location=loc(3), tracing=True, logging_level="ERROR")
    off = StateMachine(id="Off", type="s", location=loc(3), tracing=False, logging_level="OFF")
    model = app(state_machines=(bare, good, off))
    assert [r[1] for r in fired(state_machine_without_tracing, model)] == ["Bare", "Off"]
    assert [r[1] for r in fired(state_machine_without_logging, model)] == ["Bare", "Off"]


def test_log014_lists_every_weakness_in_one_finding() -> None:
    weak = Trail(id="Weak", type="t", location=loc(3), multi_region=True)
    strong = Trail(
        id="Strong",
        type="t",
        location=loc(3),
        multi_region=True,
        log_file_validation=True,
        kms_key="K",
    )
    unknown = Trail(
        id="Param",
        type="t",
        location=loc(3),
        multi_region=Ref(text="!Ref M"),
        log_file_validation=True,
        kms_key="K",
    )
    results = run(trail_weak, app(trails=(weak, strong, unknown)))
    assert [(type(r).__name__, r.resource) for r in results] == [
        ("Violation", "Weak"),
        ("Inconclusive", "Param"),
    ]
    first = results[0]
    assert isinstance(first, Violation)
    assert first.evidence == (
        "EnableLogFileValidation: absent (false)",
        "KMSKeyId: absent (SSE-S3 only)",
    )


def test_rule_ids_are_in_order_and_in_range() -> None:
    ids = [r.info.id for r in log.RULES]
    assert ids == sorted(ids) == [f"LOG{n:03d}" for n in range(1, 18)]
