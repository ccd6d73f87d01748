"""The corpus scorer's matching and scoring, on a small hand-made app (no real corpus)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from corpus_labels import (
    Blocks,
    Hit,
    Label,
    key_path_blocks,
    parse_label_rules,
    parse_labels,
    rules_for,
    supported,
    template_blocks,
    terraform_blocks,
)
from corpus_score import pillar_recall, score_app

from faasguard.loaders.yamljson import loads

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 3
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
  Other:
    Type: AWS::Serverless::Function
Outputs:
  X:
    Value: 1
"""


def _label(**changes: object) -> Label:
    fields: dict[str, object] = {
        "id": "L-1",
        "app": "demo",
        "file": "template.yaml",
        "line": 6,
        "resources": ("Api",),
        "pillar": "logging",
        "detectable_from": "template",
        "in_scope": True,
        "expected": "present",
    }
    fields.update(changes)
    return Label(**fields)  # type: ignore[arg-type]


@pytest.fixture
def blocks(tmp_path: Path) -> dict[str, Blocks]:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    return {"template.yaml": template_blocks(str(path), TEMPLATE.count("\n"))}


def test_template_blocks_span_each_resource(blocks: dict[str, Blocks]) -> None:
    found = blocks["template.yaml"]
    # counted by hand from TEMPLATE: Api 6-9, Fn 10-13, Other 14-15 (Outputs starts at 16)
    assert found.ranges["Api"] == (6, 9)
    assert found.ranges["Fn"] == (10, 13)
    assert found.ranges["Other"] == (14, 15)
    assert found.ranges["Globals.Function"] == (3, 4)
    assert found.types["Fn"] == "AWS::Serverless::Function"


def test_finding_on_resource_or_inside_its_block_matches(blocks: dict[str, Blocks]) -> None:
    mapping = {"demo": {"L-1": ("LOG003",)}}
    hits = [
        Hit(file="template.yaml", line=6, rule="LOG003", resource="Api"),
        Hit(file="template.yaml", line=8, rule="LOG003", resource="ApiprodStage"),  # in block
        Hit(file="template.yaml", line=10, rule="LOG003", resource="Fn"),  # other resource
        Hit(file="template.yaml", line=6, rule="LOG004", resource="Api"),  # other rule
        Hit(file="other.yaml", line=6, rule="LOG003", resource="Api"),  # other file
    ]
    score = score_app("demo", [_label()], hits, blocks, mapping)
    assert [r.label.id for r in score.present] == ["L-1"]
    assert set(score.present[0].hits) == set(hits[:2])
    assert score.unmatched == sorted(hits[2:])


def test_absent_label_counts_false_positives(blocks: dict[str, Blocks]) -> None:
    mapping = {"demo": {"L-2": ("LOG001",)}}
    label = _label(id="L-2", resources=("Fn",), expected="absent")
    clean = score_app("demo", [label], [], blocks, mapping)
    assert [r.reported for r in clean.absent] == [False]
    hit = Hit(file="template.yaml", line=12, rule="LOG001", resource="Fn")
    noisy = score_app("demo", [label], [hit], blocks, mapping)
    assert [r.reported for r in noisy.absent] == [True]
    assert noisy.unmatched == []


def test_globals_label_covers_every_sam_function(blocks: dict[str, Blocks]) -> None:
    mapping = {"demo": {"L-3": ("LOG001",)}}
    label = _label(id="L-3", resources=("Globals.Function",), line=3)
    hit = Hit(file="template.yaml", line=14, rule="LOG001", resource="Other")
    score = score_app("demo", [label], [hit], blocks, mapping)
    assert score.present[0].hits == (hit,)


def test_uncounted_labels_are_listed_apart(blocks: dict[str, Blocks]) -> None:
    labels = [
        _label(id="OUT", in_scope=False),
        _label(id="CODE", detectable_from="code"),
        _label(id="MIX", detectable_from="template+code"),
    ]
    score = score_app("demo", labels, [], blocks, {})
    assert score.out_of_scope == ["OUT"]
    assert score.not_template == ["CODE"]
    assert [r.label.id for r in score.present] == ["MIX"]
    assert [r.rules for r in score.present] == [()]


def test_pillar_recall_counts_found_over_total(blocks: dict[str, Blocks]) -> None:
    mapping = {"demo": {"A": ("LOG003",), "B": ("LOG005",), "C": ("IAM001",)}}
    labels = [
        _label(id="A"),
        _label(id="B"),
        _label(id="C", pillar="least-privilege", resources=("Fn",)),
    ]
    hits = [Hit(file="template.yaml", line=6, rule="LOG003", resource="Api")]
    score = score_app("demo", labels, hits, blocks, mapping)
    assert pillar_recall(score.present) == {"least-privilege": (0, 1), "logging": (1, 2)}


def test_rule_code_mapping_for_serverless_rules_ids() -> None:
    mapping = parse_label_rules(loads("serverless-rules:\n  ES1001: [LOG007]\n", "m.yaml").root)
    label = _label(id="SR-ES1001-missing-fail", app="serverless-rules")
    assert rules_for(label, mapping) == ("LOG007",)
    assert rules_for(_label(id="SR-XX9999-x", app="serverless-rules"), mapping) == ()


def test_parse_labels_and_supported_formats() -> None:
    text = """\
apps:
  a: {format: SAM + node.js}
  b: {format: pulumi + go}
  c: {format: Serverless Framework + Go}
  d: {format: terraform (IAM only)}
labels:
  - {id: X, app: a, file: t.yaml, line: 4, resource: "F1 + F2", pillar: logging,
     detectable_from: template, in_scope: false, expected: absent}
"""
    formats, labels = parse_labels(loads(text, "labels.yaml").root)
    assert {k: supported(v) for k, v in formats.items()} == {
        "a": True,
        "b": False,
        "c": True,
        "d": True,
    }
    assert labels[0].resources == ("F1", "F2")
    assert (labels[0].in_scope, labels[0].expected, labels[0].line) == (False, "absent", 4)


def test_terraform_blocks_are_named_by_address_and_end_at_their_brace() -> None:
    text = """\
# header
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Statement = [{ Action = "s3:*" }] })
  name   = "a { brace in a string"
}

data "aws_iam_policy_document" "d" {
  statement {
    actions = ["*"]
  }
}
module "m" {
  source = "./m"
}
"""
    blocks = terraform_blocks(text)
    assert blocks.ranges == {
        "aws_iam_policy.p": (2, 5),
        "data.aws_iam_policy_document.d": (7, 11),
        "module.m": (12, 14),
    }


def test_key_path_blocks_cover_nested_keys_and_list_items(tmp_path: Path) -> None:
    path = tmp_path / "serverless.yml"
    path.write_text(
        "service: s\nprovider:\n  runtime: go1.x\nfunctions:\n  hello:\n"
        "    handler: bin/hello\n    events:\n      - http:\n          path: x\n"
        "      - sqs: arn\n"
    )
    ranges = key_path_blocks(str(path), 10).ranges
    assert ranges["provider.runtime"] == (3, 3)
    assert ranges["functions.hello"] == (5, 10)
    assert ranges["functions.hello.events[0]"] == (8, 9)
    assert ranges["functions.hello.events[0].http"] == (8, 9)
    assert ranges["functions.hello.events[1]"] == (10, 10)
