"""profile_function / profile_app: entry files, imports, bounds, problems, source maps, safety."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from faasguard.api import ScanOptions, scan
from faasguard.code import profile as profile_module
from faasguard.code.profile import profile_app, profile_function
from faasguard.model import Framework
from faasguard.model.app import App, Function
from faasguard.model.values import Location, Ref

PY_OK = 'import boto3\nboto3.client("sqs").send_message(QueueUrl="u", MessageBody="m")\n'


def _fn(
    code_dir: str | None, runtime: str | Ref | None = "python3.12", handler: str = "app.handler"
) -> Function:
    return Function(
        id="Fn",
        type="AWS::Serverless::Function",
        location=Location(file="template.yaml", line=3),
        runtime=runtime,
        handler=handler,
        code_dir=code_dir,
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_no_code_dir_or_missing_dir_gives_none(tmp_path: Path) -> None:
    assert profile_function(_fn(None)) is None
    assert profile_function(_fn(str(tmp_path / "absent"))) is None


def test_locations_are_code_dir_plus_relative_path(tmp_path: Path) -> None:
    _write(tmp_path, {"src/app.py": PY_OK})
    prof = profile_function(_fn(str(tmp_path), handler="src/app.handler"))
    assert prof is not None and prof.language == "python"
    assert prof.files == (f"{tmp_path}/src/app.py",)
    [call] = prof.calls
    assert call.location == Location(file=f"{tmp_path}/src/app.py", line=2, column=1)
    assert prof.complete


def test_only_the_entry_and_what_it_imports_are_read(tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": "import helper\n", "helper.py": PY_OK, "unused.py": PY_OK})
    prof = profile_function(_fn(str(tmp_path)))
    assert prof is not None
    assert sorted(Path(f).name for f in prof.files) == ["app.py", "helper.py"]
    assert [c.operation for c in prof.calls] == ["SendMessage"]


def test_import_cycle_terminates(tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": "import b\n" + PY_OK, "b.py": "import app\n"})
    prof = profile_function(_fn(str(tmp_path)))
    assert prof is not None and len(prof.calls) == 1


def test_parse_error_is_a_problem_and_the_rest_goes_on(tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": "import broken\n" + PY_OK, "broken.py": "def f(:\n    pass\n"})
    prof = profile_function(_fn(str(tmp_path)))
    assert prof is not None
    assert [c.operation for c in prof.calls] == ["SendMessage"]
    [(where, message)] = prof.problems
    assert where.file == f"{tmp_path}/broken.py" and where.line == 1
    assert "cannot parse" in message
    assert not prof.complete


def test_js_syntax_error_is_a_problem_with_line(tmp_path: Path) -> None:
    _write(tmp_path, {"index.js": 'const AWS = require("aws-sdk");\n\nconst x = {{;\n'})
    prof = profile_function(_fn(str(tmp_path), runtime="nodejs20.x", handler="index.handler"))
    assert prof is not None and prof.language == "javascript"
    [(where, message)] = prof.problems
    assert where.line == 3 and "cannot parse" in message


def test_oversized_file_is_skipped_with_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(profile_module, "MAX_CODE_FILE_BYTES", 40)
    _write(tmp_path, {"app.py": PY_OK})
    prof = profile_function(_fn(str(tmp_path)))
    assert prof is not None and prof.calls == ()
    assert "larger than 40 bytes" in prof.problems[0][1]


def test_file_count_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profile_module, "MAX_CODE_FILES", 2)
    _write(
        tmp_path,
        {"app.py": "import a\nimport b\nimport c\n", "a.py": PY_OK, "b.py": PY_OK, "c.py": PY_OK},
    )
    prof = profile_function(_fn(str(tmp_path)))
    assert prof is not None and len(prof.files) == 2
    assert any("more than 2 files" in m for _, m in prof.problems)


def test_missing_handler_file_analyses_every_file_and_says_so(tmp_path: Path) -> None:
    _write(tmp_path, {"other.py": PY_OK, "node_modules/x.py": PY_OK})
    prof = profile_function(_fn(str(tmp_path), handler="app.handler"))
    assert prof is not None and len(prof.calls) == 1
    assert "not found" in prof.problems[0][1]


def test_runtime_unknown_is_guessed_from_files(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "index.mjs": 'import { S3 } from "@aws-sdk/client-s3";\n'
            "await new S3({}).listBuckets({});\n"
        },
    )
    prof = profile_function(
        _fn(str(tmp_path), runtime=Ref(text="!Ref Runtime"), handler="index.handler")
    )
    assert prof is not None and prof.language == "javascript"
    assert [c.operation for c in prof.calls] == ["ListBuckets"]


def test_unsupported_runtime(tmp_path: Path) -> None:
    _write(tmp_path, {"Main.java": "class Main {}"})
    prof = profile_function(_fn(str(tmp_path), runtime="java21", handler="Main::handle"))
    assert prof is not None and prof.language == "unsupported" and prof.problems


def test_typescript_language(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app.ts": 'import { SQSClient } from "@aws-sdk/client-sqs";\n'
            "export const c: SQSClient = new SQSClient({});\n"
        },
    )
    prof = profile_function(_fn(str(tmp_path), runtime="nodejs20.x", handler="app.handler"))
    assert prof is not None and prof.language == "typescript"


def test_bundled_handler_uses_source_map_sources(tmp_path: Path) -> None:
    source = (
        'import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";\n'
        "new PublishCommand({ TopicArn: process.env.T });\n"
    )
    _write(
        tmp_path,
        {
            "src/handler.ts": source,
            "dist/index.js": "var a=1;//# sourceMappingURL=index.js.map\n",
            "dist/index.js.map": json.dumps(
                {
                    "version": 3,
                    "sources": ["../src/handler.ts", "../node_modules/x/y.js"],
                    "mappings": "",
                }
            ),
        },
    )
    prof = profile_function(_fn(str(tmp_path), runtime="nodejs20.x", handler="dist/index.handler"))
    assert prof is not None
    assert prof.files == (f"{tmp_path}/src/handler.ts",)
    [call] = prof.calls
    assert (call.service, call.operation, call.location.line) == ("sns", "Publish", 2)
    assert any("source map" in m for _, m in prof.problems)


def test_profile_app_sets_code_on_every_function(tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": PY_OK})
    app = App(
        name="a",
        root=str(tmp_path),
        source="template.yaml",
        framework=Framework.SAM,
        functions=(_fn(str(tmp_path)), _fn(None)),
    )
    out = profile_app(app)
    assert out.functions[0].code is not None and out.functions[1].code is None


# -- safety: the scanned code is never imported or executed ------------------------------------
PY_PAYLOAD = 'open({path!r}, "w").write("pwned")\nimport boto3\nboto3.client("s3").list_buckets()\n'
JS_PAYLOAD = (
    'require("fs").writeFileSync({path}, "pwned");\n'
    'const AWS = require("aws-sdk");\nnew AWS.S3().listBuckets().promise();\n'
)
TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  PyFn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: py/
      Handler: app.handler
      Runtime: python3.12
  JsFn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: js/
      Handler: index.handler
      Runtime: nodejs20.x
"""


