"""More Terraform constructs: dynamic blocks, AppSync, CloudFormation-equivalent resource types,
variables as parameters, bad tfvars, the CLI's --var-file, and a fuzz test of the reader."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from terraform_support import load, write

from faasguard.api import ScanOptions, scan
from faasguard.cli import main
from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.terraform_hcl import HclError, parse_file
from faasguard.model import Location, Ref


def test_dynamic_block_is_read_once_with_its_iterator_unknown(tmp_path: Path) -> None:
    main_tf = """
    data "aws_iam_policy_document" "d" {
      dynamic "statement" {
        for_each = var.grants
        content {
          actions   = [statement.value]
          resources = ["*"]
        }
      }
    }
    resource "aws_iam_role" "r" {
      name               = "r"
      assume_role_policy = "{}"
      inline_policy {
        name   = "p"
        policy = data.aws_iam_policy_document.d.json
      }
    }
    variable "grants" {}
    """
    app = load(tmp_path, {"main.tf": main_tf})
    (statement,) = app.roles[0].statements
    assert statement.resources == ("*",)
    (action,) = statement.actions
    assert isinstance(action, Ref) and action.text == "statement.value"


def test_appsync_api(tmp_path: Path) -> None:
    main_tf = """
    resource "aws_appsync_graphql_api" "g" {
      name                = "g"
      authentication_type = "API_KEY"
      xray_enabled        = true
      log_config {
        field_log_level = "ERROR"
      }
    }
    """
    (api,) = load(tmp_path, {"main.tf": main_tf}).apis
    assert (api.protocol, api.tracing, api.execution_logging) == ("GRAPHQL", True, "ERROR")
    assert [a.kind for a in api.authorizers] == ["API_KEY"]


def test_resource_types_use_cloudformation_names_and_skip_data_sources(tmp_path: Path) -> None:
    main_tf = """
    resource "aws_kinesis_stream" "s" {}
    resource "aws_db_instance" "db" {}
    resource "aws_something_new" "x" {}
    data "aws_caller_identity" "me" {}
    """
    app = load(tmp_path, {"main.tf": main_tf})
    assert dict(app.resource_types) == {
        "aws_kinesis_stream.s": "AWS::Kinesis::Stream",
        "aws_db_instance.db": "AWS::RDS::DBInstance",
        "aws_something_new.x": "aws_something_new",
    }
    assert app.channels[0].type == "aws_kinesis_stream"


def test_root_variables_are_parameters(tmp_path: Path) -> None:
    main_tf = """
    variable "db_password" {
      default   = "literal"
      sensitive = true
    }
    variable "stage" {
      default = "dev-${1}"
    }
    """
    params = {p.name: p for p in load(tmp_path, {"main.tf": main_tf}).parameters}
    assert params["db_password"].no_echo is True
    assert params["db_password"].default == "literal"
    assert params["db_password"].location == Location(file="tf/main.tf", line=1)
    assert params["stage"].default is None  # not written out literally
    assert params["stage"].no_echo is False


def test_unreadable_tfvars_is_fg001_and_the_rest_loads(tmp_path: Path) -> None:
    files = {
        "main.tf": 'variable "x" {\n  default = "d"\n}\nresource "aws_sqs_queue" "q" {\n'
        "  name = var.x\n}\n",
        "terraform.tfvars": "x = = broken\n",
    }
    app = load(tmp_path, files)
    assert [d.location.file for d in app.diagnostics if d.code == "FG001"] == [
        "tf/terraform.tfvars"
    ]
    assert app.channels[0].name == "d"


def test_missing_var_file_is_reported(tmp_path: Path) -> None:
    app = load(tmp_path, {"main.tf": ""}, LoadSettings(var_files=("nope.tfvars",)))
    assert [d.code for d in app.diagnostics] == ["FG001"]


def test_cli_var_file_sets_variables(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
            variable "runtime" {
              default = "python3.13"
            }
            resource "aws_lambda_function" "fn" {
              function_name = "fn"
              role          = "arn:aws:iam::123456789012:role/x"
              runtime       = var.runtime
            }
            """,
            "old.tfvars": 'runtime = "python3.8"\n',
        },
    )
    args = ["scan", str(tmp_path), "--select", "FN001", "--format", "json", "--jobs", "1"]
    assert main(args) == 0
    assert main([*args, "--var-file", str(tmp_path / "old.tfvars")]) == 1


def test_function_url_location_is_its_auth_type(tmp_path: Path) -> None:
    main_tf = """
    resource "aws_lambda_function" "fn" {
      function_name = "fn"
      role          = "arn:aws:iam::123456789012:role/x"
    }
    resource "aws_lambda_function_url" "u" {
      function_name      = aws_lambda_function.fn.function_name
      authorization_type = "NONE"
    }
    """
    url = load(tmp_path, {"main.tf": main_tf}).functions[0].url
    assert url is not None and url.location == Location(file="tf/main.tf", line=7)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='resouc "{}=[]$\n#abx.-_0123456789', max_size=120))
def test_reader_raises_only_hcl_errors(text: str) -> None:
    try:
        parse_file(text, "f.tf")
    except HclError as exc:
        assert exc.line >= 0


def test_inline_suppressions_in_tf_files_apply(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
            resource "aws_sqs_queue" "a" {  # faasguard:ignore[ENC004] test queue
              name = "a"
            }
            resource "aws_sqs_queue" "b" {
              name = "b"
            }
            """
        },
    )
    options = ScanOptions(today=date(2026, 11, 28), select=frozenset({"ENC004"}), plugins=False)
    result = scan([str(tmp_path)], options)
    states = {f.resource: f.suppressed for f in result.findings}
    assert states == {"aws_sqs_queue.a": True, "aws_sqs_queue.b": False}
