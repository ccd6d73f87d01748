"""Plain AWS::Lambda::* resources into the model (fixture: fixtures/cfn/lambda.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.yamljson import load_file
from faasguard.model import App, Framework, Function, Ref

FIXTURES = Path(__file__).parent / "fixtures" / "cfn"


def load(name: str) -> App:
    return load_template(load_file(str(FIXTURES / name), name), str(FIXTURES))


@pytest.fixture(scope="module")
def app() -> App:
    return load("lambda.yaml")


@pytest.fixture(scope="module")
def fn(app: App) -> Function:
    found = app.function("Fn")
    assert found is not None
    return found


def test_function_fields(app: App, fn: Function) -> None:
    assert app.framework is Framework.CLOUDFORMATION
    assert app.diagnostics == ()
    assert (fn.name, fn.runtime, fn.handler) == ("orders-dev", "python3.12", "app.handler")
    assert (fn.timeout, fn.memory, fn.reserved_concurrency) == (30, 256, 5)
    assert fn.inline_code == "def handler(e, c): return 1"
    assert fn.role == "FnRole"
    assert fn.kms_key == Ref(text="!Ref KeyArn", target="KeyArn")  # no default: unknown
    assert fn.tracing == "Active"
    assert fn.dead_letter_target == "Dlq"
    assert fn.layers == ("Layer",)
    assert fn.log_group == "Logs"
    assert fn.vpc is not None and fn.vpc.subnets == ("subnet-1", "subnet-2")
    assert fn.vpc.security_groups == ("sg-1",)
    assert fn.assumptions == ("parameter Stage: default 'dev' used",)


def test_function_locations(fn: Function) -> None:
    assert fn.location.line == 9
    assert fn.at("name").line == 12
    assert fn.at("tracing").line == 22  # the Mode key inside TracingConfig
    assert fn.at("kms_key").line == 20
    assert fn.at("dead_letter_target").line == 29
    assert fn.at("vpc").line == 30
    assert fn.vpc is not None and fn.vpc.location.line == 30


def test_environment_keeps_each_key_line_and_drops_novalue(fn: Function) -> None:
    env = {(v.name, v.location.line): v.value for v in fn.environment}
    assert env == {("TABLE", 25): Ref(text="!Ref Table", target="Table"), ("MODE", 26): "fast"}


def test_url_attaches_to_its_function(fn: Function) -> None:
    assert fn.url is not None
    assert fn.url.auth_type == "NONE"
    assert fn.url.location.line == 67
    assert fn.url.cors is not None and fn.url.cors.allow_origins == ("*",)
    assert fn.url.cors.location.line == 72


def test_permission(app: App) -> None:
    (perm,) = app.permissions
    assert (perm.function, perm.action, perm.principal) == ("Fn", "lambda:InvokeFunctionUrl", "*")
    assert perm.function_url_auth_type == "NONE"
    assert perm.at("principal").line == 79


def test_event_source_mappings_become_poll_events(app: App, fn: Function) -> None:
    kinds = {(e.id, e.kind, e.invocation, e.location.line) for e in fn.events}
    assert kinds == {("Mapping", "SQS", "poll", 81), ("StreamMapping", "Kinesis", "poll", 89)}
    by_id = {m.id: m for m in app.event_source_mappings}
    assert by_id["Mapping"].source == "Dlq"
    assert by_id["Mapping"].on_failure == "arn:aws:sqs:eu-west-1:111122223333:failed"
    assert by_id["StreamMapping"].enabled is False
    assert by_id["StreamMapping"].at("enabled").line == 94


def test_event_invoke_config_sets_async_failure_fields(fn: Function) -> None:
    assert fn.on_failure_destination == "Dlq"
    assert fn.max_retry_attempts == 0


def test_layer_and_layer_permission(app: App) -> None:
    (layer,) = app.layers
    assert (layer.name, layer.content_uri) == ("shared", "s3://artifacts/layer.zip")
    assert layer.compatible_runtimes == ("python3.12",)
    (policy,) = app.resource_policies
    assert (policy.target_kind, policy.targets) == ("layer", ("Layer",))
    (statement,) = policy.statements
    assert statement.location.line == 65  # the Principal key
    assert statement.actions == ("lambda:GetLayerVersion",)
    assert [p.value for p in statement.principals] == ["*"]
    assert statement.conditions.get("StringEquals") is not None


def test_resource_types_list_every_resource(app: App) -> None:
    types = dict(app.resource_types)
    assert types["Fn"] == "AWS::Lambda::Function"
    assert types["InvokeConfig"] == "AWS::Lambda::EventInvokeConfig"
    assert len(types) == 12
