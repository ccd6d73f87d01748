"""Observability, keys, workflows, events and identity: logs, trails, alarms, KMS, Step
Functions, EventBridge rules, Cognito pools."""

from __future__ import annotations

from collections.abc import Callable

from faasguard.loaders.cfn_common import Source, base, flag, items, key_encryption, sub
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import YMap
from faasguard.model import (
    Alarm,
    Encryption,
    EventRule,
    IdentityPool,
    Key,
    LogGroup,
    RuleTarget,
    StateMachine,
    Text,
    Trail,
    UserPool,
)

_LAMBDA_TYPE = "AWS::Lambda::Function"


def log_group(tpl: Template, src: Source) -> LogGroup:
    props = src.props
    mapping = {"name": "LogGroupName", "retention_days": "RetentionInDays", "kms_key": "KmsKeyId"}
    return LogGroup(
        **base(tpl, src, mapping),
        name=tpl.text(props.get("LogGroupName")),
        retention_days=tpl.value(props.get("RetentionInDays")),
        kms_key=tpl.target(props.get("KmsKeyId")),
        assumptions=tpl.take_assumptions(),
    )


def trail(tpl: Template, src: Source) -> Trail:
    props = src.props
    mapping = {
        "multi_region": "IsMultiRegionTrail",
        "log_file_validation": "EnableLogFileValidation",
        "kms_key": "KMSKeyId",
        "cloudwatch_logs": "CloudWatchLogsLogGroupArn",
        "logging": "IsLogging",
        "lambda_data_events": "EventSelectors",
    }
    return Trail(
        **base(tpl, src, mapping),
        multi_region=flag(tpl, props.get("IsMultiRegionTrail")),
        log_file_validation=flag(tpl, props.get("EnableLogFileValidation")),
        kms_key=tpl.target(props.get("KMSKeyId")),
        cloudwatch_logs=tpl.target(props.get("CloudWatchLogsLogGroupArn")),
        logging=flag(tpl, props.get("IsLogging")),
        lambda_data_events=_records_lambda(tpl, props),
        assumptions=tpl.take_assumptions(),
    )


def _records_lambda(tpl: Template, props: YMap) -> bool:
    """Whether a selector (basic or advanced) records Lambda invocations (data events)."""
    for selector, _ in items(tpl, props.get("EventSelectors")):
        if isinstance(selector, YMap):
            for resource, _ in items(tpl, selector.get("DataResources")):
                if isinstance(resource, YMap) and tpl.text(resource.get("Type")) == _LAMBDA_TYPE:
                    return True
    for selector, _ in items(tpl, props.get("AdvancedEventSelectors")):
        if isinstance(selector, YMap):
            for field, _ in items(tpl, selector.get("FieldSelectors")):
                if (
                    isinstance(field, YMap)
                    and tpl.text(field.get("Field")) == "resources.type"
                    and _LAMBDA_TYPE in tpl.texts(field.get("Equals"))
                ):
                    return True
    return False


def alarm(tpl: Template, src: Source) -> Alarm:
    props = src.props
    dimensions: list[tuple[str, Text]] = []
    for dimension, _ in items(tpl, props.get("Dimensions")):
        if isinstance(dimension, YMap):
            name, value = tpl.text(dimension.get("Name")), tpl.target(dimension.get("Value"))
            if isinstance(name, str) and value is not None:
                dimensions.append((name, value))
    mapping = {"namespace": "Namespace", "metric": "MetricName", "dimensions": "Dimensions"}
    mapping["actions"] = "AlarmActions"
    return Alarm(
        **base(tpl, src, mapping),
        namespace=tpl.text(props.get("Namespace")),
        metric=tpl.text(props.get("MetricName")),
        dimensions=tuple(dimensions),
        actions=tuple(
            t for node, _ in items(tpl, props.get("AlarmActions")) if (t := tpl.target(node))
        ),
        assumptions=tpl.take_assumptions(),
    )


def key(tpl: Template, src: Source) -> Key:
    props = src.props
    mapping = {"rotation": "EnableKeyRotation", "enabled": "Enabled", "key_spec": "KeySpec"}
    mapping["policy"] = "KeyPolicy"
    return Key(
        **base(tpl, src, mapping),
        rotation=flag(tpl, props.get("EnableKeyRotation")),
        enabled=flag(tpl, props.get("Enabled")),
        key_spec=tpl.text(props.get("KeySpec")),
        policy=tpl.statements(props.get("KeyPolicy"), f"key policy {src.ident}"),
        assumptions=tpl.take_assumptions(),
    )


