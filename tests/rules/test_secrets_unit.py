"""Secrets rules on hand-built models; negatives are tested as hard as positives, and no
message or evidence line may contain a secret value."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from faasguard.model import (
    App,
    DataStore,
    EnvVar,
    Framework,
    Function,
    Location,
    Parameter,
    Ref,
    Rule,
    RuleContext,
    RuleResult,
    Value,
    Violation,
)
from faasguard.rules import secrets as sec

CTX = RuleContext(today=date(2026, 11, 28))
PASSWORD = "Tr0ub4dor&3-horse"
AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def loc(line: int) -> Location:
    return Location(file="template.yaml", line=line)


def app(**parts: Any) -> App:
    return App(
        name="t", root=".", source="template.yaml", framework=Framework.CLOUDFORMATION, **parts
    )


def run(rule: Rule, model: App) -> list[RuleResult]:
    return list(rule.check(model, CTX))


def violations(rule: Rule, model: App) -> list[Violation]:
    return [r for r in run(rule, model) if isinstance(r, Violation)]


def with_env(*pairs: tuple[str, Value]) -> App:
    env = tuple(EnvVar(name=n, value=v, location=loc(10 + i)) for i, (n, v) in enumerate(pairs))
    fn = Function(id="Fn", type="AWS::Lambda::Function", location=loc(3), environment=env)
    return app(functions=(fn,))


def assert_no_leak(found: list[Violation], *secrets: str) -> None:
    for v in found:
        text = " ".join((v.message, v.fix, *v.evidence))
        for secret in secrets:
            assert secret not in text
            assert secret[4:12] not in text


def test_sec001_secret_name_with_literal_value() -> None:
    found = violations(sec.plaintext_secret_in_environment, with_env(("DB_PASSWORD", PASSWORD)))
    assert [(v.resource, v.location.line, v.key) for v in found] == [("Fn", 10, "DB_PASSWORD")]
    assert "value: Tr0u…(17 chars)" in found[0].evidence
    assert_no_leak(found, PASSWORD)


def test_sec001_token_format_under_an_innocent_name() -> None:
    slack = "xoxb-123456789012-abcdefghijklmnop"
    found = violations(sec.plaintext_secret_in_environment, with_env(("NOTIFY", slack)))
    assert [v.key for v in found] == ["NOTIFY"]
    assert "Slack token" in found[0].evidence[0]
    assert_no_leak(found, slack)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TABLE_NAME", "orders"),
        ("SECRET_ARN", Ref(text="!Ref MySecret", target="MySecret")),
        ("DB_PASSWORD", Ref(text="!Ref DbPassword", target="DbPassword")),
        ("TOKEN_TTL", "3600"),
        ("TOKEN_TTL", 3600),
        ("PASSWORD_MIN_LENGTH", 12),
        ("LOG_LEVEL", "DEBUG"),
        ("API_TOKEN_ENABLED", True),
        ("AUTH_URL", "https://auth.example.com/token"),
        ("DB_PASSWORD", "{{resolve:secretsmanager:prod/db:SecretString:password}}"),
        ("API_KEY", "{{resolve:ssm-secure:/prod/api-key:3}}"),
        ("DB_PASSWORD", ""),
        ("DB_SECRET", "prod/orders/db"),  # the name of a secret of the app
        ("AWS_ACCESS_KEY", AWS_KEY_ID),  # AWS credentials belong to SEC002
    ],
)
def test_sec001_negatives(name: str, value: Value) -> None:
    model = with_env((name, value))
    secret = DataStore(
        id="S",
        type="AWS::SecretsManager::Secret",
        location=loc(40),
        kind="secret",
        name="prod/orders/db",
    )
    model = app(functions=model.functions, data_stores=(secret,))
    assert not run(sec.plaintext_secret_in_environment, model)


def test_sec002_literal_keys_and_access_key_references() -> None:
    model = with_env(
        ("KEY_ID", AWS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", AWS_SECRET_KEY),
        (
            "DEPLOY_SECRET",
            Ref(text="!GetAtt Key.SecretAccessKey", target="Key", attribute="SecretAccessKey"),
        ),
        ("DEPLOY_KEY_ID", Ref(text="!Ref Key", target="Key")),
        ("QUEUE", Ref(text="!Ref Queue", target="Queue")),
        ("IMAGE_TAG", "0123456789abcdef0123456789abcdef01234567"),
    )
    model = app(
        functions=model.functions,
        resource_types=(("Key", "AWS::IAM::AccessKey"), ("Queue", "AWS::SQS::Queue")),
    )
    found = violations(sec.aws_credentials_in_environment, model)
    assert [(v.location.line, v.key) for v in found] == [
        (10, "KEY_ID"),
        (11, "AWS_SECRET_ACCESS_KEY"),
        (12, "DEPLOY_SECRET"),
        (13, "DEPLOY_KEY_ID"),
    ]
    assert "secret access key of AWS::IAM::AccessKey Key" in found[2].evidence[0]
    assert_no_leak(found, AWS_KEY_ID, AWS_SECRET_KEY)


def store(kind: str, ident: str, name: str | None, literal: bool) -> DataStore:
    return DataStore(
        id=ident,
        type="x",
        location=loc(30),
        kind=kind,
        name=name,
        literal_secret=literal,
        field_locations=(("literal_secret", loc(33)),),
    )


def test_sec003_literal_secret_and_secret_named_parameter() -> None:
    model = app(
        data_stores=(
            store("secret", "DbSecret", None, True),
            store("secret", "Generated", None, False),
            store("parameter", "DbPasswordParam", "/prod/db/password", True),
            store("parameter", "TableNameParam", "/prod/table-name", True),
            store("bucket", "Bucket", None, True),
        )
    )
    found = violations(sec.secret_literal_in_template, model)
    assert [(v.resource, v.location.line) for v in found] == [
        ("DbSecret", 33),
        ("DbPasswordParam", 33),
    ]


def param(name: str, default: Value = None, no_echo: bool = False) -> Parameter:
    return Parameter(name=name, default=default, no_echo=no_echo, location=loc(5))


def test_sec004_echoed_or_defaulted_secret_parameters() -> None:
    model = app(
        parameters=(
            param("DbPassword"),
            param("ApiToken", default=PASSWORD, no_echo=True),
            param("GoodSecret", no_echo=True),
            param("DbPasswordParamName", default="/prod/db/password"),
            param("TokenTtl", default=3600),
            param("Stage", default="prod"),
            param("SigningKey", default="", no_echo=True),
        )
    )
    found = violations(sec.secret_parameter_without_noecho, model)
    assert [(v.resource, v.key) for v in found] == [
        ("DbPassword", "no-echo"),
        ("ApiToken", "default"),
    ]
    assert_no_leak(found, PASSWORD)
