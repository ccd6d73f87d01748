"""CDK output: construct paths on findings, asset folders mapped back to the source folder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from faasguard.api import ScanOptions, scan
from faasguard.loaders.cdk import source_of_asset

HANDLER = "import boto3\n\ndef handler(event, context):\n    return {}\n"


def _template(asset: str) -> str:
    return json.dumps(
        {
            "Resources": {
                "OrdersFunction3BD4F0A1": {
                    "Type": "AWS::Lambda::Function",
                    "Metadata": {
                        "aws:cdk:path": "ShopStack/Orders/Resource",
                        "aws:asset:path": asset,
                        "aws:asset:property": "Code",
                    },
                    "Properties": {
                        "Runtime": "python3.12",
                        "Handler": "app.handler",
                        "Role": "arn:aws:iam::111122223333:role/orders",
                        "Code": {"S3Bucket": "cdk-assets", "S3Key": "abc.zip"},
                    },
                }
            }
        },
        indent=1,
    )


def _project(tmp_path: Path, asset_body: str) -> Path:
    project = tmp_path / "shop"
    (project / "lambda" / "orders").mkdir(parents=True)
    (project / "lambda" / "orders" / "app.py").write_text(HANDLER)
    (project / "lambda" / "other").mkdir()
    (project / "lambda" / "other" / "app.py").write_text("def handler(e, c):\n    pass\n")
    asset = project / "cdk.out" / "asset.abc"
    asset.mkdir(parents=True)
    (asset / "app.py").write_text(asset_body)
    (project / "cdk.out" / "ShopStack.template.json").write_text(_template("asset.abc"))
    return project


def test_asset_maps_to_the_identical_source_folder(tmp_path: Path) -> None:
    project = _project(tmp_path, HANDLER)
    assert source_of_asset(f"{project}/cdk.out/asset.abc") == f"{project}/lambda/orders"


def test_bundled_asset_without_a_twin_stays_the_code_folder(tmp_path: Path) -> None:
    project = _project(tmp_path, "/* bundled */ exports.handler = async () => ({})\n")
    assert source_of_asset(f"{project}/cdk.out/asset.abc") is None


def test_findings_name_the_construct_and_code_points_at_the_source(tmp_path: Path) -> None:
    project = _project(tmp_path, HANDLER)
    result = scan(
        [str(project)], ScanOptions(today=date(2026, 11, 28), select=frozenset({"FN004"}))
    )
    [finding] = [f for f in result.findings if f.rule.id == "FN004"]
    assert finding.resource == "OrdersFunction3BD4F0A1"
    assert "CDK construct ShopStack/Orders" in finding.evidence
    assert f"CDK asset asset.abc is a copy of {project}/lambda/orders" in finding.evidence
