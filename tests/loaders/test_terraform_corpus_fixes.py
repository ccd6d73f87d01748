"""Regressions found on the public corpus: references inside ``jsonencode``, exclusive policy
attachments, and secret-valued attributes passed to a function's environment."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from terraform_support import line_of, load, write

from faasguard.api import ScanOptions, scan
from faasguard.loaders.terraform_eval import Context, Encoded, Module, evaluate
from faasguard.loaders.terraform_hcl import parse_body
from faasguard.model import Principal, Ref

LAMBDA_TRUST = """
    resource "aws_iam_role" "fn" {
      name = "fn"
      assume_role_policy = jsonencode({
        Statement = [{
          Effect = "Allow", Action = "sts:AssumeRole"
          Principal = { Service = "lambda.amazonaws.com" }
        }]
      })
    }
"""


def test_jsonencode_with_a_resource_reference_in_a_trust_policy(tmp_path: Path) -> None:
    # cloudgoat lambda_privesc: a user's ARN as the principal of a jsonencode'd trust policy
    main = """
    resource "aws_iam_user" "chris" {
      name = "chris-${var.cgid}"
    }
    resource "aws_iam_role" "manager" {
      name = "manager"
      assume_role_policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Action    = "sts:AssumeRole"
          Principal = { AWS = aws_iam_user.chris.arn }
          Effect    = "Allow"
          Condition = { StringEquals = { "aws:PrincipalTag/team" = [var.team, "ops"] } }
        }]
      })
      tags = { Policy = jsonencode({ who = aws_iam_user.chris.arn }) }
      description = "trust: ${jsonencode([aws_iam_user.chris.arn])}"
    }
    variable "cgid" {}
    variable "team" {}
    """
    app = load(tmp_path, {"main.tf": main})
    assert app.diagnostics == ()
    (statement,) = app.roles[0].trust
    (principal,) = statement.principals
    assert principal == Principal(
        kind="AWS",
        value=Ref(text="aws_iam_user.chris.arn", target="aws_iam_user.chris", attribute="arn"),
    )
    assert statement.location.line == line_of(tmp_path, "main.tf", "Statement = [{")


def test_jsonencode_text_keeps_unresolved_parts_symbolic() -> None:
    body = parse_body("x = jsonencode({ p = { AWS = [aws_iam_user.u.arn, var.v] } })\n", "t.tf")
    empty = Module("", "", "m", {}, {}, {}, lambda _: None)
    value = evaluate(body.attributes["x"].expr, Context(module=empty))
    assert isinstance(value, Encoded)
    assert json.loads(value.text()) == {"p": {"AWS": ["${aws_iam_user.u.arn}", "${var.v}"]}}


def test_role_policy_attachments_exclusive_attach_every_policy(tmp_path: Path) -> None:
    # cloudgoat sqs_flag_shop attaches the role's AWS managed policies this way
    main = (
        LAMBDA_TRUST
        + """
    resource "aws_iam_policy" "own" {
      policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sqs:SendMessage",
        Resource = "*" }] })
    }
    resource "aws_iam_role_policy_attachments_exclusive" "fn" {
      role_name = aws_iam_role.fn.name
      policy_arns = [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
        aws_iam_policy.own.arn,
      ]
    }
    """
    )
    app = load(tmp_path, {"main.tf": main})
    (role,) = app.roles
    (managed,) = role.managed_policies
    assert managed.arn == "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"
    assert managed.location.line == line_of(tmp_path, "main.tf", "AWSLambdaSQSQueueExecution")
    assert [s.actions for s in role.statements] == [("sqs:SendMessage",)]
    (own,) = app.policies
    assert own.roles == ("aws_iam_role.fn",)


def test_exclusive_attachments_by_literal_role_name(tmp_path: Path) -> None:
    main = (
        LAMBDA_TRUST
        + """
    resource "aws_iam_role_policy_attachments_exclusive" "fn" {
      role_name   = "fn"
      policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
    }
    """
    )
    (role,) = load(tmp_path, {"main.tf": main}).roles
    assert [m.arn for m in role.managed_policies] == ["arn:aws:iam::aws:policy/AdministratorAccess"]


def _rule_lines(directory: Path, rule: str) -> list[tuple[int, str]]:
    result = scan([str(directory)], ScanOptions(today=date(2026, 1, 1), plugins=False))
    return sorted((f.location.line, f.message) for f in result.findings if f.rule.id == rule)


def test_secret_valued_attributes_in_the_environment_are_sec001(tmp_path: Path) -> None:
    # cloudgoat sns_secrets: API_GATEWAY_KEY = aws_api_gateway_api_key.api_key.value
    main = (
        LAMBDA_TRUST
        + """
    resource "aws_api_gateway_api_key" "k" {
      name = "k"
    }
    resource "aws_secretsmanager_secret_version" "v" {
      secret_id     = "s"
      secret_string = "x"
    }
    resource "aws_db_instance" "db" {
      instance_class = "db.t3.micro"
      password       = var.db_password
    }
    variable "db_password" {
      sensitive = true
    }
    resource "aws_lambda_function" "fn" {
      function_name = "fn"
      filename      = "fn.zip"
      handler       = "app.handler"
      runtime       = "python3.12"
      role          = aws_iam_role.fn.arn
      environment {
        variables = {
          GATEWAY = aws_api_gateway_api_key.k.value
          KEY_ID  = aws_api_gateway_api_key.k.id
          STRING  = aws_secretsmanager_secret_version.v.secret_string
          VERSION = aws_secretsmanager_secret_version.v.version_id
          DB_PASS = aws_db_instance.db.password
          DB_HOST = aws_db_instance.db.address
          SECRET  = var.db_password
        }
      }
    }
    """
    )
    write(tmp_path, {"main.tf": main})
    lines = [line for line, _ in _rule_lines(tmp_path, "SEC001")]
    # a sensitive variable is the NoEcho parameter of Terraform: SEC001's own remediation
    assert lines == [
        line_of(tmp_path, "main.tf", "GATEWAY ="),
        line_of(tmp_path, "main.tf", "STRING  ="),
        line_of(tmp_path, "main.tf", "DB_PASS ="),
    ]
