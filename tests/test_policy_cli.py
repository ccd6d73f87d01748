"""``faasguard policy``: the minimal policies of the example app, in each format.

The golden files under tests/report/golden/policy/ were checked by hand against the example's
code (examples/orders-app/src/*) and template: one statement per resource the code touches, on
the resource its environment variable is wired to. Regenerate with
``faasguard policy examples/orders-app --format FMT > tests/report/golden/policy/orders-app.FMT``
after checking the difference by hand.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from faasguard.api import ScanOptions
from faasguard.api_policy import UnknownFunctionError, minimal_policies
from faasguard.cli import main
from faasguard.loaders.yamljson import loads
from faasguard.report.policy import cfn_resource, render, terraform_resource

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "report" / "golden" / "policy"
OPTIONS = ScanOptions(today=date(2026, 11, 28), plugins=False)
SUFFIX = {"json": "json", "sam": "sam.yaml", "serverless": "serverless.yml", "terraform": "tf"}


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # displayed paths are relative to the working directory


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_policy_matches_the_hand_checked_golden(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "examples/orders-app", "--format", fmt]) == 0
    expected = (GOLDEN / f"orders-app.{SUFFIX[fmt]}").read_text(encoding="utf-8")
    assert capsys.readouterr().out == expected


def test_default_format_is_the_apps_own(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "examples/orders-app"]) == 0
    assert capsys.readouterr().out == (GOLDEN / "orders-app.sam.yaml").read_text(encoding="utf-8")


def test_unknown_function_exits_2_with_the_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "examples/orders-app", "--function", "Nope"]) == 2
    err = capsys.readouterr().err
    for name in ("CreateOrderFunction", "DailyReportFunction", "FulfillOrderFunction"):
        assert name in err


def test_one_function_by_logical_id() -> None:
    result = minimal_policies(["examples/orders-app"], OPTIONS, "CreateOrderFunction")
    [(_, policies)] = result.apps
    assert [p.function for p in policies] == ["CreateOrderFunction"]
    code = {(s.actions, s.resources) for s in policies[0].statements if not s.platform}
    # app.py:22 TABLE.put_item on TABLE_NAME=!Ref OrdersTable; :23 sqs send_message on QUEUE_URL
    assert code == {
        (("dynamodb:PutItem",), ("${OrdersTable.Arn}",)),
        (("sqs:SendMessage",), ("${OrderEventsQueue.Arn}",)),
    }


def test_unknown_function_error_lists_the_functions() -> None:
    with pytest.raises(UnknownFunctionError) as caught:
        minimal_policies(["examples/orders-app"], OPTIONS, "Nope")
    assert "OrderStatusFunction" in caught.value.known


def test_json_output_is_plain_iam(capsys: pytest.CaptureFixture[str]) -> None:
    main(["policy", "examples/orders-app", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    for app in document["apps"]:
        for fn in app["functions"]:
            for statement in fn["policy"]["Statement"]:
                assert statement["Effect"] == "Allow"
                assert all("${" not in r for r in statement["Resource"])


def test_sam_output_is_valid_yaml_with_intrinsics(capsys: pytest.CaptureFixture[str]) -> None:
    main(["policy", "examples/orders-app", "--format", "sam"])
    document = loads(capsys.readouterr().out, "policy.yaml")
    assert "CreateOrderFunction" in document.root  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "sam"),
    [
        ("*", '"*"'),
        ("${OrdersTable.Arn}", "!GetAtt OrdersTable.Arn"),
        ("${OrderShippedTopic}", "!Ref OrderShippedTopic"),
        ("${ReceiptsBucket.Arn}/receipts/*", '!Sub "${ReceiptsBucket.Arn}/receipts/*"'),
        ("arn:${AWS::Partition}:s3:::b/*", '!Sub "arn:${AWS::Partition}:s3:::b/*"'),
        ("arn:aws:s3:::b/*", '"arn:aws:s3:::b/*"'),
    ],
)
def test_cloudformation_resource_syntax(text: str, sam: str) -> None:
    assert cfn_resource(text) == sam


def test_terraform_resource_syntax() -> None:
    assert terraform_resource("${aws_sqs_queue.jobs.Arn}") == "${aws_sqs_queue.jobs.arn}"
    assert (
        terraform_resource("${aws_dynamodb_table.t.StreamArn}")
        == "${aws_dynamodb_table.t.stream_arn}"
    )
    # a whole reference is the resource's ARN; one inside an ARN is its name (Terraform id)
    assert terraform_resource("${aws_sns_topic.t}") == "${aws_sns_topic.t.arn}"
    assert terraform_resource("x:log-group:/aws/lambda/${aws_lambda_function.f}:*") == (
        "x:log-group:/aws/lambda/${aws_lambda_function.f.id}:*"
    )
    assert (
        terraform_resource("arn:${AWS::Partition}:s3:::b")
        == "arn:${data.aws_partition.current.partition}:s3:::b"
    )


def test_unresolved_call_is_listed_in_every_format(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        "import boto3\n\nC = boto3.client('s3')\n\n\ndef handler(event, context):\n"
        "    return getattr(C, event['op'])()\n",
        encoding="utf-8",
    )
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n"
        "      Handler: app.handler\n      Runtime: python3.12\n",
        encoding="utf-8",
    )
    result = minimal_policies([str(tmp_path)], OPTIONS)
    for fmt in ("json", "sam", "serverless", "terraform"):
        text = render(result.apps, fmt)
        assert "app.py:7" in text, fmt
    [(_, [policy])] = result.apps
    assert not policy.needs.complete
    assert all(s.platform for s in policy.statements)  # nothing was invented for the call
