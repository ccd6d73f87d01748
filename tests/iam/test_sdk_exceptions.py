"""Every curated row of data/iam_sdk_exceptions.yaml, and the research's §7 table of tricky cases.

Expected actions come from AWS's documentation as summarised in
../shared/research/least-privilege.md §2.6 and §7 (read by hand), not from the code's output.
"""

from __future__ import annotations

import re

import pytest

from faasguard.iam import botocore_models as models
from faasguard.iam.iamdb import action_info
from faasguard.iam.sdk_exceptions import (
    CuratedAction,
    CuratedOperation,
    curated_rows,
    exceptions,
    read_exceptions,
)
from faasguard.iam.sdkmap import iam_prefix, required_actions

ROWS = curated_rows()
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


def _row_id(row: CuratedOperation) -> str:
    return f"{row.service}.{row.operation}"


def test_the_file_has_the_rows_the_issue_names() -> None:
    keys = {(r.service, r.operation) for r in ROWS}
    for key in [
        ("s3", "ListObjectsV2"),
        ("s3", "HeadObject"),
        ("s3", "CopyObject"),
        ("s3", "CreateMultipartUpload"),
        ("dynamodb", "ExecuteStatement"),
        ("sts", "GetCallerIdentity"),
        ("sqs", "SendMessageBatch"),
        ("lambda", "Invoke"),
        ("sesv2", "SendEmail"),
    ]:
        assert key in keys
    assert len(ROWS) >= 100


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_row_names_a_botocore_operation(row: CuratedOperation) -> None:
    model = models.service_model(row.service)
    assert model is not None, f"botocore has no service {row.service}"
    assert row.operation in model.operations


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_row_actions_exist_in_the_iam_database(row: CuratedOperation) -> None:
    for item in row.actions:
        info = action_info(item.action)
        if item.undocumented:
            assert info is None, f"{item.action} is documented now: drop 'undocumented'"
        else:
            assert info is not None, f"{item.action} is not in the IAM database"
            assert info.action == item.action, "spell the action as AWS does"


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_row_has_reason_and_source(row: CuratedOperation) -> None:
    assert row.reason.strip() and row.source.strip()
    assert all(item.when for item in row.actions if item.conditional)


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_row_bindings_name_placeholders_and_parameters(row: CuratedOperation) -> None:
    inputs = models.service_model(row.service).operations[row.operation].inputs  # type: ignore[union-attr]
    for item in row.actions:
        placeholders = set(_PLACEHOLDER.findall(item.arn))
        for placeholder, parameter in item.bindings:
            assert placeholder in placeholders
            assert parameter in inputs, f"{row.operation} has no parameter {parameter}"


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_row_is_what_required_actions_answers(row: CuratedOperation) -> None:
    got = required_actions(row.service, row.operation)
    assert [(r.action, r.conditional) for r in got] == [
        (a.action, a.conditional) for a in row.actions
    ]
    assert all(r.certainty == "curated" for r in got)


@pytest.mark.parametrize("override", list(exceptions().prefixes.values()), ids=lambda o: o.service)
def test_prefix_override_beats_the_signing_name(override: object) -> None:
    """Each override must make more of the service's operations match than signingName does."""
    service = override.service  # type: ignore[attr-defined]
    model = models.service_model(service)
    assert model is not None
    ops = [o for o, op in model.operations.items() if not op.unauthenticated]
    by_signing = sum(action_info(f"{model.signing_name}:{o}") is not None for o in ops)
    by_override = sum(action_info(f"{iam_prefix(service)}:{o}") is not None for o in ops)
    assert by_override > by_signing


def test_reader_accepts_an_empty_actions_list_as_no_permission() -> None:
    text = "operations:\n  - {service: sts, operation: X, actions: [], reason: r, source: s}\n"
    row = read_exceptions(text).operations[("sts", "X")]
    assert row.actions == ()
    assert CuratedAction(action="a:b").arn == ""


def _actions(service: str, operation: str, *, conditional: bool = False) -> set[str]:
    return {r.action for r in required_actions(service, operation) if r.conditional == conditional}


def _arns(service: str, operation: str) -> dict[str, str]:
    return {r.action: r.arn_template for r in required_actions(service, operation)}


S3_OBJECT = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
S3_BUCKET = "arn:${Partition}:s3:::${BucketName}"

