from __future__ import annotations

from pathlib import Path

from faasguard.discover import discover, looks_like_template

SAM = (
    "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_templates_are_recognised_by_content_not_name(tmp_path: Path) -> None:
    write(tmp_path / "infra" / "stack.yml", SAM)
    write(tmp_path / "weird-name.txt.json", '{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}')
    write(tmp_path / "config.yaml", "Resources: []\nname: not a template\n")
    write(tmp_path / "docker-compose.yml", "services:\n  web:\n    image: nginx\n")
    names = [f.display for f in discover([str(tmp_path)]).files]
    assert names == [f"{tmp_path}/infra/stack.yml", f"{tmp_path}/weird-name.txt.json"]


def test_vendored_and_build_directories_are_skipped(tmp_path: Path) -> None:
    for folder in ("node_modules/pkg", ".git", ".aws-sam/build/Fn", "__pycache__", "env"):
        write(tmp_path / folder / "template.yaml", SAM)
    write(tmp_path / "env" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "template.yaml", SAM)
    assert [f.display for f in discover([str(tmp_path)]).files] == [f"{tmp_path}/template.yaml"]


def test_cdk_out_templates_are_found_but_assets_are_not(tmp_path: Path) -> None:
    body = '{"Resources": {"Fn": {"Type": "AWS::Lambda::Function"}}}'
    write(tmp_path / "cdk.out" / "App.template.json", body)
    write(tmp_path / "cdk.out" / "manifest.json", body)
    write(tmp_path / "cdk.out" / "asset.abc" / "x.json", body)
    files = [f.display for f in discover([str(tmp_path)]).files]
    assert files == [f"{tmp_path}/cdk.out/App.template.json"]


def test_display_paths_keep_the_argument_as_given(tmp_path: Path, monkeypatch: object) -> None:
    write(tmp_path / "app" / "template.yaml", SAM)
    import os

    os.chdir(tmp_path)
    assert [f.display for f in discover(["app"]).files] == ["app/template.yaml"]
    assert [f.display for f in discover(["app/template.yaml"]).files] == ["app/template.yaml"]
    assert [f.display for f in discover(["."]).files] == ["app/template.yaml"]


def test_missing_paths_and_excludes(tmp_path: Path) -> None:
    write(tmp_path / "a" / "template.yaml", SAM)
    write(tmp_path / "b" / "template.yaml", SAM)
    result = discover([str(tmp_path), str(tmp_path / "nope")], exclude=["b"])
    assert [f.display for f in result.files] == [f"{tmp_path}/a/template.yaml"]
    assert result.missing == (str(tmp_path / "nope"),)


def test_sniffing() -> None:
    assert looks_like_template(b'AWSTemplateFormatVersion: "2010-09-09"\n')
    assert looks_like_template(b'{"Resources": {"X": {"Type": "Custom::Thing"}}}')
    assert not looks_like_template(b"Resources:\n  - cpu: 1\n")


def test_terraform_roots_exclude_called_local_modules_but_not_commented_calls(
    tmp_path: Path,
) -> None:
    write(tmp_path / "infra" / "main.tf", 'module "api" {\n  source = "./modules/api"\n}\n')
    write(tmp_path / "infra" / "modules" / "api" / "main.tf", 'resource "aws_sqs_queue" "q" {}\n')
    write(tmp_path / "infra" / "modules" / "old" / "main.tf", 'resource "aws_sqs_queue" "o" {}\n')
    write(tmp_path / "infra" / "more.tf", '# module "old" {\n#   source = "./modules/old"\n# }\n')
    write(tmp_path / "svc" / "serverless.yml", "service: s\nprovider:\n  name: aws\n")
    found = {(f.display, f.kind.value) for f in discover([str(tmp_path)]).files}
    assert found == {
        (f"{tmp_path}/infra", "terraform"),
        (f"{tmp_path}/infra/modules/old", "terraform"),
        (f"{tmp_path}/svc/serverless.yml", "serverless"),
    }
