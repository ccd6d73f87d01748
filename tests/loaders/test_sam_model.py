"""SAM semantics the translator oracle cannot see: positions, Globals, model fields.

Expected line numbers were read off the fixture files by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from sam_support import load_sam

FIXTURES = Path(__file__).parent / "fixtures" / "sam"


def test_globals_merge_maps_and_concatenate_lists_with_their_own_lines() -> None:
    parts = load_sam(FIXTURES / "http_globals.yaml")
    fn = next(f for f in parts.functions if f.id == "HttpFn")
    assert [(e.name, e.value, e.location.line) for e in fn.environment] == [
        ("STAGE", "prod", 10),
        ("TABLE", "items", 48),
    ]
    assert fn.layers == (
        "arn:aws:lambda:us-east-1:123456789012:layer:shared:1",
        "arn:aws:lambda:us-east-1:123456789012:layer:local:2",
    )
    assert fn.runtime == "python3.12" and fn.tracing == "Active"
    assert fn.code_dir == "src/http"


def test_policy_template_statements_point_at_their_policies_entry() -> None:
    parts = load_sam(FIXTURES / "policies.yaml")
    role = next(r for r in parts.roles if r.id == "TemplatesFnRole")
    crud = [s for s in role.statements if s.source == "SAM policy template DynamoDBCrudPolicy"]
    assert len(crud) == 1
    assert crud[0].location.line == 24
    assert "dynamodb:DeleteItem" in crud[0].actions
    assert role.generated_from == "TemplatesFn"


def test_public_function_url_and_roles() -> None:
    parts = load_sam(FIXTURES / "policies.yaml")
    by_id = {f.id: f for f in parts.functions}
    url = by_id["InlineFn"].url
    assert url is not None and url.auth_type == "NONE" and url.location.line == 85
    assert url.cors is not None and url.cors.allow_credentials is True
    assert by_id["InlineFn"].inline_code is not None
    assert by_id["InlineFn"].dead_letter_target == "Queue"
    assert by_id["InlineFn"].on_failure_destination == "Topic"
    assert by_id["ExplicitRoleFn"].role == "SharedRole"
    assert by_id["ArnRoleFn"].role == "arn:aws:iam::123456789012:role/external"
    assert by_id["TemplatesFn"].role == "TemplatesFnRole"
    inline_role = next(r for r in parts.roles if r.id == "InlineFnRole")
    assert inline_role.permissions_boundary == "arn:aws:iam::123456789012:policy/boundary"


def test_poll_events_and_their_failure_destination() -> None:
    parts = load_sam(FIXTURES / "events_poll.yaml")
    events = {e.id: e for e in parts.functions[0].events}
    assert events["Queue"].invocation == "poll" and events["Queue"].location.line == 27
    assert events["Queue"].source == "Jobs"
    assert events["Stream"].on_failure == "Failed"
    assert events["Changes"].enabled is False
    assert {m.id for m in parts.event_source_mappings} >= {"PollFnQueue", "PollFnStream"}


def test_other_serverless_types() -> None:
    parts = load_sam(FIXTURES / "misc.yaml")
    table = parts.data_stores[0]
    assert table.kind == "table" and table.encryption is not None
    assert table.encryption.location is not None and table.encryption.location.line == 7
    machine = parts.state_machines[0]
    assert machine.express and machine.tracing is True and machine.role == "FlowRole"
    assert [layer.id for layer in parts.layers] == ["Deps"]
    spec = next(a for a in parts.apis if a.id == "SpecApi")
    # an inline Swagger document is analysed now: no paths, so no routes and no FG002 note
    assert spec.routes_complete is True and spec.routes == ()
    lines = sorted((d.code, d.location.line) for d in parts.diagnostics)
    assert lines == [("FG002", 30)]


def test_rest_api_settings() -> None:
    parts = load_sam(FIXTURES / "rest_api.yaml")
    api = next(a for a in parts.apis if a.id == "MyApi")
    assert api.stage == "prod" and api.tracing is True and api.endpoint_type == "REGIONAL"
    assert api.execution_logging == "INFO" and api.data_trace is True
    assert api.has_usage_plan and api.cache_enabled is True
    assert [s.actions for s in api.resource_policy] == [("execute-api:Invoke",)]
    assert parts.domains[0].security_policy == "TLS_1_2"
    implicit = next(a for a in parts.apis if a.id == "ServerlessRestApi")
    assert implicit.implicit and implicit.stage == "Prod"
