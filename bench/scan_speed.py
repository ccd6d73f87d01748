"""Scan speed and memory on generated SAM apps: prints figures, asserts nothing.

    python bench/scan_speed.py [--functions 50 200 800] [--jobs 1 2]

Each app has N functions with an HTTP API event, inline policies and environment variables, one
table and one queue per ten functions: roughly what a large monorepo template looks like.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from faasguard.api import ScanOptions, scan

FUNCTION = """\
  Fn{i}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/fn{i}/
      Environment:
        Variables:
          TABLE_NAME: !Ref Table{t}
          QUEUE_URL: !Ref Queue{t}
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref Table{t}
        - Statement:
            - Effect: Allow
              Action: sqs:SendMessage
              Resource: !GetAtt Queue{t}.Arn
      Events:
        Get:
          Type: HttpApi
          Properties:
            Path: /items{i}
            Method: GET
"""
STORE = """\
  Table{t}:
    Type: AWS::Serverless::SimpleTable
  Queue{t}:
    Type: AWS::SQS::Queue
"""


def write_app(directory: Path, functions: int) -> Path:
    body = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    body += [STORE.format(t=t) for t in range(functions // 10 + 1)]
    body += [FUNCTION.format(i=i, t=i // 10) for i in range(functions)]
    path = directory / f"app{functions}" / "template.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(body))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, nargs="+", default=[50, 200, 800])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1])
    parser.add_argument("--copies", type=int, default=1, help="templates per scan")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.functions:
            root = Path(tmp) / f"n{n}"
            for copy in range(args.copies):
                write_app(root / f"c{copy}", n)
            size = sum(p.stat().st_size for p in root.rglob("template.yaml"))
            for jobs in args.jobs:
                start = time.perf_counter()
                result = scan([str(root)], ScanOptions(today=date(2026, 11, 28), jobs=jobs))
                elapsed = time.perf_counter() - start
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(
                    f"functions={n:5d} copies={args.copies} bytes={size:9d} jobs={jobs} "
                    f"seconds={elapsed:6.2f} findings={len(result.findings):6d} "
                    f"max_rss_mib={rss:7.1f}"
                )


if __name__ == "__main__":
    main()
