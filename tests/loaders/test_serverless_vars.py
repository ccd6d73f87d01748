"""Serverless variables: each source, fallbacks, nesting, files, cycles; property tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serverless_support import function, line_of, load

from faasguard.loaders.serverless_vars import VariableResolver
from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.yamljson import YMap
from faasguard.model import Location, Ref

BASE = """service: shop
provider:
  name: aws
  runtime: python3.12
functions:
  api:
    handler: app.handler
    environment:
"""


def _env(tmp_path: Path, lines: str, **kwargs: object) -> dict[str, object]:
    app = load(tmp_path, BASE + lines, **kwargs)  # type: ignore[arg-type]
    return {v.name: v.value for v in function(app, "ApiLambdaFunction").environment}


def test_self_references_resolve_nested_and_through_other_variables(tmp_path: Path) -> None:
    text = """custom:
  table: ${self:service}-${sls:stage}-orders
  sizes:
    dev: small
  size: ${self:custom.sizes.${sls:stage}}
"""
    env = _env(
        tmp_path, "      TABLE: ${self:custom.table}\n      SIZE: ${self:custom.size}\n" + text
    )
    assert env == {"TABLE": "shop-dev-orders", "SIZE": "small"}


def test_opt_stage_defaults_and_the_stage_option(tmp_path: Path) -> None:
    line = "      STAGE: ${opt:stage, 'beta'}\n      SLS: ${sls:stage}\n"
    assert _env(tmp_path, line) == {"STAGE": "beta", "SLS": "dev"}
    chosen = _env(tmp_path, line, settings=LoadSettings(stage="prod"))
    assert chosen == {"STAGE": "prod", "SLS": "prod"}


def test_provider_stage_is_the_default_stage(tmp_path: Path) -> None:
    text = BASE.replace("  runtime:", "  stage: qa\n  runtime:") + "      S: ${sls:stage}\n"
    app = load(tmp_path, text)
    assert function(app, "ApiLambdaFunction").environment[0].value == "qa"
    assert function(app, "ApiLambdaFunction").name == "shop-qa-api"


def test_env_comes_from_var_options_never_from_the_scanner_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_HOST", "from-the-scanner")
    line = "      HOST: ${env:DB_HOST, 'localhost'}\n      BARE: ${env:DB_HOST}\n"
    env = _env(tmp_path, line)
    assert env["HOST"] == "localhost"
    assert env["BARE"] == Ref(text="${env:DB_HOST}")
    given_var = _env(tmp_path, line, settings=LoadSettings(variables=(("DB_HOST", "db.internal"),)))
    assert given_var == {"HOST": "db.internal", "BARE": "db.internal"}


def test_fallback_chain_takes_the_first_value(tmp_path: Path) -> None:
    line = "      X: ${env:A, env:B, self:custom.c, 'last'}\ncustom:\n  c: from-custom\n"
    assert _env(tmp_path, line) == {"X": "from-custom"}
    assert _env(tmp_path, line, settings=LoadSettings(variables=(("B", "b"),))) == {"X": "b"}


def test_deploy_time_sources_stay_symbolic(tmp_path: Path) -> None:
    lines = (
        "      SSM: ${ssm:/shop/db-password}\n"
        "      CF: ${cf:network.VpcId}\n"
        "      S3: ${s3:bucket/key}\n"
        "      ACCOUNT: ${aws:accountId}\n"
        "      ARN: arn:aws:s3:::${ssm:/shop/bucket}/*\n"
    )
    env = _env(tmp_path, lines)
    assert env["SSM"] == Ref(text="${ssm:/shop/db-password}", target="/shop/db-password")
    assert env["CF"] == Ref(text="${cf:network.VpcId}", target="network.VpcId")
    assert isinstance(env["S3"], Ref) and isinstance(env["ACCOUNT"], Ref)
    assert env["ARN"] == Ref(text="arn:aws:s3:::${ssm:/shop/bucket}/*")


def test_region_from_option_then_provider_then_default(tmp_path: Path) -> None:
    line = "      R: ${aws:region}\n      O: ${opt:region, 'eu-north-1'}\n"
    assert _env(tmp_path, line) == {"R": "us-east-1", "O": "eu-north-1"}
    chosen = _env(tmp_path, line, settings=LoadSettings(region="ap-south-1"))
    assert chosen == {"R": "ap-south-1", "O": "ap-south-1"}


def test_params_from_option_then_stage_section_then_default(tmp_path: Path) -> None:
    line = "      P: ${param:domain}\n      Q: ${param:missing}\nparams:\n"
    line += "  prod:\n    domain: shop.example.com\n  default:\n    domain: dev.example.com\n"
    assert _env(tmp_path, line)["P"] == "dev.example.com"
    assert _env(tmp_path, line, settings=LoadSettings(stage="prod"))["P"] == "shop.example.com"
    given_param = LoadSettings(params=(("domain", "cli.example.com"),))
    assert _env(tmp_path, line, settings=given_param)["P"] == "cli.example.com"
    assert _env(tmp_path, line)["Q"] == Ref(text="${param:missing}", target="missing")


def test_file_variables_are_read_relative_to_the_service(tmp_path: Path) -> None:
    files = {"service/config/dev.yml": "memory: 512\nnested:\n  name: ${self:service}-x\n"}
    line = (
        "      M: ${file(./config/${sls:stage}.yml):memory}\n"
        "      N: ${file(config/dev.yml):nested.name}\n"
        "      D: ${file(./config/none.yml):memory, 'fallback'}\n"
    )
    assert _env(tmp_path, line, files=files) == {"M": 512, "N": "shop-x", "D": "fallback"}


def test_file_variables_outside_the_service_are_refused(tmp_path: Path) -> None:
    files = {"outside.yml": "secret: should-not-be-read\n"}
    text = BASE + "      S: ${file(../outside.yml):secret}\n"
    app = load(tmp_path, text, files=files)
    value = function(app, "ApiLambdaFunction").environment[0].value
    assert value == Ref(text="${file(../outside.yml)}")
    problems = [d for d in app.diagnostics if "outside the service directory" in d.message]
    assert [(d.code, d.location.line) for d in problems] == [("FG002", line_of(text, "S: "))]


def test_javascript_variable_files_are_never_executed(tmp_path: Path) -> None:
    files = {"service/vars.js": "module.exports = () => { throw new Error('ran') }\n"}
    app = load(tmp_path, BASE + "      J: ${file(./vars.js):value}\n", files=files)
    assert isinstance(function(app, "ApiLambdaFunction").environment[0].value, Ref)
    assert any("never executed" in d.message for d in app.diagnostics)


def test_cycles_end_with_a_diagnostic(tmp_path: Path) -> None:
    text = (
        BASE + "      A: ${self:custom.a}\ncustom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n"
    )
    app = load(tmp_path, text)
    assert isinstance(function(app, "ApiLambdaFunction").environment[0].value, Ref)
    cycles = [d for d in app.diagnostics if d.message.startswith("variable cycle")]
    assert cycles and all(d.code == "FG002" for d in cycles)


def test_self_reference_to_the_whole_document_is_a_cycle(tmp_path: Path) -> None:
    app = load(tmp_path, BASE + "      ALL: ${self:}\n")
    assert any(d.message.startswith("variable cycle") for d in app.diagnostics)


def test_cloudformation_sub_placeholders_are_not_serverless_variables(tmp_path: Path) -> None:
    line = "      Q: !Sub arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:orders\n"
    value = _env(tmp_path, line)["Q"]
    assert isinstance(value, Ref) and value.text.startswith("arn:aws:sqs:${AWS::Region}")


def test_unbalanced_braces_are_left_as_written(tmp_path: Path) -> None:
    assert _env(tmp_path, "      B: 'oops ${self:service'\n") == {"B": "oops ${self:service"}


# --- property tests ----------------------------------------------------------------------

_SOURCES = st.sampled_from(
    [
        "self:custom.k0",
        "self:custom.k1",
        "self:custom.k2",
        "opt:stage",
        "env:X",
        "sls:stage",
        "ssm:/a",
        "param:p",
        "file(./missing.yml):x",
        "aws:region",
        "self:",
        "cf:s.o",
    ]
)
_LITERALS = st.sampled_from(["'a'", '"b"', "1", "true", "null", "'x,y'"])


@st.composite
def _variable(draw: st.DrawFn, depth: int = 0) -> str:
    source = draw(_SOURCES)
    if depth < 3 and draw(st.booleans()):
        inner = draw(_variable(depth + 1))  # type: ignore[call-arg]
        source = source.replace("k0", "k${" + inner[2:-1] + "}") if "k0" in source else source
    fallbacks = draw(
        st.lists(st.one_of(_LITERALS, _variable(depth + 1) if depth < 3 else _LITERALS), max_size=2)
    )  # type: ignore[call-arg]
    return "${" + ", ".join([source, *fallbacks]) + "}"


def _resolver(custom: dict[str, str]) -> tuple[VariableResolver, YMap]:
    """A document built directly (any string is a value, no YAML quoting in the way)."""
    at = Location(file="serverless.yml", line=1)
    root, section = YMap(at), YMap(at)
    for key, value in custom.items():
        section[key] = value
    root["service"] = "s"
    root["custom"] = section
    return VariableResolver(root, "serverless.yml", "/nonexistent", LoadSettings()), root


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["k0", "k1", "k2"]),
        st.one_of(_variable(), st.text(max_size=20)),  # type: ignore[call-arg]
        max_size=3,
    )
)
def test_random_nesting_and_defaults_never_crash(custom: dict[str, str]) -> None:
    resolver, root = _resolver(custom)
    resolved = resolver.resolve_tree(root)
    assert isinstance(resolved, YMap)
    assert all(d.code in ("FG001", "FG002") for d in resolver.diagnostics)


@settings(max_examples=100, deadline=None)
@given(st.permutations(["k0", "k1", "k2"]), st.integers(min_value=1, max_value=3))
def test_cycles_of_any_length_end_with_a_diagnostic(order: list[str], length: int) -> None:
    ring = order[:length]
    custom = {k: "${self:custom." + ring[(i + 1) % length] + "}" for i, k in enumerate(ring)}
    resolver, root = _resolver(custom)
    resolved = resolver.resolve_tree(root)
    assert isinstance(resolved, YMap)
    assert any(d.message.startswith("variable cycle") for d in resolver.diagnostics)
    values = resolved["custom"]
    assert isinstance(values, YMap) and all(isinstance(values[k], Ref) for k in ring)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="${}:,'\"()ab.sel f", max_size=40))
def test_arbitrary_text_never_crashes(text: str) -> None:
    resolver, _ = _resolver({})
    resolver.resolve_string(text, resolver.root.loc, 0)


@pytest.mark.parametrize(
    "stage", ["${sls:stage}", "${opt:stage, self:provider.stage}", "${self:provider.stage}"]
)
def test_a_stage_defined_by_itself_is_a_cycle_not_a_hang(tmp_path: Path, stage: str) -> None:
    text = BASE.replace("  runtime:", f"  stage: {stage}\n  runtime:") + "      S: ${sls:stage}\n"
    app = load(tmp_path, text)
    assert function(app, "ApiLambdaFunction").name == "shop-dev-api"
    cycles = [d for d in app.diagnostics if d.message.startswith("variable cycle")]
    assert cycles and {d.location.line for d in cycles} == {line_of(text, "stage:")}
