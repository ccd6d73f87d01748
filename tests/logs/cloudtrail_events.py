"""Realistic CloudTrail records written by the tests (fixed accounts, keys and times)."""

from __future__ import annotations

import gzip
import itertools
import json
import uuid
from pathlib import Path
from typing import Any

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
CLI_AGENT = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.ubuntu.22 prompt/off"
LAMBDA_AGENT = (
    "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.10.209 md/arch#x86_64 "
    "lang/python#3.12.1 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy "
    "Botocore/1.34.34"
)
_ids = itertools.count(1)

Record = dict[str, Any]


def user(name: str = "alice", key: str = "AKIAIOSFODNN7EXAMPLE") -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": "AIDAJQABLZS4A3QDU576Q",
        "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
        "accountId": ACCOUNT,
        "accessKeyId": key,
        "userName": name,
    }


def role_session(
    role: str, session: str, key: str = "ASIAY34FZKBOKMUTVV7A", invoked_by: str | None = None
) -> dict[str, Any]:
    identity: dict[str, Any] = {
        "type": "AssumedRole",
        "principalId": f"AROAY34FZKBOKEXAMPLE:{session}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}",
        "accountId": ACCOUNT,
        "accessKeyId": key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAY34FZKBOKEXAMPLE",
                "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}",
                "accountId": ACCOUNT,
                "userName": role,
            },
            "attributes": {"creationDate": "2026-11-20T09:00:00Z", "mfaAuthenticated": "false"},
        },
    }
    if invoked_by:
        identity["invokedBy"] = invoked_by
    return identity


def event(
    name: str,
    source: str,
    *,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    identity: dict[str, Any] | None = None,
    error: str | None = None,
    time: str = "2026-11-20T10:00:00Z",
    agent: str = CLI_AGENT,
    ip: str = "203.0.113.10",
) -> Record:
    """One management event as CloudTrail delivers it."""
    record: Record = {
        "eventVersion": "1.09",
        "userIdentity": identity or user(),
        "eventTime": time,
        "eventSource": source,
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": ip,
        "userAgent": agent,
        "requestParameters": request,
        "responseElements": response,
        "requestID": str(uuid.UUID(int=next(_ids))),
        "eventID": str(uuid.UUID(int=0xE000 + next(_ids))),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if error:
        record["errorCode"] = error
        record["errorMessage"] = f"User is not authorized to perform: {name}"
        record["responseElements"] = None
    return record


def write_records(path: Path, records: list[Record], *, gz: bool = True) -> Path:
    """A delivered CloudTrail object: ``{"Records": [...]}``, gzipped like in the bucket."""
    data = json.dumps({"Records": records}).encode()
    if gz:
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def write_ndjson(path: Path, records: list[Record]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
