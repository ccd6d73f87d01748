"""Logs, trails, alarms, keys, state machines, rules, Cognito (fixture: fixtures/cfn/ops.yaml),
and templates that are broken in every way we could think of (fixtures/cfn/broken.yaml)."""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.yamljson import load_file
from faasguard.model import App, Encryption, FrozenMap, Location, Ref

FIXTURES = Path(__file__).parent / "fixtures" / "cfn"


def load(name: str) -> App:
    return load_template(load_file(str(FIXTURES / name), name), str(FIXTURES))


def test_observability_and_keys() -> None:
    app = load("ops.yaml")
    (logs,) = app.log_groups
    assert (logs.name, logs.retention_days, logs.kms_key) == ("/aws/lambda/fn", 14, "Key")
    assert logs.condition == "IsProd" and logs.at("retention_days").line == 12
    (trail,) = app.trails
    assert (trail.logging, trail.multi_region, trail.log_file_validation) == (True, False, True)
    assert trail.lambda_data_events is True
    (alarm,) = app.alarms
    assert (alarm.namespace, alarm.metric) == ("AWS/Lambda", "Errors")
    assert (alarm.dimensions, alarm.actions) == ((("FunctionName", "Fn"),), ("Topic",))
    (key,) = app.keys
    assert (key.rotation, key.enabled) == (None, True)  # rotation absent


def test_state_machine_rule_and_cognito() -> None:
    app = load("ops.yaml")
    (machine,) = app.state_machines
    assert (machine.express, machine.tracing, machine.logging_level) == (True, True, "OFF")
    assert machine.encryption == Encryption(
        kind="kms", key="Key", location=Location(file="ops.yaml", line=46, column=7)
    )
    assert machine.role == "MachineRole"
    assert machine.at("logging_level").line == 44
    (rule,) = app.event_rules
    assert rule.schedule == "rate(1 day)"
    assert rule.pattern == FrozenMap((("source", ("aws.s3",)),))
    (target,) = rule.targets
    assert (target.id, target.arn, target.dead_letter_target) == ("fn", "Fn", "Dlq")
    assert target.location.line == 55
    (pool,) = app.user_pools
    assert (pool.mfa, pool.advanced_security) == ("OFF", "ENFORCED")
    (identities,) = app.identity_pools
    assert identities.allow_unauthenticated is True
    assert ("Custom", "Custom::Thing") in app.resource_types


def test_broken_template_loads_with_diagnostics() -> None:
    app = load("broken.yaml")
    found = {(d.location.line, d.message) for d in app.diagnostics}
    assert all(d.code == "FG002" for d in app.diagnostics)
    expected = {
        (3, "resource NotAMap is not a mapping"),
        (4, "resource NoType has no Type"),
        (8, "Properties of BadProps is not a mapping"),
        (12, "Environment is not a mapping; it is ignored"),
        (13, "VpcConfig is not a mapping; it is ignored"),
        (14, "malformed Fn::Join: TypeError"),
        (16, "malformed Fn::Select: TypeError"),
    }
    assert expected <= found
    assert {f.id for f in app.functions} == {"BadFn"}
    bad = app.function("BadFn")
    assert bad is not None and isinstance(bad.timeout, Ref)
    assert {c.id for c in app.channels} == {"Ok"}
    assert dict(app.resource_types)["NoType"] == ""


def test_resources_under_a_mapping_that_is_not_a_mapping() -> None:
    from faasguard.loaders.yamljson import loads

    app = load_template(loads("Resources: [1, 2]\n", "r.yaml"), ".")
    assert [d.message for d in app.diagnostics] == ["Resources is not a mapping"]
    app = load_template(loads("- just\n- a list\n", "l.yaml"), ".")
    assert [d.message for d in app.diagnostics] == ["the template is not a mapping"]
    assert load_template(loads("", "e.yaml"), ".").resources() == ()
