"""IAM, storage and messaging resources (fixtures: fixtures/cfn/iam.yaml, data.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.yamljson import load_file
from faasguard.model import App, Channel, DataStore, Encryption, Location, Ref

FIXTURES = Path(__file__).parent / "fixtures" / "cfn"


def load(name: str) -> App:
    return load_template(load_file(str(FIXTURES / name), name), str(FIXTURES))


@pytest.fixture(scope="module")
def iam() -> App:
    return load("iam.yaml")


@pytest.fixture(scope="module")
def data() -> App:
    return load("data.yaml")


def at(line: int, column: int, file: str = "data.yaml") -> Location:
    return Location(file=file, line=line, column=column)


def test_role_trust_inline_managed_boundary(iam: App) -> None:
    role = iam.role("AppRole")
    assert role is not None
    assert role.name == "app-role"
    (trust,) = role.trust
    assert [(p.kind, p.value) for p in trust.principals] == [("Service", "lambda.amazonaws.com")]
    assert trust.location.line == 16 and trust.source == "trust policy"
    assert [m.arn for m in role.managed_policies] == [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "Shared",
    ]
    assert [m.location.line for m in role.managed_policies] == [28, 29]
    assert role.permissions_boundary == "arn:aws:iam::111122223333:policy/boundary"
    assert role.at("managed_policies").line == 27


def test_attached_policies_join_the_role_once_each(iam: App) -> None:
    role = iam.role("AppRole")
    assert role is not None
    seen = [(s.source, s.location.line, s.actions) for s in role.statements]
    assert seen == [
        ("inline policy 'Root'", 24, ("*",)),
        ("policy Extra", 38, ("s3:GetObject", "s3:PutObject")),
        ("managed policy Shared", 47, ("sqs:SendMessage",)),  # a single-map Statement
    ]
    extra = role.statements[1]
    assert extra.resources == (Ref(text="arn:aws:s3:::${Bucket}/*", target="Bucket"),)
    policies = {p.id: p for p in iam.policies}
    assert policies["Extra"].roles == ("AppRole",) and not policies["Extra"].managed
    assert policies["Shared"].managed and policies["Shared"].name == "shared"


def test_ignores_with_and_without_reason(iam: App) -> None:
    role = iam.role("AppRole")
    assert role is not None
    assert [(i.rule, i.reason, i.location.line) for i in role.ignores] == [
        ("IAM001", "reviewed by security", 8)
    ]
    (diag,) = iam.diagnostics
    assert diag.code == "FG002" and "suppression without reason" in diag.message
    assert diag.location.line == 10


def stores(app: App) -> dict[str, DataStore]:
    return {s.id: s for s in app.data_stores}


def channels(app: App) -> dict[str, Channel]:
    return {c.id: c for c in app.channels}


def test_buckets(data: App) -> None:
    found = stores(data)
    assert found["Plain"].encryption is None and found["Plain"].public_access_blocked is None
    locked = found["Locked"]
    # Fn::If decided by the parameter default: the customer key of the template
    assert locked.encryption == Encryption(kind="kms", key="Key", location=at(14, 7))
    assert locked.assumptions == ("parameter UseKey: default 'yes' used",)
    assert (locked.public_access_blocked, locked.versioning, locked.access_logging) == (
        True,
        True,
        True,
    )
    assert locked.at("public_access_blocked").line == 19
    opened = found["Open"]
    assert opened.encryption == Encryption(kind="service", location=at(32, 7))
    assert (opened.public_access_blocked, opened.versioning, opened.public_acl) == (
        False,
        False,
        "PublicRead",
    )
    assert opened.at("public_acl").line == 31


def test_bucket_and_queue_policies(data: App) -> None:
    policies = {p.id: p for p in data.resource_policies}
    bucket = policies["OpenPolicy"]
    assert (bucket.target_kind, bucket.targets) == ("bucket", ("Open",))
    (statement,) = bucket.statements
    assert statement.location.line == 46
    assert [(p.kind, p.value) for p in statement.principals] == [("*", "*")]
    assert statement.resources == (Ref(text="${Open.Arn}/*", target="Open"),)
    queue = policies["QueuePolicy"]
    assert (queue.target_kind, queue.targets) == ("queue", ("Queue",))


def test_queue_topic_stream_encryption(data: App) -> None:
    found = channels(data)
    assert found["Queue"].encryption == Encryption(kind="none", location=at(63, 7))
    assert found["Queue"].dead_letter_target == "Dlq"
    assert found["Dlq"].encryption == Encryption(
        kind="service", key="alias/aws/sqs", location=at(70, 7)
    )
    assert found["Topic"].encryption == Encryption(kind="kms", key="Key", location=at(84, 7))
    assert found["Stream"].encryption == Encryption(
        kind="service", key="alias/aws/kinesis", location=at(96, 7)
    )
    (sub,) = data.subscriptions
    assert (sub.topic, sub.protocol, sub.endpoint, sub.dead_letter_target) == (
        "Topic",
        "sqs",
        "Queue",
        "Dlq",
    )


def test_table_secret_parameter(data: App) -> None:
    found = stores(data)
    table = found["Table"]
    assert table.encryption == Encryption(kind="kms", key="Key", location=at(103, 7))
    assert table.point_in_time_recovery is False
    assert table.at("point_in_time_recovery").line == 106
    assert found["Secret"].literal_secret and found["Secret"].rotation is False
    assert found["Rotated"].rotation is True and not found["Rotated"].literal_secret
    assert found["Param"].kind == "parameter" and found["Param"].name == "/app/flag"


def test_key_policy(data: App) -> None:
    (key,) = data.keys
    assert key.rotation is True
    (statement,) = key.policy
    assert statement.location.line == 56
    (principal,) = statement.principals
    assert principal.value == Ref(text="arn:aws:iam::${AWS::AccountId}:root")