def test_scanned_code_is_never_executed(tmp_path: Path) -> None:
    marker_py, marker_js = tmp_path / "pwned-py", tmp_path / "pwned-js"
    app_dir = tmp_path / "app"
    _write(
        app_dir,
        {
            "template.yaml": TEMPLATE,
            "py/app.py": PY_PAYLOAD.format(path=str(marker_py)),
            "py/__init__.py": PY_PAYLOAD.format(path=str(marker_py)),
            "js/index.js": JS_PAYLOAD.format(path=json.dumps(str(marker_js))),
        },
    )
    py = profile_function(_fn(str(app_dir / "py")))
    js = profile_function(_fn(str(app_dir / "js"), runtime="nodejs20.x", handler="index.handler"))
    assert py is not None and [c.operation for c in py.calls] == ["ListBuckets"]
    assert js is not None and [c.operation for c in js.calls] == ["ListBuckets"]
    result = scan([str(app_dir)], ScanOptions(today=date(2026, 11, 29)))
    assert not result.incomplete
    assert not marker_py.exists() and not marker_js.exists()


def test_an_analyser_bug_becomes_a_problem_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(reader: object, handler: str) -> list[object]:
        raise KeyError("boom")

    monkeypatch.setattr(profile_module, "_profile_python", broken)
    _write(tmp_path, {"app.py": PY_OK})
    prof = profile_function(_fn(str(tmp_path)))
    assert prof is not None and prof.calls == ()
    assert prof.problems == (
        (Location(file=str(tmp_path)), "code analysis failed: KeyError: 'boom'"),
    )


def test_symlink_out_of_the_code_root_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    _write(outside, {"helper.py": PY_OK})
    code = tmp_path / "code"
    _write(code, {"app.py": "import helper\n"})
    (code / "helper.py").symlink_to(outside / "helper.py")
    prof = profile_function(_fn(str(code)))
    assert prof is not None and prof.calls == ()
    assert prof.problems == (
        (Location(file=f"{code}/helper.py"), "not analysed: outside the scanned tree"),
    )


def _bundle(root: Path, sources: list[str]) -> None:
    source = 'import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";\n'
    source += 'new SendMessageCommand({ QueueUrl: "u" });\n'
    _write(root, {"src/fn/app.ts": source})
    _write(root, {"build/Fn/app.js": "x;", "build/Fn/app.js.map": json.dumps({"sources": sources})})


def test_source_map_may_reach_the_template_folder_but_not_beyond(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _bundle(project, ["../../src/fn/app.ts", "../../../elsewhere.js", "/etc/hosts.js"])
    _write(tmp_path, {"elsewhere.js": "x;"})
    fn = _fn(str(project / "build/Fn"), runtime="nodejs20.x", handler="app.handler")
    inside_app = profile_function(fn, str(project))
    assert inside_app is not None
    assert inside_app.files == (f"{project}/src/fn/app.ts",)
    assert [c.operation for c in inside_app.calls] == ["SendMessage"]
    alone = profile_function(fn)  # no app root: the code root is the limit
    assert alone is not None and alone.files == (f"{project}/build/Fn/app.js",)


def test_only_string_arguments_that_name_resources_are_kept(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app.py": "import boto3\n"
            'boto3.client("dynamodb").get_item(TableName="t", Key={"id": {"S": "1"}}, Limit=1)\n',
            "index.js": 'const AWS = require("aws-sdk");\n'
            'new AWS.DynamoDB.DocumentClient().get({ TableName: "t", Key: { id: 1 } });\n',
        },
    )
    py = profile_function(_fn(str(tmp_path)))
    js = profile_function(_fn(str(tmp_path), runtime="nodejs20.x", handler="index.handler"))
    assert py is not None and js is not None
    for prof in (py, js):
        [call] = prof.calls
        assert [(r.param, r.literal) for r in call.resources] == [("TableName", "t")]
