"""CloudTrail detection speed and memory, end to end: prints figures, asserts nothing.

    python bench/logs.py [--records 1000000] [--per-file 2000] [--jobs 2] [--keep DIR]

Generates N synthetic records with a realistic field mix (Lambda runtime calls to DynamoDB/S3/
SQS/Secrets Manager, console and CLI users, CloudFormation deployments, AWS service calls, some
access-denied noise) into gzipped ``{"Records": [...]}`` objects named as CloudTrail delivers them,
plants a handful of attacks, then runs ``faasguard.api_logs.detect`` and prints records/second
and peak memory. Generation time is not counted.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from faasguard.api_logs import LogOptions, detect

ACCOUNT = "111122223333"
LAMBDA_UA = (
    "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.10.209 md/arch#x86_64 lang/python#3.12.1 "
    "md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.34"
)
CLI_UA = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.ubuntu.22 prompt/off command/s3.ls"
CONSOLE_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15"
CALLS = [  # (weight, source, event name, request parameters)
    (30, "dynamodb.amazonaws.com", "GetItem", {"tableName": "orders", "key": {"pk": {"S": "o#1"}}}),
    (15, "dynamodb.amazonaws.com", "PutItem", {"tableName": "orders"}),
    (15, "s3.amazonaws.com", "GetObject", {"bucketName": "assets", "key": "img/1.png"}),
    (8, "sqs.amazonaws.com", "SendMessage", {"queueUrl": "https://sqs/111122223333/jobs"}),
    (6, "kms.amazonaws.com", "Decrypt", {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
    (5, "sts.amazonaws.com", "AssumeRole", {"roleArn": "arn:aws:iam::111122223333:role/x"}),
    (4, "secretsmanager.amazonaws.com", "GetSecretValue", {"secretId": "prod/orders/db"}),
    (4, "lambda.amazonaws.com", "Invoke", {"functionName": "orders"}),
    (3, "ec2.amazonaws.com", "DescribeInstances", {"maxResults": 100}),
    (3, "logs.amazonaws.com", "CreateLogStream", {"logGroupName": "/aws/lambda/orders"}),
    (2, "ssm.amazonaws.com", "GetParameter", {"name": "/prod/orders/flag", "withDecryption": True}),
    (2, "lambda.amazonaws.com", "UpdateFunctionCode20150331v2", {"functionName": "orders"}),
    (1, "iam.amazonaws.com", "ListRoles", {}),
    (1, "cloudtrail.amazonaws.com", "LookupEvents", {"maxResults": 50}),
]
_WEIGHTS = [c[0] for c in CALLS]


def _identity(kind: int, rng: random.Random) -> tuple[dict[str, Any], str, str]:
    if kind < 6:  # a function's role session, from inside Lambda
        fn = f"fn-{rng.randrange(40)}"
        return (
            _session(f"{fn}-role", fn, f"ASIAFN{rng.randrange(400):014d}"),
            LAMBDA_UA,
            "3.250.1.2",
        )
    if kind < 8:  # CloudFormation deploying on a stack's behalf
        ident = _session("deploy-pipeline", "AWSCloudFormation", "ASIADEPLOY0000000001")
        ident["invokedBy"] = "cloudformation.amazonaws.com"
        return ident, "cloudformation.amazonaws.com", "cloudformation.amazonaws.com"
    name = f"user{rng.randrange(25)}"
    user = {
        "type": "IAMUser",
        "principalId": "AIDAJQABLZS4A3QDU576Q",
        "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
        "accountId": ACCOUNT,
        "accessKeyId": f"AKIA{rng.randrange(10**12):016d}",
        "userName": name,
    }
    return user, CLI_UA if kind == 8 else CONSOLE_UA, f"198.51.100.{rng.randrange(250)}"


def _session(role: str, session: str, key: str) -> dict[str, Any]:
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLE:{session}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}",
        "accountId": ACCOUNT,
        "accessKeyId": key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLE",
                "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}",
                "accountId": ACCOUNT,
                "userName": role,
            },
            "attributes": {"creationDate": "2026-11-20T09:00:00Z", "mfaAuthenticated": "false"},
        },
    }


def _record(rng: random.Random, second: int) -> dict[str, Any]:
    _, source, name, request = rng.choices(CALLS, weights=_WEIGHTS)[0]
    identity, agent, ip = _identity(rng.randrange(10), rng)
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_795_000_000 + second)),
        "eventSource": source,
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": ip,
        "userAgent": agent,
        "requestParameters": request,
        "responseElements": None,
        "requestID": str(uuid.UUID(int=rng.getrandbits(128))),
        "eventID": str(uuid.UUID(int=rng.getrandbits(128))),
        "readOnly": name.startswith(("Get", "Describe", "List", "Lookup")),
        "eventType": "AwsApiCall",
        "managementEvent": source != "dynamodb.amazonaws.com",
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256"},
    }
    if rng.random() < 0.02:
        record["errorCode"] = "AccessDenied"
        record["errorMessage"] = "User is not authorized"
    return record


def _planted(second: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    attacks = []
    for principal, name in (("*", "AddPermission20150331v2"), ("*", "AddLayerVersionPermission")):
        record = _record(rng, second)
        record.update(eventSource="lambda.amazonaws.com", eventName=name)
        record["requestParameters"] = {"functionName": "orders", "principal": principal}
        record.pop("errorCode", None)
        attacks.append(record)
    stop = _record(rng, second)
    stop.update(eventSource="cloudtrail.amazonaws.com", eventName="StopLogging")
    stop["requestParameters"] = {"name": "main"}
    stop.pop("errorCode", None)
    return [*attacks, stop]


def generate(folder: Path, records: int, per_file: int) -> int:
    rng = random.Random(42)
    written = 0
    files = 0
    while written < records:
        count = min(per_file, records - written)
        batch = [_record(rng, written + i) for i in range(count)]
        if files == 3:
            batch[: len(_planted(written))] = _planted(written)
        stamp = time.strftime("%Y%m%dT%H%MZ", time.gmtime(1_795_000_000 + written))
        name = f"{ACCOUNT}_CloudTrail_eu-west-1_{stamp}_{files:06d}.json.gz"
        data = orjson.dumps({"Records": batch})
        (folder / name).write_bytes(gzip.compress(data, compresslevel=6))
        written += count
        files += 1
    return files


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR (reused if present)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="faasguard-bench-logs-") as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.glob("*.json.gz")):
            started = time.perf_counter()
            files = generate(folder, args.records, args.per_file)
            print(
                f"generated {args.records:,} records in {files} files "
                f"in {time.perf_counter() - started:.1f} s"
            )
        size = sum(p.stat().st_size for p in folder.glob("*.json.gz"))
        print(f"input: {size / 1e6:.1f} MB gzipped")
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        result = detect([folder], LogOptions(jobs=args.jobs))
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
    records = dict(result.stats)["records"]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"records: {records:,} in {elapsed:.2f} s = {records / elapsed:,.0f} records/s "
        f"(jobs={args.jobs})"
    )
    print(
        f"CPU: {cpu:.1f} s over all processes = {records / cpu:,.0f} records per CPU-second "
        f"(on {args.jobs} idle cores at best {args.jobs * records / cpu:,.0f} records/s)"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f}")
    print(
        f"peak RSS: main process {own:.0f} MiB, largest worker {child:.0f} MiB, "
        f"tree at most {own + args.jobs * child:.0f} MiB"
    )
    counts = Counter(f.rule.id for f in result.findings)
    print("detections:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