#: research §7: (row, service, operation, unconditional actions, conditional actions)
SECTION_7 = [
    (1, "s3", "ListObjectsV2", {"s3:ListBucket"}, set()),
    (2, "s3", "HeadObject", {"s3:GetObject"}, {"s3:GetObjectVersion", "kms:Decrypt"}),
    (3, "s3", "CopyObject", {"s3:GetObject", "s3:PutObject"}, None),
    (4, "s3", "CreateMultipartUpload", {"s3:PutObject", "s3:AbortMultipartUpload"}, None),
    (5, "s3", "PutObject", {"s3:PutObject"}, None),
    (6, "s3", "DeleteObjects", {"s3:DeleteObject"}, {"s3:DeleteObjectVersion"}),
    (7, "s3", "GetObject", {"s3:GetObject"}, None),
    (8, "s3", "CreateSession", {"s3express:CreateSession"}, set()),
    (9, "dynamodb", "Query", {"dynamodb:Query"}, None),
    (
        10,
        "dynamodb",
        "TransactWriteItems",
        set(),
        {
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:ConditionCheckItem",
        },
    ),
    (
        11,
        "dynamodb",
        "ExecuteStatement",
        set(),
        {
            "dynamodb:PartiQLSelect",
            "dynamodb:PartiQLInsert",
            "dynamodb:PartiQLUpdate",
            "dynamodb:PartiQLDelete",
        },
    ),
    (12, "dynamodb", "BatchWriteItem", {"dynamodb:BatchWriteItem"}, set()),
    (13, "sqs", "SendMessageBatch", {"sqs:SendMessage"}, {"kms:GenerateDataKey", "kms:Decrypt"}),
    (14, "sns", "PublishBatch", {"sns:Publish"}, None),
    (15, "lambda", "Invoke", {"lambda:InvokeFunction"}, set()),
    (15, "lambda", "InvokeWithResponseStream", {"lambda:InvokeFunction"}, set()),
    (16, "kms", "ReEncrypt", {"kms:ReEncryptFrom", "kms:ReEncryptTo"}, set()),
    (17, "sts", "GetCallerIdentity", set(), set()),
    (17, "sts", "AssumeRole", {"sts:AssumeRole"}, set()),
    (18, "secretsmanager", "GetSecretValue", {"secretsmanager:GetSecretValue"}, {"kms:Decrypt"}),
    (19, "ssm", "GetParametersByPath", {"ssm:GetParametersByPath"}, {"kms:Decrypt"}),
    (20, "cloudwatch", "PutMetricData", {"cloudwatch:PutMetricData"}, set()),
    (21, "bedrock-runtime", "Converse", {"bedrock:InvokeModel"}, set()),
    (21, "bedrock-runtime", "ConverseStream", {"bedrock:InvokeModelWithResponseStream"}, set()),
    (22, "apigatewaymanagementapi", "PostToConnection", {"execute-api:ManageConnections"}, set()),
    (23, "textract", "AnalyzeDocument", {"textract:AnalyzeDocument"}, {"s3:GetObject"}),
    (
        24,
        "rds-data",
        "ExecuteStatement",
        {"rds-data:ExecuteStatement", "secretsmanager:GetSecretValue"},
        set(),
    ),
    # regression anchors named below the table
    (0, "events", "PutEvents", {"events:PutEvents"}, set()),
    (0, "stepfunctions", "StartExecution", {"states:StartExecution"}, set()),
    (0, "stepfunctions", "DescribeExecution", {"states:DescribeExecution"}, set()),
    (0, "cognito-idp", "InitiateAuth", set(), set()),
    (0, "cognito-idp", "AdminInitiateAuth", {"cognito-idp:AdminInitiateAuth"}, set()),
    (0, "iot-data", "Publish", {"iot:Publish"}, set()),
]


@pytest.mark.parametrize(
    ("row", "service", "operation", "needed", "conditional"),
    SECTION_7,
    ids=[f"{r[0]}-{r[1]}.{r[2]}" for r in SECTION_7],
)
def test_section_7_table(
    row: int, service: str, operation: str, needed: set[str], conditional: set[str] | None
) -> None:
    assert _actions(service, operation) == needed
    if conditional is not None:
        assert _actions(service, operation, conditional=True) == conditional


def test_section_7_resource_templates() -> None:
    assert _arns("s3", "ListObjectsV2")["s3:ListBucket"] == S3_BUCKET  # the bucket, not B/*
    assert _arns("s3", "HeadObject")["s3:GetObject"] == S3_OBJECT
    assert _arns("s3", "CopyObject")["s3:GetObject"] == "arn:${Partition}:s3:::${CopySource}"
    assert _arns("s3", "CopyObject")["s3:PutObject"] == S3_OBJECT
    assert _arns("cloudwatch", "PutMetricData")["cloudwatch:PutMetricData"] == "*"
    model = _arns("bedrock-runtime", "Converse")["bedrock:InvokeModel"]
    assert "::foundation-model/" in model  # no account in foundation-model ARNs
    queue = next(r for r in required_actions("sqs", "SendMessageBatch") if not r.conditional)
    assert queue.bindings == (("QueueName", "QueueUrl"),)
    invoke = required_actions("lambda", "Invoke")[0]
    assert invoke.bindings == (("FunctionName", "FunctionName"),)
    machine = required_actions("stepfunctions", "DescribeExecution")[0]
    assert ":execution:" in machine.arn_template


def test_put_object_acl_and_tagging_are_conditional_on_the_request() -> None:
    assert {"s3:PutObjectAcl", "s3:PutObjectTagging"} <= _actions(
        "s3", "PutObject", conditional=True
    )
