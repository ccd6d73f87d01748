"""Resource binding: call argument -> environment variable -> template resource -> ARN.

Expected ARNs are written from AWS's documented ARN formats and CloudFormation return values
(``Ref`` of a table = its name, of a queue = its URL, of a topic = its ARN).
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from lp_apps import app, call, env, function, lit, ref

from faasguard.iam.binding import BoundResource, bind, canonical, plain
from faasguard.iam.sdkmap import RequiredAction
from faasguard.model import Ref, ResourceArg

TABLE = RequiredAction(
    action="dynamodb:PutItem",
    arn_template="arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
    bindings=(("TableName", "TableName"),),
    certainty="exact",
)
OBJECT = RequiredAction(
    action="s3:PutObject",
    arn_template="arn:${Partition}:s3:::${BucketName}/${ObjectName}",
    bindings=(("BucketName", "Bucket"), ("ObjectName", "Key")),
    certainty="exact",
)
QUEUE = RequiredAction(
    action="sqs:SendMessage",
    arn_template="arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
    bindings=(("QueueName", "QueueUrl"),),
    certainty="curated",
)
SECRET = RequiredAction(
    action="secretsmanager:GetSecretValue",
    arn_template="arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}",
    bindings=(("SecretId", "SecretId"),),
    certainty="exact",
)


def _bind(
    req: RequiredAction, *args: ResourceArg, environment=(), operation="PutItem"
) -> BoundResource:  # type: ignore[no-untyped-def]
    c = call(req.action.split(":")[0], operation, 5, *args)
    fn = function((c,), environment)
    return bind(app((fn,)), fn, c, req)


def test_env_var_wired_to_a_table_binds_to_its_arn() -> None:
    bound = _bind(TABLE, env("TableName", "TABLE"), environment=(("TABLE", ref("Orders")),))
    assert bound == BoundResource(arn="${Orders.Arn}", target="Orders")


def test_literal_table_name_fills_the_arn_template() -> None:
    bound = _bind(TABLE, lit("TableName", "orders"))
    assert (
        bound.arn == "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders"
    )


def test_literal_env_value_is_used_like_a_literal() -> None:
    bound = _bind(TABLE, env("TableName", "TABLE"), environment=(("TABLE", "orders-prod"),))
    assert bound.arn.endswith(":table/orders-prod")


def test_env_var_inside_a_name_template_fills_only_its_part() -> None:
    name = ResourceArg(param="TableName", env_var="STAGE", template="${STAGE}-orders")
    bound = _bind(TABLE, name, environment=(("STAGE", "prod"),))
    assert bound.arn.endswith(":table/prod-orders")


def test_a_resource_name_only_partly_known_stays_unbound() -> None:
    name = ResourceArg(param="TableName", template="orders-${?}")
    bound = _bind(TABLE, name)
    assert bound.arn == "*" and "orders-${?}" in bound.note


def test_object_key_template_becomes_a_prefix_pattern() -> None:
    key = ResourceArg(param="Key", template="receipts/${?}.json")
    bound = _bind(OBJECT, env("Bucket", "B"), key, environment=(("B", ref("Receipts")),))
    assert bound.arn == "${Receipts.Arn}/receipts/*"
    assert bound.target == "Receipts"


def test_unknown_object_key_is_any_object_of_the_bucket() -> None:
    bound = _bind(OBJECT, lit("Bucket", "b1"))
    assert bound.arn == "arn:${AWS::Partition}:s3:::b1/*"


def test_queue_url_literal_binds_to_the_queue_name() -> None:
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"
    assert _bind(QUEUE, lit("QueueUrl", url)).arn.endswith(":${AWS::AccountId}:jobs")


def test_queue_ref_binds_to_getatt_arn() -> None:
    bound = _bind(QUEUE, env("QueueUrl", "Q"), environment=(("Q", ref("Jobs")),))
    assert bound.arn == "${Jobs.Arn}"


def test_secret_name_gets_the_random_suffix_wildcard() -> None:
    assert _bind(SECRET, lit("SecretId", "db")).arn.endswith(":secret:db-??????")


def test_full_arn_literal_is_kept() -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
    assert _bind(SECRET, lit("SecretId", arn)).arn == arn


def test_resource_of_the_wrong_kind_is_star_with_a_note() -> None:
    bound = _bind(TABLE, env("TableName", "T"), environment=(("T", ref("Receipts")),))
    assert bound.arn == "*"
    assert "Receipts is a bucket" in bound.note


def test_env_var_missing_or_outside_the_app_is_star_with_a_note() -> None:
    missing = _bind(TABLE, env("TableName", "NOPE"))
    assert missing.arn == "*" and "NOPE" in missing.note
    outside = Ref(text="!ImportValue shared-table")
    imported = _bind(TABLE, env("TableName", "T"), environment=(("T", outside),))
    assert imported.arn == "*" and "!ImportValue shared-table" in imported.note


def test_computed_argument_is_star() -> None:
    assert _bind(TABLE, ResourceArg(param="TableName", note="from a variable")).arn == "*"
    assert _bind(TABLE).arn == "*"


def test_action_without_resource_types_is_star() -> None:
    req = RequiredAction(action="sqs:ListQueues", arn_template="*", certainty="exact")
    assert _bind(req).arn == "*"


def test_query_on_an_index_binds_to_the_index_arn() -> None:
    query = RequiredAction(
        action="dynamodb:Query",
        arn_template=TABLE.arn_template,
        bindings=TABLE.bindings,
        certainty="exact",
    )
    bound = _bind(
        query,
        env("TableName", "T"),
        lit("IndexName", "byCustomer"),
        environment=(("T", ref("Orders")),),
        operation="Query",
    )
    assert bound.arn == "${Orders.Arn}/index/byCustomer"


def test_canonical_forms_agree_between_sub_getatt_and_bound_arns() -> None:
    a = app((function(),))
    table_sub = Ref(
        text="arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}", target="Orders"
    )
    assert canonical("${Orders.Arn}", a) == "arn:aws:dynamodb:REGION:ACCOUNT:table/Orders"
    assert canonical(table_sub, a) == "arn:aws:dynamodb:REGION:ACCOUNT:table/Orders"
    assert canonical(ref("Jobs", "Arn"), a) == "arn:aws:sqs:REGION:ACCOUNT:Jobs"
    assert canonical(ref("Jobs"), a) == "https://sqs.REGION.amazonaws.com/ACCOUNT/Jobs"
    assert canonical(ref("Shipped"), a) == "arn:aws:sns:REGION:ACCOUNT:Shipped"  # Ref = ARN
    # a named bucket is known by its name
    assert (
        canonical(Ref(text="${Receipts.Arn}/*", target="Receipts"), a)
        == "arn:aws:s3:::receipts-bucket/*"
    )


def test_canonical_takes_a_literal_region_and_account_as_the_deployments() -> None:
    a = app((function(),))
    text = "arn:aws:dynamodb:us-east-1:123456789012:table/x"
    assert canonical(text, a) == "arn:aws:dynamodb:REGION:ACCOUNT:table/x"
    assert canonical("arn:aws:dynamodb:*:*:table/x", a) == "arn:aws:dynamodb:*:*:table/x"


def test_canonical_of_an_unknown_reference_is_none() -> None:
    a = app((function(),))
    assert canonical(Ref(text="!Ref TableParam", target="TableParam"), a) is None
    assert canonical("arn:aws:s3:::${BucketParam}/*", a) is None


def test_plain_arn_has_any_region_and_account() -> None:
    a = app((function(),))
    assert plain("${Orders.Arn}", a) == "arn:aws:dynamodb:*:*:table/Orders"
    assert plain("${Receipts.Arn}/in/*", a) == "arn:aws:s3:::receipts-bucket/in/*"
    assert plain("${Nope.Arn}", a) == "*"


@given(st.text(max_size=80))
def test_canonical_never_raises(text: str) -> None:
    a = app((function(),))
    result = canonical(text, a)
    assert result is None or isinstance(result, str)
    assert isinstance(plain(text, a), str)


def test_scan_without_index_name_is_on_the_table() -> None:
    # the IAM database's Scan template names the index resource; without IndexName the
    # request is authorised on the table
    scan = RequiredAction(
        action="dynamodb:Scan",
        arn_template=TABLE.arn_template + "/index/${IndexName}",
        bindings=(("TableName", "TableName"), ("IndexName", "IndexName")),
        certainty="exact",
    )
    table = _bind(
        scan, env("TableName", "T"), environment=(("T", ref("Orders")),), operation="Scan"
    )
    assert table.arn == "${Orders.Arn}"
    index = _bind(
        scan,
        env("TableName", "T"),
        lit("IndexName", "byDay"),
        environment=(("T", ref("Orders")),),
        operation="Scan",
    )
    assert index.arn == "${Orders.Arn}/index/byDay"


def test_terraform_references_are_canonical_too() -> None:
    from faasguard.model import Channel, Framework, Location

    queue = Channel(
        id="aws_sqs_queue.jobs",
        type="aws_sqs_queue",
        location=Location(file="main.tf"),
        kind="queue",
        name="jobs",
        framework=Framework.TERRAFORM,
    )
    a = app((function(),))
    a = replace(a, channels=(queue,))
    bare = Ref(text="aws_sqs_queue.jobs.arn", target="aws_sqs_queue.jobs", attribute="arn")
    assert canonical(bare, a) == "arn:aws:sqs:REGION:ACCOUNT:jobs"
    url = Ref(text="aws_sqs_queue.jobs.url", target="aws_sqs_queue.jobs", attribute="url")
    assert canonical(url, a) == "https://sqs.REGION.amazonaws.com/ACCOUNT/jobs"
    inside = Ref(text="${aws_sqs_queue.jobs.arn}", target="aws_sqs_queue.jobs")
    assert canonical(inside, a) == "arn:aws:sqs:REGION:ACCOUNT:jobs"
    # the binder's own spelling of the same queue
    assert canonical("${aws_sqs_queue.jobs.Arn}", a) == "arn:aws:sqs:REGION:ACCOUNT:jobs"


def test_secret_ref_and_bound_secret_compare_equal_and_render_with_the_suffix_wildcard() -> None:
    from faasguard.model import DataStore, Location

    secret = DataStore(
        id="Db", type="AWS::SecretsManager::Secret", location=Location(file="t"), kind="secret"
    )
    a = app((function(),))
    a = replace(a, data_stores=(secret,))
    assert canonical(ref("Db"), a) == canonical("${Db}", a)
    assert plain("${Db}", a) == "arn:aws:secretsmanager:*:*:secret:Db-??????"
