"""Differential test: our SAM semantics against the official translator's CloudFormation.

The translator runs offline: a fixed region session (no credentials used), a fake managed-policy
map, and local CodeUri values rewritten to S3 URIs as ``sam package`` would.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from faasguard.loaders.yamljson import load_file
from faasguard.model import Ref

sys.path.insert(0, str(Path(__file__).parent))
from sam_support import load_sam

FIXTURES = Path(__file__).parent / "fixtures" / "sam"
MANAGED = {
    n: f"arn:aws:iam::aws:policy/{n}"
    for n in ("AmazonS3ReadOnlyAccess", "AWSLambdaExecute", "AWSXrayWriteOnlyAccess")
}
SECURITY_KINDS = {
    "cognito_user_pools": "COGNITO",
    "awsSigv4": "IAM",
    "token": "LAMBDA_TOKEN",
    "request": "LAMBDA_REQUEST",
    "jwt": "JWT",
}


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def translate(path: Path) -> dict[str, Any]:
    template = _plain(load_file(str(path), path.name).root)
    for resource in template["Resources"].values():
        props = resource.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://bucket/{props[key]}"
    translator = Translator(MANAGED, Parser(), boto_session=boto3.Session(region_name="us-east-1"))
    plain_ids = {
        k for k, r in template["Resources"].items() if not r["Type"].startswith("AWS::Serverless::")
    }
    out = translator.translate(template, {})["Resources"]
    # only what SAM generated: the template's own CloudFormation resources are not our subject
    return {k: v for k, v in out.items() if k not in plain_ids}


def _actions(statements: list[Any]) -> frozenset[str]:
    found: set[str] = set()
    for st in statements:
        action = st.get("Action", [])
        found.update(a.lower() for a in ([action] if isinstance(action, str) else action))
    return frozenset(found)


def oracle_roles(out: dict[str, Any]) -> set[tuple[str, frozenset[str], frozenset[str]]]:
    roles = set()
    for ident, res in out.items():
        if res["Type"] != "AWS::IAM::Role":
            continue
        props = res["Properties"]
        statements = [
            s for p in props.get("Policies", []) for s in p["PolicyDocument"]["Statement"]
        ]
        roles.add((ident, _actions(statements), frozenset(props.get("ManagedPolicyArns", []))))
    return roles


def our_roles(path: Path) -> set[tuple[str, frozenset[str], frozenset[str]]]:
    parts = load_sam(path)
    return {
        (
            r.id,
            frozenset(str(a).lower() for s in r.statements for a in s.actions),
            frozenset(str(m.arn) for m in r.managed_policies),
        )
        for r in parts.roles
    }


def _arn_shape(arn: Any) -> str | None:
    if isinstance(arn, dict) and "Fn::Sub" in arn:
        text, variables = (
            arn["Fn::Sub"] if isinstance(arn["Fn::Sub"], list) else (arn["Fn::Sub"], {})
        )
        for name, value in variables.items():
            shown = value["Ref"] if isinstance(value, dict) else value
            text = text.replace("${" + name + "}", str(shown))
        return text.replace("arn:${AWS::Partition}:", "arn:aws:")
    if isinstance(arn, dict):
        ref = arn.get("Ref") or arn.get("Fn::GetAtt", [None])[0]
        return str(ref)
    return arn  # type: ignore[no-any-return]


def oracle_permissions(out: dict[str, Any]) -> set[tuple[str, str, str | None]]:
    return {
        (ident, res["Properties"]["Principal"], _arn_shape(res["Properties"].get("SourceArn")))
        for ident, res in out.items()
        if res["Type"] == "AWS::Lambda::Permission"
    }


def _our_arn(value: Any) -> str | None:
    if isinstance(value, Ref):
        return value.text if value.text.startswith("arn:") else value.target or value.text
    return value  # type: ignore[no-any-return]


def our_permissions(path: Path) -> set[tuple[str, str, str | None]]:
    return {(p.id, str(p.principal), _our_arn(p.source_arn)) for p in load_sam(path).permissions}


def _route_auth(op: dict[str, Any], schemes: dict[str, Any]) -> tuple[str, bool]:
    kind, api_key = "NONE", False
    for entry in op.get("security", []):
        for name in entry:
            if name == "api_key":
                api_key = True
            elif name in schemes:
                scheme = schemes[name]
                raw = scheme.get("x-amazon-apigateway-authtype")
                authorizer = scheme.get("x-amazon-apigateway-authorizer", {})
                if raw == "custom" or authorizer.get("type") in ("token", "request", "jwt"):
                    raw = authorizer.get("type")
                kind = SECURITY_KINDS.get(str(raw), "IAM" if name == "AWS_IAM" else str(raw))
    return kind, api_key


def oracle_routes(out: dict[str, Any]) -> set[tuple[str, str, str, str, bool]]:
    routes = set()
    for ident, res in out.items():
        if res["Type"] not in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            continue
        body = res["Properties"].get("Body", {})
        schemes = body.get("securityDefinitions") or body.get("components", {}).get(
            "securitySchemes", {}
        )
        for path, methods in body.get("paths", {}).items():
            for method, op in methods.items():
                if op.get("summary") == "CORS support":
                    continue  # the preflight SAM generates for Cors is not a route of ours
                verb = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
                routes.add((ident, verb, path, *_route_auth(op, schemes)))
    return routes


def our_routes(path: Path) -> set[tuple[str, str, str, str, bool]]:
    return {
        (
            r.api,
            r.method,
            r.path,
            r.authorizer.kind if r.authorizer else "NONE",
            r.api_key_required is True,
        )
        for api in load_sam(path).apis
        for r in api.routes
    }


FILES = sorted(p.name for p in FIXTURES.glob("*.yaml"))
EXAMPLES = Path(__file__).parent.parent.parent / "examples"
#: the SAM fixtures plus the bundled example apps
TEMPLATES = [FIXTURES / name for name in FILES] + [
    EXAMPLES / "orders-app" / "template.yaml",
    EXAMPLES / "orders-app-fixed" / "template.yaml",
]
IDS = [p.parent.name if p.name == "template.yaml" else p.stem for p in TEMPLATES]


@pytest.mark.parametrize("path", TEMPLATES, ids=IDS)
def test_roles_match_translator(path: Path) -> None:
    assert our_roles(path) == oracle_roles(translate(path))


@pytest.mark.parametrize("path", TEMPLATES, ids=IDS)
def test_permissions_match_translator(path: Path) -> None:
    ours = {(i, p, re.sub(r"\s", "", a) if a else a) for i, p, a in our_permissions(path)}
    theirs = oracle_permissions(translate(path))
    theirs = {(i, p, re.sub(r"\s", "", a) if a else a) for i, p, a in theirs}
    assert ours == theirs


@pytest.mark.parametrize("path", TEMPLATES, ids=IDS)
def test_routes_match_translator(path: Path) -> None:
    assert our_routes(path) == oracle_routes(translate(path))


def test_fixtures_cover_every_event_type() -> None:
    text = "".join((FIXTURES / n).read_text() for n in FILES)
    for kind in (
        "Api",
        "HttpApi",
        "S3",
        "SQS",
        "SNS",
        "Kinesis",
        "DynamoDB",
        "Schedule",
        "ScheduleV2",
        "EventBridgeRule",
        "CloudWatchEvent",
        "CloudWatchLogs",
        "Cognito",
        "IoTRule",
        "MSK",
        "MQ",
        "SelfManagedKafka",
        "DocumentDB",
        "AlexaSkill",
    ):
        assert f"Type: {kind}\n" in text, kind
