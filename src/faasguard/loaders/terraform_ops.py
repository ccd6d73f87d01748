"""Terraform observability, keys, workflows and events: log groups, CloudTrail, alarms, KMS keys,
Step Functions, EventBridge rules with their targets, Cognito pools."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from faasguard.loaders import cfn_lambda
from faasguard.loaders.parts import Parts
from faasguard.loaders.terraform_data import key_encryption
from faasguard.loaders.terraform_module import Instance
from faasguard.loaders.terraform_policy import Documents, to_data
from faasguard.loaders.terraform_view import Body, as_target, base, decoded, take_notes
from faasguard.model import (
    Alarm,
    Encryption,
    EventRule,
    EventSource,
    IdentityPool,
    Key,
    LogGroup,
    RuleTarget,
    StateMachine,
    Text,
    Trail,
    UserPool,
)

_Builder = Callable[[Instance, Body, Parts, Documents], None]


def log_group(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    fields = {"name": "name", "retention_days": "retention_in_days", "kms_key": "kms_key_id"}
    retention = body.number("retention_in_days")
    parts.log_groups.append(
        LogGroup(
            **base(inst, body, fields),
            name=body.text("name"),
            retention_days=None if retention == 0 else retention,  # 0 = never expire
            kms_key=body.target("kms_key_id"),
            assumptions=take_notes(body),
        )
    )


def trail(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    fields = {
        "multi_region": "is_multi_region_trail",
        "log_file_validation": "enable_log_file_validation",
        "kms_key": "kms_key_id",
        "cloudwatch_logs": "cloud_watch_logs_group_arn",
        "logging": "enable_logging",
        "lambda_data_events": "event_selector",
    }
    parts.trails.append(
        Trail(
            **base(inst, body, fields),
            multi_region=body.flag("is_multi_region_trail"),
            log_file_validation=body.flag("enable_log_file_validation"),
            kms_key=body.target("kms_key_id"),
            cloudwatch_logs=body.target("cloud_watch_logs_group_arn"),
            logging=body.flag("enable_logging"),
            lambda_data_events=_records_lambda(body),
            assumptions=take_notes(body),
        )
    )


def _records_lambda(body: Body) -> bool:
    for selector in body.blocks("event_selector"):
        for resource in selector.blocks("data_resource"):
            if resource.text("type") == "AWS::Lambda::Function":
                return True
    for selector in body.blocks("advanced_event_selector"):
        for field in selector.blocks("field_selector"):
            if field.text("field") == "resources.type" and "AWS::Lambda::Function" in field.texts(
                "equals"
            ):
                return True
    return False


def alarm(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    raw = body.value("dimensions")
    dimensions: list[tuple[str, Text]] = []
    if isinstance(raw, dict):
        for name, value in raw.items():
            found = as_target(value)
            if found is not None:
                dimensions.append((str(name), found))
    fields = {"namespace": "namespace", "metric": "metric_name", "dimensions": "dimensions"}
    fields["actions"] = "alarm_actions"
    parts.alarms.append(
        Alarm(
            **base(inst, body, fields),
            namespace=body.text("namespace"),
            metric=body.text("metric_name"),
            dimensions=tuple(dimensions),
            actions=body.targets("alarm_actions"),
            assumptions=take_notes(body),
        )
    )


def key(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    fields = {"rotation": "enable_key_rotation", "enabled": "is_enabled"}
    fields.update(key_spec="customer_master_key_spec", policy="policy")
    parts.keys.append(
        Key(
            **base(inst, body, fields),
            rotation=body.flag("enable_key_rotation"),
            enabled=body.flag("is_enabled"),
            key_spec=body.text("customer_master_key_spec"),
            policy=docs.statements(body, "policy", f"key policy {inst.address}"),
            assumptions=take_notes(body),
        )
    )


def state_machine(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    tracing = body.block_("tracing_configuration")
    logging = body.block_("logging_configuration")
    config = body.block_("encryption_configuration")
    encryption: Encryption | None = None
    if config is not None:
        if config.text("type") == "CUSTOMER_MANAGED_KMS_KEY":
            encryption = key_encryption(config.target("kms_key_id"), config.loc)
        else:
            encryption = Encryption(kind="service", location=config.loc)
    fields = {
        "name": "name",
        "tracing": "tracing_configuration",
        "logging_level": "logging_configuration",
        "encryption": "encryption_configuration",
        "role": "role_arn",
        "express": "type",
    }
    parts.state_machines.append(
        StateMachine(
            **base(inst, body, fields),
            name=body.text("name"),
            tracing=tracing.flag("enabled") if tracing else None,
            logging_level=logging.text("level") if logging else None,
            encryption=encryption,
            role=body.target("role_arn"),
            express=body.text("type") == "EXPRESS",
            assumptions=take_notes(body),
        )
    )


def event_rule(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    pattern = decoded(body.value("event_pattern"))
    fields = {"schedule": "schedule_expression", "pattern": "event_pattern"}
    parts.event_rules.append(
        EventRule(
            **base(inst, body, fields),
            schedule=body.text("schedule_expression"),
            pattern=to_data(pattern) if pattern is not None else None,
            assumptions=take_notes(body),
        )
    )


def event_target(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    """``aws_cloudwatch_event_target`` joins its rule's targets."""
    rule = body.target("rule")
    dlq = body.block_("dead_letter_config")
    target = RuleTarget(
        id=body.text("target_id") or inst.address,
        arn=body.target("arn") or "",
        location=body.loc,
        dead_letter_target=dlq.target("arn") if dlq else None,
    )
    for i, found in enumerate(parts.event_rules):
        if found.id == rule:
            parts.event_rules[i] = dataclasses.replace(found, targets=(*found.targets, target))
            kind = "Schedule" if found.schedule is not None else "EventBridgeRule"
            event = EventSource(
                id=inst.address, kind=kind, function=str(target.arn), source=rule, location=body.loc
            )
            cfn_lambda.attach(parts, target.arn, events=(event,))


def user_pool(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    add_ons = body.block_("user_pool_add_ons")
    fields = {"mfa": "mfa_configuration", "advanced_security": "user_pool_add_ons"}
    parts.user_pools.append(
        UserPool(
            **base(inst, body, fields),
            mfa=body.text("mfa_configuration"),
            advanced_security=add_ons.text("advanced_security_mode") if add_ons else None,
            assumptions=take_notes(body),
        )
    )


def identity_pool(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    name = "allow_unauthenticated_identities"
    parts.identity_pools.append(
        IdentityPool(
            **base(inst, body, {"allow_unauthenticated": name}),
            allow_unauthenticated=body.flag(name),
            assumptions=take_notes(body),
        )
    )


BUILDERS: dict[str, _Builder] = {
    "aws_cloudwatch_log_group": log_group,
    "aws_cloudtrail": trail,
    "aws_cloudwatch_metric_alarm": alarm,
    "aws_kms_key": key,
    "aws_sfn_state_machine": state_machine,
    "aws_cloudwatch_event_rule": event_rule,
    "aws_cognito_user_pool": user_pool,
    "aws_cognito_identity_pool": identity_pool,
}
LINKERS: dict[str, _Builder] = {"aws_cloudwatch_event_target": event_target}
