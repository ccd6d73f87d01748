"""Secret detection: names, token formats, entropy, and redaction that never leaks a secret."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faasguard import secretscan as ss

# Fake credentials in the shapes issuers use (AWS documents the AKIA...EXAMPLE pair).
AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2
STRIPE_KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
SLACK_WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD", "dbPassword", "db-passwd", "DB_PASS", "DB_PWD", "API_KEY", "ApiKey",
        "APIKEY", "STRIPE_SECRET_KEY", "GITHUB_TOKEN", "authToken", "PRIVATE_KEY",
        "CLIENT_SECRET", "SERVICE_CREDENTIALS", "DBPASSWORD", "AWS_SECRET_ACCESS_KEY",
        "SigningKey", "DB_CONNECTION_STRING", "Passphrase", "SQS_AUTH", "basicAuth",
    ],
)  # fmt: skip
def test_secret_names(name: str) -> None:
    assert ss.looks_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "TABLE_NAME", "SECRET_ARN", "DB_SECRET_NAME", "SECRET_ID", "TOKEN_TTL",
        "PASSWORD_MIN_LENGTH", "LOG_LEVEL", "TOKEN_URL", "API_KEY_HEADER", "AWS_ACCESS_KEY_ID",
        "PASSWORD_PARAM", "TokenExpirySeconds", "BUCKET", "POWERTOOLS_SERVICE_NAME", "BYPASS",
        "KEY", "PARTITION_KEY", "SECRETS_EXTENSION_HTTP_PORT", "TOKEN_ENDPOINT", "",
        "AUTH_DOMAIN", "AUTH_URL", "OAUTH_ISSUER",
    ],
)  # fmt: skip
def test_names_that_describe_or_are_unrelated(name: str) -> None:
    assert not ss.looks_secret_name(name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (AWS_KEY_ID, "AWS access key id"),
        ("ASIAY34FZKBOKMUTVV7A", "AWS access key id"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "private key"),
        ("-----BEGIN PRIVATE KEY-----", "private key"),
        (JWT, "JSON Web Token"),
        ("xoxb-123456789012-abcdefghijkl", "Slack token"),
        (SLACK_WEBHOOK, "Slack webhook URL"),
        (GITHUB_TOKEN, "GitHub token"),
        (STRIPE_KEY, "Stripe API key"),
        ("AIzaSyD-1234567890abcdefghijklmnopqrstu", "Google API key"),
        ("postgres://app:s3cret@db.example.com:5432/orders", "URL with embedded password"),
    ],
)
def test_known_formats(value: str, expected: str) -> None:
    found = ss.known_format(value)
    assert found is not None and found.name == expected
    assert found.aws == (expected == "AWS access key id")


@pytest.mark.parametrize(
    "value",
    [
        "AKIA1234",  # too short for an access key id
        "https://api.example.com/v1",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        "orders-table",
        "0123456789abcdef0123456789abcdef01234567",  # git SHA
    ],
)
def test_values_without_known_format(value: str) -> None:
    assert ss.known_format(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "{{resolve:secretsmanager:prod/db:SecretString:password}}",
        "{{resolve:ssm-secure:/prod/db/password:1}}",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        "/prod/db/password",
        "https://vault.example.com/v1/secret/db",
    ],
)
def test_reference_values(value: str) -> None:
    assert ss.is_reference_value(value)


def test_url_with_password_is_not_a_reference() -> None:
    assert not ss.is_reference_value("mysql://root:hunter2@db:3306/app")


@pytest.mark.parametrize(
    "value", ["", "  ", "<password>", "${DB_PASSWORD}", "TODO", "changeme", "xxxxxxxx", "true"]
)
def test_placeholders(value: str) -> None:
    assert ss.is_placeholder(value)


def test_real_password_is_not_a_placeholder() -> None:
    assert not ss.is_placeholder("Tr0ub4dor&3")


@pytest.mark.parametrize(
    "value",
    [
        AWS_SECRET_KEY,
        "q8XzP3mN7vR2kL9wT4yB6cJ1hF5gD0sAeUiOoYtRr",
    ],
)
def test_high_entropy_random_tokens(value: str) -> None:
    assert ss.is_high_entropy(value)


@pytest.mark.parametrize(
    "value",
    [
        "0123456789abcdef0123456789abcdef01234567",  # git SHA: hex only
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",  # UUID
        "prod-OrdersTable-1ABC2DEF3GH4-orders-v2",  # generated name: short segments
        "src/handlers/orders/create_order.handler",  # handler path: '.' and '/' words
        "AbC1" * 5,  # 20 chars: below the length floor
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1A",  # long but low entropy
        "MyVeryLongFunctionNameForOrdersProcessing2024",  # words: entropy below threshold
    ],
)
def test_not_high_entropy(value: str) -> None:
    assert not ss.is_high_entropy(value)


def test_shannon_entropy_values_checked_by_hand() -> None:
    assert ss.shannon_entropy("") == 0.0
    assert ss.shannon_entropy("aaaa") == 0.0
    assert ss.shannon_entropy("ab") == pytest.approx(1.0)
    assert ss.shannon_entropy("abcd") == pytest.approx(2.0)


def test_aws_secret_access_key_needs_its_name() -> None:
    assert ss.looks_aws_secret_access_key("AWS_SECRET_ACCESS_KEY", AWS_SECRET_KEY)
    assert ss.looks_aws_secret_access_key("MY_SECRET_KEY", AWS_SECRET_KEY)
    assert not ss.looks_aws_secret_access_key("IMAGE_TAG", AWS_SECRET_KEY)
    assert not ss.looks_aws_secret_access_key("AWS_SECRET_ACCESS_KEY", "short")


@pytest.mark.parametrize(
    ("name", "value", "reason_part", "aws"),
    [
        ("DB_PASSWORD", "Tr0ub4dor&3", "name DB_PASSWORD", False),
        ("NOTIFY", SLACK_WEBHOOK, "Slack webhook", False),
        ("CONFIG_BLOB", "q8XzP3mN7vR2kL9wT4yB6cJ1hF5gD0sAeUiOoYtRr", "high-entropy", False),
        ("KEY_ID", AWS_KEY_ID, "AWS access key id", True),
        ("AWS_SECRET_ACCESS_KEY", AWS_SECRET_KEY, "AWS secret access key", True),
    ],
)
def test_classify_literal_hits(name: str, value: str, reason_part: str, aws: bool) -> None:
    hit = ss.classify_literal(name, value)
    assert hit is not None and reason_part in hit.reason and hit.aws == aws


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TABLE_NAME", "orders"),
        ("SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
        ("TOKEN_TTL", "3600"),
        ("PASSWORD_MIN_LENGTH", "12"),
        ("LOG_LEVEL", "INFO"),
        ("USE_SECRETS", "true"),
        ("DB_PASSWORD", "{{resolve:secretsmanager:prod/db:SecretString:password}}"),
        ("DB_PASSWORD", "{{resolve:ssm-secure:/prod/db/password:1}}"),
        ("DB_PASSWORD", ""),
        ("API_KEY", "<your-api-key>"),
        ("DB_PASSWORD_PARAM", "/prod/db/password"),
        ("AUTH_SERVER", "https://auth.example.com/oauth2/token"),
        ("IMAGE_TAG", "0123456789abcdef0123456789abcdef01234567"),
        ("HANDLER", "src/handlers/orders/create_order.handler"),
        ("DB_SECRET", "prod/orders-db"),
        ("ORDERS_DB_CREDENTIALS", "orders_db_credentials"),
    ],
)
def test_classify_literal_negatives(name: str, value: str) -> None:
    assert ss.classify_literal(name, value) is None


def test_secret_named_variable_with_a_real_password_is_still_a_secret() -> None:
    assert ss.classify_literal("DB_SECRET", "Tr0ub4dor&3") is not None
    assert ss.classify_literal("DB_PASSWORD", "prod/orders-db") is not None


def test_redact_examples_checked_by_hand() -> None:
    assert ss.redact(AWS_KEY_ID) == "AKIA…(20 chars)"
    assert ss.redact("hunter22") == "hu…(8 chars)"
    assert ss.redact("abc") == "…(3 chars)"
    assert ss.redact("") == "…(0 chars)"


_REDACTED = re.compile(r"^(?P<kept>.*)…\((?P<length>\d+) chars\)$", re.DOTALL)


@given(st.text(max_size=200))
def test_redact_never_keeps_more_than_four_characters(value: str) -> None:
    out = ss.redact(value)
    match = _REDACTED.match(out)
    assert match is not None
    kept = match.group("kept")
    assert len(kept) <= 4
    assert value.startswith(kept)
    assert int(match.group("length")) == len(value)
    # Short values keep proportionally less: at most a quarter of the secret is shown.
    assert len(kept) * 4 <= len(value)
