"""One positive and one negative CloudTrail fixture per detection.

A positive case returns its records and the eventID the detection must report (for a correlation,
the event that completes it); a negative case must not make the detection fire at all. The
deploy principals used with every case are ``DEPLOY``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from cloudtrail_events import (
    ACCOUNT,
    LAMBDA_AGENT,
    OTHER_ACCOUNT,
    Record,
    event,
    role_session,
    user,
)

LAMBDA = "lambda.amazonaws.com"
FN = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:orders"
DEPLOY = (f"arn:aws:iam::{ACCOUNT}:role/deploy-*",)
Case = Callable[[], tuple[list[Record], str | None]]


def _deployer() -> dict[str, object]:
    return role_session("deploy-pipeline", "codebuild-42")


def _cloudformation() -> dict[str, object]:
    return role_session(
        "orders-stack-role", "AWSCloudFormation", invoked_by="cloudformation.amazonaws.com"
    )


def _permission(
    principal: str, *, error: str | None = None, name: str = "AddPermission20150331v2"
) -> Record:
    statement = {
        "Sid": "open",
        "Effect": "Allow",
        "Principal": "*" if principal == "*" else {"AWS": principal},
        "Action": "lambda:InvokeFunction",
        "Resource": FN,
    }
    return event(
        name,
        LAMBDA,
        request={
            "functionName": "orders",
            "statementId": "open",
            "action": "lambda:InvokeFunction",
            "principal": principal,
        },
        response={"statement": json.dumps(statement, separators=(",", ":"))},
        error=error,
    )


def _layer_permission(principal: str) -> Record:
    return event(
        "AddLayerVersionPermission20181031",
        LAMBDA,
        request={
            "layerName": "shared-libs",
            "versionNumber": 4,
            "statementId": "s",
            "action": "lambda:GetLayerVersion",
            "principal": principal,
        },
        response={"statement": "{}", "revisionId": "5e3c"},
    )


def _config(request: dict[str, object], identity: dict[str, object] | None = None) -> Record:
    return event(
        "UpdateFunctionConfiguration20150331v2",
        LAMBDA,
        request={"functionName": "orders", **request},
        identity=identity,
    )


def _invoke(identity: dict[str, object], time: str) -> Record:
    record = event("Invoke", LAMBDA, request={"functionName": FN}, identity=identity, time=time)
    record["eventCategory"] = "Data"
    record["managementEvent"] = False
    return record


def _create(identity: dict[str, object], time: str = "2026-11-20T10:00:00Z") -> Record:
    return event(
        "CreateFunction20150331",
        LAMBDA,
        request={
            "functionName": "pwn",
            "runtime": "python3.12",
            "role": f"arn:aws:iam::{ACCOUNT}:role/admin-role",
            "handler": "index.handler",
        },
        identity=identity,
        time=time,
    )


def _at(minute: int, second: int = 0) -> str:
    return f"2026-11-20T10:{minute:02d}:{second:02d}Z"


def _last(records: list[Record]) -> tuple[list[Record], str | None]:
    return records, str(records[-1]["eventID"])


def _secrets(ids: list[str]) -> list[Record]:
    return [
        event(
            "GetSecretValue", "secretsmanager.amazonaws.com", request={"secretId": s}, time=_at(i)
        )
        for i, s in enumerate(ids)
    ]


def _params(decrypt: bool) -> list[Record]:
    return [
        event(
            "GetParameter",
            "ssm.amazonaws.com",
            request={"name": f"/prod/db/password-{i}", "withDecryption": decrypt},
            time=_at(i),
        )
        for i in range(5)
    ]


def _denied(count: int) -> list[Record]:
    return [
        event("ListBuckets", "s3.amazonaws.com", error="AccessDenied", time=_at(i))
        for i in range(count)
    ]


def _lambda_key_records(outside: bool) -> list[Record]:
    fn_session = role_session("orders-role", "orders", key="ASIAQNZGKIQY56JQ7WML")
    records = [
        event(
            "GetItem",
            "dynamodb.amazonaws.com",
            request={"tableName": "orders"},
            identity=fn_session,
            agent=LAMBDA_AGENT,
            ip="3.250.1.2",
            time=_at(0),
        )
    ]
    if outside:
        records.append(
            event(
                "ListBuckets",
                "s3.amazonaws.com",
                identity=fn_session,
                ip="198.51.100.7",
                time=_at(30),
            )
        )
    else:
        records.append(
            event(
                "PutItem",
                "dynamodb.amazonaws.com",
                request={"tableName": "orders"},
                identity=fn_session,
                agent=LAMBDA_AGENT,
                ip="3.250.1.2",
                time=_at(30),
            )
        )
        other = role_session("ops", "bob@example.com", key="ASIAOTHERKEY0000EXAM")
        records.append(event("ListBuckets", "s3.amazonaws.com", identity=other, time=_at(31)))
    return records


def _policy(action: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
        }
    )


def _plain(name: str, source: str, request: dict[str, object] | None = None) -> Case:
    return lambda: _last([event(name, source, request=request)])


def _none(name: str, source: str, request: dict[str, object] | None = None) -> Case:
    return lambda: ([event(name, source, request=request)], None)


POSITIVE: dict[str, Case] = {
    "CT001": lambda: _last([_permission("*")]),
    "CT002": lambda: _last([_permission(OTHER_ACCOUNT)]),
    "CT003": lambda: _last([_layer_permission("*")]),
    "CT004": lambda: _last([_layer_permission(OTHER_ACCOUNT)]),
    "CT005": _plain(
        "CreateFunctionUrlConfig20211031", LAMBDA, {"functionName": "orders", "authType": "NONE"}
    ),
    "CT006": _plain(
        "UpdateFunctionCode20150331v2", LAMBDA, {"functionName": "orders", "publish": True}
    ),
    "CT007": lambda: _last([_config({"timeout": 900})]),
    "CT008": _plain(
        "PublishLayerVersion20181031",
        LAMBDA,
        {"layerName": "shared-libs", "compatibleRuntimes": ["python3.12"]},
    ),
    "CT009": lambda: _last([_config({"role": f"arn:aws:iam::{ACCOUNT}:role/admin-role"})]),
    "CT010": lambda: _last(
        [_config({"layers": [f"arn:aws:lambda:eu-west-1:{OTHER_ACCOUNT}:layer:ext:3"]})]
    ),
    "CT011": lambda: _last([_create(user())]),
    "CT012": lambda: _last([_create(user(), _at(0)), _invoke(user(), _at(59, 59))]),
    "CT013": lambda: _last(_lambda_key_records(outside=True)),
    "CT014": lambda: _last(_secrets([f"prod/app/secret-{i}" for i in range(5)])),
    "CT015": lambda: _last(_params(decrypt=True)),
    "CT016": lambda: _last(_denied(10)),
    "CT017": _plain("StopLogging", "cloudtrail.amazonaws.com", {"name": "management-trail"}),
    "CT018": _plain(
        "PutEventSelectors",
        "cloudtrail.amazonaws.com",
        {
            "trailName": "management-trail",
            "eventSelectors": [{"readWriteType": "ReadOnly", "includeManagementEvents": False}],
        },
    ),
    "CT019": _plain("DeleteLogGroup", "logs.amazonaws.com", {"logGroupName": "/aws/lambda/orders"}),
    "CT020": _plain(
        "PutRetentionPolicy",
        "logs.amazonaws.com",
        {"logGroupName": "/aws/lambda/orders", "retentionInDays": 1},
    ),
    "CT021": _plain(
        "DeleteSubscriptionFilter",
        "logs.amazonaws.com",
        {"logGroupName": "/aws/lambda/orders", "filterName": "to-siem"},
    ),
    "CT022": _plain(
        "UpdateAssumeRolePolicy",
        "iam.amazonaws.com",
        {
            "roleName": "orders-role",
            "policyDocument": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                }
            ),
        },
    ),
    "CT023": _plain(
        "AttachRolePolicy",
        "iam.amazonaws.com",
        {"roleName": "orders-role", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
    ),
    "CT024": _plain(
        "PutRolePolicy",
        "iam.amazonaws.com",
        {"roleName": "orders-role", "policyName": "x", "policyDocument": _policy("*")},
    ),
    "CT025": _plain(
        "BatchGetSecretValue", "secretsmanager.amazonaws.com", {"secretIdList": ["a", "b", "c"]}
    ),
}

NEGATIVE: dict[str, Case] = {
    "CT001": lambda: (
        [_permission("s3.amazonaws.com"), _permission("*", error="AccessDeniedException")],
        None,
    ),
    "CT002": lambda: ([_permission(ACCOUNT), _permission(f"arn:aws:iam::{ACCOUNT}:root")], None),
    "CT003": lambda: ([_layer_permission(ACCOUNT)], None),
    "CT004": lambda: ([_layer_permission(ACCOUNT), _layer_permission("*")], None),
    "CT005": _none(
        "CreateFunctionUrlConfig20211031", LAMBDA, {"functionName": "orders", "authType": "AWS_IAM"}
    ),
    "CT006": lambda: (
        [
            event(
                "UpdateFunctionCode20150331v2",
                LAMBDA,
                request={"functionName": "orders"},
                identity=_deployer(),
            )
        ],
        None,
    ),
    "CT007": lambda: ([_config({"timeout": 30}, identity=_cloudformation())], None),
    "CT008": lambda: (
        [
            event(
                "PublishLayerVersion20181031",
                LAMBDA,
                request={"layerName": "l"},
                identity=_deployer(),
            )
        ],
        None,
    ),
    "CT009": lambda: ([_config({"timeout": 30})], None),
    "CT010": lambda: (
        [_config({"layers": [f"arn:aws:lambda:eu-west-1:{ACCOUNT}:layer:libs:7"]})],
        None,
    ),
    "CT011": lambda: ([_create(_deployer())], None),
    "CT012": lambda: (
        [
            _create(user(), _at(0)),
            _invoke(user(), "2026-11-20T11:00:01Z"),
            _invoke(user("bob"), _at(5)),
        ],
        None,
    ),
    "CT013": lambda: (_lambda_key_records(outside=False), None),
    "CT014": lambda: (_secrets(["prod/app/db"] * 5 + ["a", "b", "c"]), None),
    "CT015": lambda: (_params(decrypt=False), None),
    "CT016": lambda: (_denied(9), None),
    "CT017": _none("StartLogging", "cloudtrail.amazonaws.com", {"name": "management-trail"}),
    "CT018": _none(
        "GetEventSelectors", "cloudtrail.amazonaws.com", {"trailName": "management-trail"}
    ),
    "CT019": _none("DeleteLogGroup", "logs.amazonaws.com", {"logGroupName": "/ecs/orders"}),
    "CT020": _none(
        "PutRetentionPolicy",
        "logs.amazonaws.com",
        {"logGroupName": "/aws/apigateway/orders", "retentionInDays": 1},
    ),
    "CT021": _none(
        "PutSubscriptionFilter",
        "logs.amazonaws.com",
        {"logGroupName": "/aws/lambda/orders", "filterName": "to-siem"},
    ),
    "CT022": lambda: (
        [
            event(
                "UpdateAssumeRolePolicy",
                "iam.amazonaws.com",
                request={"roleName": "r"},
                error="AccessDenied",
            )
        ],
        None,
    ),
    "CT023": _none(
        "AttachRolePolicy",
        "iam.amazonaws.com",
        {
            "roleName": "orders-role",
            "policyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        },
    ),
    "CT024": _none(
        "PutRolePolicy",
        "iam.amazonaws.com",
        {"roleName": "orders-role", "policyName": "x", "policyDocument": _policy("s3:GetObject")},
    ),
    "CT025": _none("ListSecrets", "secretsmanager.amazonaws.com", {}),
}
