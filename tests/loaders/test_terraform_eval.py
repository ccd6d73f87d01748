"""Terraform expression evaluation: variables and their sources, locals, interpolation,
functions, references; property tests that random expressions never crash or hang."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from terraform_support import load

from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.terraform_eval import Context, Encoded, Module, evaluate
from faasguard.loaders.terraform_hcl import parse_expression
from faasguard.model import Ref

FUNCTION = """
resource "aws_lambda_function" "fn" {
  function_name = %s
  role          = "arn:aws:iam::123456789012:role/x"
}
"""


def _name(tmp_path: Path, expr: str, extra: dict[str, str] | None = None, **kw: object) -> object:
    files = {"main.tf": FUNCTION % expr, **(extra or {})}
    app = load(tmp_path, files, LoadSettings(**kw))  # type: ignore[arg-type]
    return app.functions[0].name


def test_variable_default_is_used_and_noted(tmp_path: Path) -> None:
    files = {"vars.tf": 'variable "stage" {\n  default = "dev"\n}\n'}
    app = load(tmp_path, {"main.tf": FUNCTION % '"orders-${var.stage}"', **files})
    assert app.functions[0].name == "orders-dev"
    assert app.functions[0].assumptions == ('variable stage: default "dev" used',)


def test_variable_without_value_stays_symbolic(tmp_path: Path) -> None:
    name = _name(tmp_path, '"orders-${var.stage}"', {"v.tf": 'variable "stage" {}\n'})
    assert isinstance(name, Ref)
    assert name.text == "orders-${var.stage}"


def test_tfvars_precedence(tmp_path: Path) -> None:
    extra = {
        "v.tf": 'variable "stage" {\n  default = "dev"\n}\n',
        "terraform.tfvars": 'stage = "from-tfvars"\n',
        "b.auto.tfvars": 'stage = "from-auto"\n',
    }
    assert _name(tmp_path, "var.stage", extra) == "from-auto"


def test_var_file_then_var_option_win(tmp_path: Path) -> None:
    extra = {
        "v.tf": 'variable "stage" {\n  default = "dev"\n}\n',
        "prod.tfvars": 'stage = "from-var-file"\n',
    }
    assert _name(tmp_path, "var.stage", extra, var_files=("prod.tfvars",)) == "from-var-file"
    assert (
        _name(
            tmp_path,
            "var.stage",
            extra,
            var_files=("prod.tfvars",),
            variables=(("stage", "from-option"),),
        )
        == "from-option"
    )


def test_tfvars_json(tmp_path: Path) -> None:
    extra = {"v.tf": 'variable "stage" {}\n', "x.auto.tfvars.json": '{"stage": "json"}'}
    assert _name(tmp_path, "var.stage", extra) == "json"


def test_locals_and_functions(tmp_path: Path) -> None:
    locals_tf = """
    locals {
      base    = { env = "prod", team = "orders" }
      merged  = merge(local.base, { team = "payments" })
      parts   = concat(["a"], ["b", "c"])
      label   = format("%s-%s-%d", local.merged.env, local.merged.team, length(local.parts))
      picked  = lookup(local.base, "missing", "fallback")
    }
    """
    extra = {"locals.tf": locals_tf}
    assert _name(tmp_path, "local.label", extra) == "prod-payments-3"
    assert _name(tmp_path, '"${local.picked}-${upper(local.parts[2])}"', extra) == "fallback-C"
    assert _name(tmp_path, 'join("/", local.parts)', extra) == "a/b/c"


def test_conditional_and_operators(tmp_path: Path) -> None:
    extra = {"v.tf": 'variable "prod" {\n  default = true\n}\n'}
    assert _name(tmp_path, 'var.prod ? "big" : "small"', extra) == "big"
    assert _name(tmp_path, '"${1 + 2 * 3}"', extra) == "7"


def test_file_reads_inside_the_module_and_templatefile_stays_symbolic_when_missing(
    tmp_path: Path,
) -> None:
    extra = {"name.txt": "from-file", "greet.tpl": "hello-${who}"}
    assert _name(tmp_path, 'trimspace(file("${path.module}/name.txt"))', extra) == "from-file"
    assert _name(tmp_path, 'templatefile("greet.tpl", { who = "bob" })', extra) == "hello-bob"
    missing = _name(tmp_path, 'templatefile("nope.tpl", {})', extra)
    assert isinstance(missing, Ref)
    assert "templatefile" in missing.text


def test_file_outside_the_scanned_tree_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    assert isinstance(_name(inner, 'file("../secret.txt")'), Ref)


def test_reference_to_a_resource_is_a_ref_with_its_address(tmp_path: Path) -> None:
    files = {
        "main.tf": """
        resource "aws_iam_role" "r" {
          name = "r"
        }
        resource "aws_lambda_function" "fn" {
          function_name = "fn-${aws_iam_role.r.name}"
          role          = aws_iam_role.r.arn
        }
        """
    }
    app = load(tmp_path, files)
    fn = app.functions[0]
    assert fn.role == "aws_iam_role.r"
    assert isinstance(fn.name, Ref)
    assert fn.name.target == "aws_iam_role.r"
    assert fn.name.text == "fn-${aws_iam_role.r.name}"


def test_locals_cycle_ends_with_a_diagnostic(tmp_path: Path) -> None:
    extra = {"locals.tf": "locals {\n  a = local.b\n  b = local.a\n}\n"}
    files = {"main.tf": FUNCTION % "local.a", **extra}
    app = load(tmp_path, files)
    assert isinstance(app.functions[0].name, Ref)
    (cycle,) = [d for d in app.diagnostics if "cycle" in d.message]
    assert cycle.code == "FG002"
    assert cycle.location.file == "tf/locals.tf"
    assert cycle.location.line in (2, 3)


def test_jsonencode_keeps_structure() -> None:
    value = _eval('jsonencode({ a = [1, "x"], b = var.unknown })')
    assert isinstance(value, Encoded)
    assert value.text() == '{"a":[1,"x"],"b":"${var.unknown}"}'


# --- property tests -------------------------------------------------------------------------


def _module() -> Module:
    return Module(
        prefix="",
        directory="/nonexistent",
        display="m",
        variables={"a": "x", "n": 2, "m": {"k": "v"}, "l": ["p", "q"]},
        locals={},
        resources={"aws_s3_bucket": {"b"}},
        read_file=lambda _: None,
    )


def _eval(source: str) -> object:
    return evaluate(parse_expression(source, 1), Context(module=_module()))


_ATOMS = st.sampled_from(
    [
        '"s"',
        "1",
        "true",
        "null",
        "var.a",
        "var.n",
        "var.m",
        "var.l",
        "var.missing",
        "local.nope",
        "aws_s3_bucket.b.arn",
        "data.x.y.z",
        "each.key",
        "count.index",
        "path.module",
    ]
)
_FUNCTIONS = st.sampled_from(
    [
        "jsonencode",
        "merge",
        "concat",
        "format",
        "lookup",
        "upper",
        "join",
        "length",
        "file",
        "templatefile",
        "coalesce",
        "tostring",
        "element",
        "nosuchfunction",
    ]
)


def _expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        _ATOMS,
        lambda inner: st.one_of(
            st.builds(
                lambda f, args: f"{f}({', '.join(args)})", _FUNCTIONS, st.lists(inner, max_size=3)
            ),
            st.builds(lambda a: f'"pre-${{{a}}}-post"', inner),
            st.builds(lambda items: f"[{', '.join(items)}]", st.lists(inner, max_size=3)),
            st.builds(lambda a, b: f"{{ k = {a}, j = {b} }}", inner, inner),
            st.builds(lambda c, a, b: f"{c} ? {a} : {b}", inner, inner, inner),
            st.builds(lambda a, b: f"{a} == {b}", inner, inner),
            st.builds(lambda a: f"{a}[0]", inner),
        ),
        max_leaves=20,
    )


@settings(max_examples=200, deadline=None)
@given(_expressions())
def test_random_expressions_never_crash(source: str) -> None:
    _eval(source)  # any value or a Ref; never an exception


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=2, max_value=30))
def test_long_local_cycles_end_with_a_problem(length: int) -> None:
    module = _module()
    module.locals = {
        f"l{i}": parse_expression(f"local.l{(i + 1) % length}", i + 1) for i in range(length)
    }
    value = evaluate(parse_expression("local.l0", 1), Context(module=module))
    assert isinstance(value, Ref)
    assert any("cycle" in message for _, message, _ in module.problems)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_in_a_template_never_crashes(text: str) -> None:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    _eval(f'"{escaped}"')


def test_every_resource_reading_a_local_gets_the_defaults_it_used(tmp_path: Path) -> None:
    files = {
        "main.tf": """
        variable "stage" {
          default = "dev"
        }
        locals {
          prefix = "orders-${var.stage}"
        }
        resource "aws_sqs_queue" "a" {
          name = "${local.prefix}-a"
        }
        resource "aws_sqs_queue" "b" {
          name = "${local.prefix}-b"
        }
        """
    }
    app = load(tmp_path, files)
    note = 'variable stage: default "dev" used'
    assert [(c.name, c.assumptions) for c in app.channels] == [
        ("orders-dev-a", (note,)),
        ("orders-dev-b", (note,)),
    ]


def test_format_keeps_known_text_around_unknown_arguments() -> None:
    value = _eval('format("arn:aws:iam::%s:root", var.missing)')
    assert isinstance(value, Ref)
    assert value.text == "arn:aws:iam::${var.missing}:root"
    assert _eval('format("%s-%q-%d%%", "a", "b", 3)') == 'a-"b"-3%'