def state_machine(tpl: Template, src: Source) -> StateMachine:
    props = src.props
    tracing = sub(tpl, props, "TracingConfiguration")
    logging = sub(tpl, props, "LoggingConfiguration")
    mapping = {
        "name": "StateMachineName",
        "tracing": "TracingConfiguration",
        "logging_level": "LoggingConfiguration",
        "encryption": "EncryptionConfiguration",
        "role": "RoleArn",
        "express": "StateMachineType",
    }
    return StateMachine(
        **base(tpl, src, mapping),
        name=tpl.text(props.get("StateMachineName")),
        tracing=flag(tpl, tracing.get("Enabled")) if tracing else None,
        logging_level=tpl.text(logging.get("Level")) if logging else None,
        encryption=_workflow_encryption(tpl, props),
        role=tpl.target(props.get("RoleArn")),
        express=tpl.text(props.get("StateMachineType")) == "EXPRESS",
        assumptions=tpl.take_assumptions(),
    )


def _workflow_encryption(tpl: Template, props: YMap) -> Encryption | None:
    config = sub(tpl, props, "EncryptionConfiguration")
    if config is None:
        return None
    at = props.key_loc("EncryptionConfiguration")
    if tpl.text(config.get("Type")) == "CUSTOMER_MANAGED_KMS_KEY":
        return key_encryption(tpl, config.get("KmsKeyId"), at)
    return Encryption(kind="service", location=at)


def event_rule(tpl: Template, src: Source) -> EventRule:
    props = src.props
    found: list[RuleTarget] = []
    for target, loc in items(tpl, props.get("Targets")):
        if isinstance(target, YMap):
            dlq = sub(tpl, target, "DeadLetterConfig")
            found.append(
                RuleTarget(
                    id=tpl.text(target.get("Id")) or "",
                    arn=tpl.target(target.get("Arn")) or "",
                    location=loc,
                    dead_letter_target=tpl.target(dlq.get("Arn")) if dlq else None,
                )
            )
    mapping = {"schedule": "ScheduleExpression", "pattern": "EventPattern", "targets": "Targets"}
    return EventRule(
        **base(tpl, src, mapping),
        schedule=tpl.text(props.get("ScheduleExpression")),
        pattern=tpl.data(props.get("EventPattern")),
        targets=tuple(found),
        assumptions=tpl.take_assumptions(),
    )


def user_pool(tpl: Template, src: Source) -> UserPool:
    props = src.props
    add_ons = sub(tpl, props, "UserPoolAddOns")
    mapping = {"mfa": "MfaConfiguration", "advanced_security": "UserPoolAddOns"}
    return UserPool(
        **base(tpl, src, mapping),
        mfa=tpl.text(props.get("MfaConfiguration")),
        advanced_security=tpl.text(add_ons.get("AdvancedSecurityMode")) if add_ons else None,
        assumptions=tpl.take_assumptions(),
    )


def identity_pool(tpl: Template, src: Source) -> IdentityPool:
    key_name = "AllowUnauthenticatedIdentities"
    return IdentityPool(
        **base(tpl, src, {"allow_unauthenticated": key_name}),
        allow_unauthenticated=flag(tpl, src.props.get(key_name)),
        assumptions=tpl.take_assumptions(),
    )


BUILDERS: dict[str, Callable[[Template, Source, Parts], None]] = {
    "AWS::Logs::LogGroup": lambda t, s, p: p.log_groups.append(log_group(t, s)),
    "AWS::CloudTrail::Trail": lambda t, s, p: p.trails.append(trail(t, s)),
    "AWS::CloudWatch::Alarm": lambda t, s, p: p.alarms.append(alarm(t, s)),
    "AWS::KMS::Key": lambda t, s, p: p.keys.append(key(t, s)),
    "AWS::StepFunctions::StateMachine": lambda t, s, p: p.state_machines.append(
        state_machine(t, s)
    ),
    "AWS::Events::Rule": lambda t, s, p: p.event_rules.append(event_rule(t, s)),
    "AWS::Cognito::UserPool": lambda t, s, p: p.user_pools.append(user_pool(t, s)),
    "AWS::Cognito::IdentityPool": lambda t, s, p: p.identity_pools.append(identity_pool(t, s)),
}
