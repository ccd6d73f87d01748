"""AWS Lambda Powertools for Python: the SDK calls its parameters and idempotency helpers make."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.code.sdk_calls import sdk_call
from faasguard.code.traced import Str, nth
from faasguard.model.code import SdkCall
from faasguard.model.values import Location

PT_PARAMS = "aws_lambda_powertools.utilities.parameters"
PT_IDEMPOTENCY = "aws_lambda_powertools.utilities.idempotency"

#: (service, operation, the request parameter the helper's first argument fills or "")
Ops = tuple[tuple[str, str, str], ...]
PT_FUNCTIONS: dict[str, Ops] = {
    "get_parameter": (("ssm", "GetParameter", "Name"),),
    "get_parameters": (("ssm", "GetParametersByPath", "Path"),),
    "get_parameters_by_name": (("ssm", "GetParameters", ""),),
    "set_parameter": (("ssm", "PutParameter", "Name"),),
    "get_secret": (("secretsmanager", "GetSecretValue", "SecretId"),),
    "set_secret": (("secretsmanager", "PutSecretValue", "SecretId"),),
    "get_app_config": (
        ("appconfigdata", "StartConfigurationSession", "ConfigurationProfileIdentifier"),
        ("appconfigdata", "GetLatestConfiguration", ""),
    ),
}
PT_PROVIDERS: dict[str, dict[str, Ops]] = {
    "SSMProvider": {
        "get": PT_FUNCTIONS["get_parameter"],
        "get_multiple": PT_FUNCTIONS["get_parameters"],
    },
    "SecretsProvider": {"get": PT_FUNCTIONS["get_secret"]},
    "AppConfigProvider": {"get": PT_FUNCTIONS["get_app_config"]},
    "DynamoDBProvider": {
        "get": (("dynamodb", "GetItem", "TableName"),),
        "get_multiple": (("dynamodb", "Query", "TableName"),),
    },
}
_IDEMPOTENCY_OPS = ("GetItem", "PutItem", "UpdateItem", "DeleteItem")


def powertools_calls(
    name: str, positional: list[Str], kwargs: dict[str, Str], where: Location
) -> Iterator[SdkCall]:
    """Calls made by ``get_parameter(...)``-style helpers or a DynamoDB persistence layer."""
    if name == "idempotency":
        table = {"TableName": kwargs.get("table_name") or nth(positional, 0)}
        for op in _IDEMPOTENCY_OPS:
            yield sdk_call("dynamodb", op, where, "powertools", "powertools idempotency", table)
        return
    first = kwargs.get("name") or kwargs.get("path") or nth(positional, 0)
    for service, op, param in PT_FUNCTIONS.get(name, ()):
        args = {param: first} if param else {}
        yield sdk_call(service, op, where, "powertools", "powertools parameters", args)


def provider_calls(
    provider: str, method: str, table: Str | None, positional: list[Str], where: Location
) -> Iterator[SdkCall]:
    """Calls made by ``SSMProvider().get(...)``-style provider methods."""
    for service, op, param in PT_PROVIDERS[provider][method]:
        args = {param: (table or nth(positional, 0))} if param else {}
        yield sdk_call(service, op, where, "powertools", "powertools provider", args)
