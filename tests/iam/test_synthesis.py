"""Minimal policy synthesis: needs from calls and platform, grouped into sorted statements.

Expected actions are IAM facts checked by hand in the AWS Service Authorization Reference
(PutItem -> dynamodb:PutItem; SQS event source mappings need ReceiveMessage, DeleteMessage and
GetQueueAttributes; Lambda logs need CreateLogGroup, CreateLogStream, PutLogEvents).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lp_apps import app, call, env, function, loc, ref, sqs_event

from faasguard.iam.managed_docs import managed_policy
from faasguard.iam.platform import LOGS, POLL, VPC, XRAY
from faasguard.iam.synthesis import function_needs, minimal_policy
from faasguard.model import ResourceArg, VpcConfig

TABLE_ENV = (("TABLE", ref("Orders")),)
LOG_ARN = (
    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Fn}:*"
)


def test_actions_on_the_same_resource_share_one_statement_with_their_call_sites() -> None:
    calls = (
        call("dynamodb", "PutItem", 9, env("TableName", "TABLE")),
        call("dynamodb", "GetItem", 4, env("TableName", "TABLE")),
    )
    fn = function(calls, TABLE_ENV)
    code = [s for s in minimal_policy(app((fn,)), fn).statements if not s.platform]
    assert len(code) == 1
    assert code[0].actions == ("dynamodb:GetItem", "dynamodb:PutItem")
    assert code[0].resources == ("${Orders.Arn}",)
    assert [s.line for s in code[0].sites] == [4, 9]


def test_the_function_always_needs_its_log_group() -> None:
    fn = function()
    logs = [s for s in minimal_policy(app((fn,)), fn).statements if s.platform == "logs"]
    assert [(s.actions, s.resources) for s in logs] == [
        (("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"), (LOG_ARN,))
    ]
    assert not logs[0].sam_adds
    generated = minimal_policy(app((fn,), generated=True), fn).statements
    assert all(s.sam_adds for s in generated if s.platform == "logs")


def test_sqs_event_source_needs_the_poll_actions_on_its_queue() -> None:
    fn = function(events=(sqs_event(),))
    polls = [s for s in minimal_policy(app((fn,)), fn).statements if s.platform == "events"]
    assert [(s.actions, s.resources) for s in polls] == [
        (("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"), ("${Jobs.Arn}",))
    ]


def test_vpc_and_active_tracing_add_their_platform_actions_on_star() -> None:
    fn = function(vpc=VpcConfig(subnets=("s",), location=loc(50)), tracing="Active")
    by_platform = {s.platform: s for s in minimal_policy(app((fn,)), fn).statements}
    assert "ec2:CreateNetworkInterface" in by_platform["vpc"].actions
    assert by_platform["vpc"].resources == ("*",)
    assert by_platform["xray"].actions == ("xray:PutTelemetryRecords", "xray:PutTraceSegments")


def test_dead_letter_queue_needs_send_message() -> None:
    fn = function(dead_letter_target="Jobs")
    found = [s for s in minimal_policy(app((fn,)), fn).statements if s.platform == "delivery"]
    assert [(s.actions, s.resources) for s in found] == [(("sqs:SendMessage",), ("${Jobs.Arn}",))]


def test_unresolvable_call_is_listed_never_turned_into_star() -> None:
    dynamic = call(None, None, 7, note="operation from getattr with a computed name")
    fn = function((dynamic,))
    policy = minimal_policy(app((fn,)), fn)
    assert not policy.needs.complete
    assert [u.call.location.line for u in policy.needs.unresolved] == [7]
    assert "getattr" in policy.needs.unresolved[0].reason
    assert all(s.platform != "" for s in policy.statements)  # no code statement at all


def test_operation_unknown_to_botocore_is_unresolved() -> None:
    fn = function((call("s3", "FlyToTheMoon", 3),))
    needs = function_needs(app((fn,)), fn)
    assert [u.call.operation for u in needs.unresolved] == ["FlyToTheMoon"]
    assert not needs.complete


def test_call_that_needs_no_permission_adds_nothing() -> None:
    fn = function((call("sts", "GetCallerIdentity", 3),))
    needs = function_needs(app((fn,)), fn)
    assert needs.complete
    assert all(n.platform for n in needs.needs)


def test_function_without_code_is_incomplete() -> None:
    fn = function(code=False)
    needs = function_needs(app((fn,)), fn)
    assert not needs.complete
    assert "no local code" in needs.notes[0]


def test_kms_decrypt_is_needed_only_for_a_cmk_encrypted_bucket() -> None:
    get = call("s3", "GetObject", 5, env("Bucket", "B"), ResourceArg(param="Key", literal="a.txt"))
    fn = function((get,), (("B", ref("Receipts")),))
    plain_bucket = function_needs(app((fn,)), fn)
    assert "kms:Decrypt" not in {n.action for n in plain_bucket.needs}
    assert "kms:Decrypt" in {n.action for n in plain_bucket.optional}
    encrypted = function_needs(app((fn,), kms_bucket=True), fn)
    kms = [n for n in encrypted.needs if n.action == "kms:Decrypt"]
    assert [(n.resource.arn, n.conditional) for n in kms] == [("${TableKey.Arn}", True)]
    s3 = [n for n in encrypted.needs if n.action == "s3:GetObject"]
    assert [n.resource.arn for n in s3] == ["${Receipts.Arn}/a.txt"]


def test_statements_do_not_depend_on_call_order() -> None:
    a = call("dynamodb", "PutItem", 9, env("TableName", "TABLE"))
    b = call("sqs", "SendMessage", 4, env("QueueUrl", "Q"))
    environment = (*TABLE_ENV, ("Q", ref("Jobs")))
    one, two = function((a, b), environment), function((b, a), environment)
    assert (
        minimal_policy(app((one,)), one).statements == minimal_policy(app((two,)), two).statements
    )


_SERVICES = st.sampled_from([None, "s3", "dynamodb", "sqs", "sns", "lambda", "sts", "nosuchsvc"])
_OPERATIONS = st.sampled_from(
    [
        None,
        "GetObject",
        "PutItem",
        "Query",
        "SendMessage",
        "Publish",
        "Invoke",
        "GetCallerIdentity",
        "Nope",
    ]
)
_ARGS = st.lists(
    st.builds(
        ResourceArg,
        param=st.sampled_from(
            ["Bucket", "Key", "TableName", "IndexName", "QueueUrl", "TopicArn", "FunctionName"]
        ),
        literal=st.none() | st.text(max_size=30),
        env_var=st.none() | st.sampled_from(["TABLE", "NOPE"]),
        template=st.none() | st.text(max_size=20),
    ),
    max_size=3,
)


@given(st.lists(st.tuples(_SERVICES, _OPERATIONS, _ARGS), max_size=5))
def test_any_calls_give_a_policy_or_an_unresolved_list_never_a_crash(
    calls: list[tuple[str | None, str | None, list[ResourceArg]]],
) -> None:
    made = tuple(call(s, o, i + 1, *args) for i, (s, o, args) in enumerate(calls))
    fn = function(made, TABLE_ENV)
    policy = minimal_policy(app((fn,)), fn)
    known = {c.location for c in made}
    needed = {site for s in policy.statements for site in s.sites}
    unresolved = {u.call.location for u in policy.needs.unresolved}
    # every call either contributes statements, is listed as unresolved, or needs nothing
    for c in made:
        if c.service is None or c.operation is None:
            assert c.location in unresolved
    assert unresolved <= known
    assert all(site in known or site.file == "app/template.yaml" for site in needed)


@pytest.mark.parametrize(
    ("policy", "actions"),
    [
        ("AWSLambdaBasicExecutionRole", LOGS),
        ("AWSLambdaVPCAccessExecutionRole", VPC),
        ("AWSLambdaSQSQueueExecutionRole", POLL["SQS"][0]),
        ("AWSLambdaKinesisExecutionRole", (*POLL["Kinesis"][0], *POLL["Kinesis"][1])),
        ("AWSLambdaDynamoDBExecutionRole", (*POLL["DynamoDB"][0], *POLL["DynamoDB"][1])),
        ("AWSXrayWriteOnlyAccess", XRAY),
    ],
)
def test_platform_lists_match_the_managed_policies_they_mirror(
    policy: str, actions: tuple[str, ...]
) -> None:
    found = managed_policy(policy)
    assert found is not None
    granted = {a for s in found[0] for a in s.actions if isinstance(a, str)}
    assert set(actions) <= granted
    if policy != "AWSXrayWriteOnlyAccess":  # X-Ray: only the two calls the runtime makes
        assert {a for a in granted if not a.startswith("logs:")} <= set(actions) | set(LOGS)
