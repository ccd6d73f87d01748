"""The action-matching algebra: IAM wildcards, case-insensitivity, expansion over known actions."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.iam import actions

#: the same examples on every run (the suite is deterministic); no deadline on slow machines
DETERMINISTIC = settings(derandomize=True, deadline=None, database=None)

_WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1
)


def test_examples_checked_by_hand() -> None:
    assert actions.matches("s3:Get*", "s3:GetObject")
    assert actions.matches("S3:get*", "s3:GetObject")
    assert actions.matches("s3:GetObject", "S3:GETOBJECT")
    assert actions.matches("*", "dynamodb:PutItem")
    assert actions.matches("s3:*Object", "s3:PutObject")
    assert actions.matches("s3:Get?bject", "s3:GetObject")
    assert actions.matches("*:Get*", "kms:GetPublicKey")
    assert not actions.matches("s3:Get*", "s3:PutObject")
    assert not actions.matches("s3:Get?bject", "s3:GetObjectAcl")
    assert not actions.matches("s3:GetObject", "s3:GetObjectAcl")
    assert not actions.matches("s3*", "dynamodb:GetItem")


def test_regex_metacharacters_are_literal() -> None:
    assert not actions.matches("s3:Get.bject", "s3:GetObject")
    assert actions.matches("s3:[Get]*", "s3:[get]x")
    assert not actions.matches("s3:[Get]*", "s3:GetObject")


@DETERMINISTIC
@given(service=_WORD, name=_WORD)
def test_an_action_matches_itself_in_any_case(service: str, name: str) -> None:
    action = f"{service}:{name}"
    assert actions.matches(action, action.swapcase())
    assert actions.matches("*", action)
    assert actions.matches(f"{service}:*", action)


@DETERMINISTIC
@given(service=_WORD, name=_WORD, cut=st.integers(min_value=0, max_value=30))
def test_a_prefix_wildcard_matches_exactly_the_names_it_starts(
    service: str, name: str, cut: int
) -> None:
    prefix = name[:cut]
    assert actions.matches(f"{service}:{prefix}*", f"{service}:{name}")
    other = f"{service}:{'Z' + name}"
    expected = other.lower().startswith(f"{service}:{prefix}".lower())
    assert actions.matches(f"{service}:{prefix}*", other) == expected


@DETERMINISTIC
@given(service=_WORD, name=_WORD, index=st.integers(min_value=0, max_value=30))
def test_question_mark_stands_for_exactly_one_character(
    service: str, name: str, index: int
) -> None:
    i = index % len(name)
    pattern = f"{service}:{name[:i]}?{name[i + 1 :]}"
    assert actions.matches(pattern, f"{service}:{name}")
    assert not actions.matches(pattern, f"{service}:{name}x")


def test_expand_lists_only_matching_known_actions() -> None:
    expanded = actions.expand("sqs:Send*")
    # batch calls are authorised by the single action: IAM has no sqs:SendMessageBatch
    assert expanded == ("sqs:sendmessage",)
    assert actions.expand("nosuchservice:*") is None
    everything_s3 = actions.expand("s3:*")
    assert everything_s3 is not None and "s3:putbucketpolicy" in everything_s3
    assert all(re.fullmatch(r"s3:[a-z0-9]+", a) for a in everything_s3)


def test_full_and_service_wildcards() -> None:
    assert actions.is_full_wildcard(" * ")
    assert not actions.is_full_wildcard("s3:*")
    assert actions.is_service_wildcard("DynamoDB:*")
    assert not actions.is_service_wildcard("s3:Get*")
    assert not actions.is_service_wildcard("*")


def test_read_only_wildcards_reach_no_write() -> None:
    for pattern in ("s3:Get*", "s3:List*", "dynamodb:Describe*", "iam:Get*", "ssm:GetParameter*"):
        assert not actions.reach(pattern).any, pattern


def test_write_wildcards_reach_writes_and_permissions() -> None:
    put = actions.reach("s3:Put*")
    assert "s3:putbucketpolicy" in put.permissions
    assert "s3:putobject" in put.writes
    objects = actions.reach("s3:*Object")
    assert objects.writes == (
        "s3:deleteobject",
        "s3:putobject",
        "s3:replicateobject",
        "s3:restoreobject",
    )
    assert not objects.permissions


def test_unknown_service_is_judged_by_its_verb() -> None:
    assert not actions.reach("newsvc:Get*").any
    assert actions.reach("newsvc:Put*").writes == ("newsvc:put*",)
    assert actions.reach("newsvc:*").any


def test_resource_scoping_knowledge() -> None:
    assert actions.supports_resource_scoping("dynamodb:PutItem") is True
    assert actions.supports_resource_scoping("xray:PutTraceSegments") is False
    assert actions.supports_resource_scoping("nosuch:Thing") is None
    assert actions.resource_star_expected("logs:CreateLogGroup")
    assert not actions.resource_star_expected("dynamodb:PutItem")


def test_a_wildcard_adding_only_its_own_literal_action_reaches_nothing_more() -> None:
    assert not actions.reach("sqs:SendMessage*").any  # IAM has no other sqs:SendMessage... action
    put_object = actions.reach("s3:PutObject*")
    assert "s3:putobjectacl" in put_object.permissions
    assert "s3:putobject" not in put_object.writes


_S3_ACTIONS = sorted(actions.service_actions("s3").all)  # type: ignore[union-attr]


@DETERMINISTIC
@given(action=st.sampled_from(_S3_ACTIONS), cut=st.integers(min_value=0, max_value=12))
def test_expansion_agrees_with_matching(action: str, cut: int) -> None:
    pattern = f"s3:{action[:cut]}*"
    expanded = actions.expand(pattern)
    assert expanded is not None and f"s3:{action}" in expanded
    assert all(actions.matches(pattern, a) for a in expanded)
    assert len(expanded) == sum(actions.matches(pattern, f"s3:{a}") for a in _S3_ACTIONS)
