"""``--app``: detections name their function; each function role's observed vs granted vs needed."""

from __future__ import annotations

from pathlib import Path

from cloudtrail_events import LAMBDA_AGENT, event, role_session, write_records

from faasguard.api_logs import LogOptions, detect
from faasguard.logs.privileges import LAMBDA_RUNTIME_QUERY, action_of, session_parts
from faasguard.logs.sigma import builtin_ruleset

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Role: !GetAtt OrdersRole.Arn
  OrdersRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders-role
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: orders
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:PutItem, s3:GetObject]
                Resource: "*"
"""
CODE = """\
import boto3

dynamodb = boto3.client("dynamodb")


def handler(event, context):
    return dynamodb.get_item(TableName="orders", Key={"pk": {"S": event["id"]}})
"""


def _app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    (app / "src" / "app.py").write_text(CODE, encoding="utf-8")
    return app


def _logs(tmp_path: Path) -> Path:
    session = role_session("orders-role", "orders", key="ASIAQNZGKIQY56JQ7WML")

    def runtime(name: str, source: str, error: str | None = None) -> dict[str, object]:
        return event(
            name, source, identity=session, agent=LAMBDA_AGENT, ip="3.250.1.2", error=error
        )

    logs = tmp_path / "logs"
    logs.mkdir()
    write_records(
        logs / "a.json.gz",
        [
            runtime("GetItem", "dynamodb.amazonaws.com"),
            runtime("GetItem", "dynamodb.amazonaws.com"),
            runtime("ListBuckets", "s3.amazonaws.com"),  # succeeded, but the code never calls it
            runtime("SendMessage", "sqs.amazonaws.com", error="AccessDenied"),
            event(
                "UpdateFunctionCode20150331v2",
                "lambda.amazonaws.com",
                request={"functionName": "arn:aws:lambda:eu-west-1:111122223333:function:orders"},
            ),
        ],
    )
    return logs


def test_privilege_report_and_function_join(tmp_path: Path) -> None:
    result = detect([_logs(tmp_path)], LogOptions(app_paths=(str(_app(tmp_path)),)))
    by_rule = {f.rule.id: f for f in result.findings}
    assert sorted(by_rule) == ["CT006", "CT101", "CT102", "CT103"]
    assert "function: " in " ".join(by_rule["CT006"].evidence)
    assert by_rule["CT006"].evidence[-1].endswith("template.yaml: OrdersFunction")
    actions = {
        rid: [e for e in by_rule[rid].evidence if e.startswith("action: ")] for rid in by_rule
    }
    assert actions["CT101"] == ["action: dynamodb:PutItem", "action: s3:GetObject"]
    assert actions["CT102"] == ["action: s3:ListBuckets"]
    assert actions["CT103"] == ["action: sqs:SendMessage"]
    assert all(by_rule[r].resource == "OrdersFunction" for r in ("CT101", "CT102", "CT103"))
    assert by_rule["CT101"].location.line == 11  # the function's Role key


def test_without_app_there_is_no_privilege_report(tmp_path: Path) -> None:
    result = detect([_logs(tmp_path)], LogOptions())
    assert [f.rule.id for f in result.findings] == ["CT006"]


def test_helpers() -> None:
    assert LAMBDA_RUNTIME_QUERY in dict(builtin_ruleset().queries)
    assert action_of("lambda.amazonaws.com", "UpdateFunctionCode20150331v2") == (
        "lambda:UpdateFunctionCode"
    )
    assert action_of("monitoring.amazonaws.com", "PutMetricData") == "cloudwatch:PutMetricData"
    assert action_of("s3.amazonaws.com", "GetObject") == "s3:GetObject"
    assert session_parts("arn:aws:sts::111122223333:assumed-role/orders-role/orders") == (
        "orders-role",
        "orders",
    )
    assert session_parts("arn:aws:iam::111122223333:user/alice") is None
