"""Access-level heuristic and curated lists: one assertion per curated entry."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from faasguard.iam import actions
from faasguard.iam.actions import Access


@pytest.mark.parametrize(
    ("action", "level"),
    [
        ("s3:GetObject", Access.READ),
        ("dynamodb:Query", Access.READ),
        ("dynamodb:BatchGetItem", Access.READ),
        ("ec2:DescribeInstances", Access.READ),
        ("cloudtrail:LookupEvents", Access.READ),
        ("s3:PutObject", Access.WRITE),
        ("dynamodb:DeleteTable", Access.WRITE),
        ("sqs:SendMessage", Access.WRITE),
        ("lambda:InvokeFunction", Access.WRITE),
        ("s3:PutBucketPolicy", Access.PERMISSIONS),
        ("s3:PutObjectAcl", Access.PERMISSIONS),
        ("lambda:AddPermission", Access.PERMISSIONS),
        ("kms:CreateGrant", Access.PERMISSIONS),
        ("kms:PutKeyPolicy", Access.PERMISSIONS),
        ("iam:PassRole", Access.PERMISSIONS),
        ("iam:CreateUser", Access.PERMISSIONS),
        ("iam:GetRole", Access.READ),
        ("s3:PutAccessPointPolicy", Access.PERMISSIONS),
        ("logs:PutRetentionPolicy", Access.WRITE),
    ],
)
def test_access_level(action: str, level: Access) -> None:
    assert actions.access_of(action) is level


def _curated(key: str) -> list[str]:
    raw = resources.files("faasguard").joinpath("data/iam_access.json").read_text("utf-8")
    values = json.loads(raw)[key]
    assert isinstance(values, list)
    return values


@pytest.mark.parametrize("action", _curated("resource_star_expected"))
def test_every_resource_star_exception_is_a_known_write_action(action: str) -> None:
    assert actions.supports_resource_scoping(action) is not None, f"{action} is not a known action"
    assert actions.access_of(action) is not Access.READ


@pytest.mark.parametrize("service", _curated("sensitive_services"))
def test_every_sensitive_service_is_known(service: str) -> None:
    assert actions.service_actions(service) is not None
