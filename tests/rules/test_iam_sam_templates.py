"""False-positive guard: the 80-odd SAM policy templates, as AWS ships them, through IAM002/IAM003.

Each template's statements become a role's statements (parameters left symbolic); only the cases
listed below may be reported, each checked by hand against the template's definition.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

from faasguard.model import (
    App,
    Framework,
    Location,
    PolicyStatement,
    Ref,
    Role,
    RuleContext,
    Text,
    Violation,
)
from faasguard.rules.iam_statements import service_wildcard_action, wildcard_resource

CTX = RuleContext(today=date(2026, 11, 28))

#: (rule, template): TextractPolicy grants textract:* on '*' (a service wildcard that includes
#: adapter writes, which accept adapter ARNs); PutDashboard supports dashboard ARNs
EXPECTED = {
    ("IAM002", "TextractPolicy"),
    ("IAM003", "TextractPolicy"),
    ("IAM003", "CloudWatchDashboardPolicy"),
}


def _texts(value: object) -> tuple[Text, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(v if isinstance(v, str) else Ref(text=json.dumps(v)) for v in items)


def _templates() -> dict[str, list[dict[str, object]]]:
    path = resources.files("samtranslator").joinpath("policy_templates_data/policy_templates.json")
    raw = json.loads(path.read_text("utf-8"))
    return {name: t["Definition"]["Statement"] for name, t in raw["Templates"].items()}


def _app() -> App:
    roles = []
    for name, statements in sorted(_templates().items()):
        converted = tuple(
            PolicyStatement(
                effect=str(st.get("Effect", "Allow")),
                actions=_texts(st.get("Action", [])),
                resources=_texts(st.get("Resource", [])),
                location=Location(file="t.yaml", line=1),
            )
            for st in statements
        )
        roles.append(
            Role(
                id=name,
                type="AWS::IAM::Role",
                location=Location(file="t.yaml"),
                statements=converted,
            )
        )
    return App(name="t", root=".", source="t.yaml", framework=Framework.SAM, roles=tuple(roles))


def test_sam_policy_templates_raise_only_the_known_findings() -> None:
    app = _app()
    assert len(app.roles) > 70
    found = {
        (r.info.id, v.resource)
        for r in (service_wildcard_action, wildcard_resource)
        for v in r.check(app, CTX)
        if isinstance(v, Violation)
    }
    assert found == EXPECTED
