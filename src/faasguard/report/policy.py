"""Minimal policies rendered for a framework: plain JSON, SAM, Serverless or Terraform.

Resources arrive in CloudFormation ``Sub`` syntax (``${OrdersTable.Arn}/*``, ``${AWS::Region}``);
each format writes them its own way. Every statement names the call sites that need it. Calls
that could not be resolved are listed, never replaced by ``*``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from faasguard.iam.binding import plain
from faasguard.iam.synthesis import MinimalPolicy, MinimalStatement
from faasguard.model import App, Framework

FORMATS = ("json", "sam", "serverless", "terraform")
SCHEMA_VERSION = "1"
_WHOLE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9]+))?\}")
#: platform statements SAM's generated role (and serverless-iam-roles-per-function) add
_SAM_ADDS = frozenset({"logs", "vpc", "xray", "events", "delivery"})
_PLUGIN_ADDS = frozenset({"logs", "vpc", "events"})
_TF_REFERENCE = re.compile(r"\$\{((?:aws_|module\.)[A-Za-z0-9_.\[\]\"-]*)\}")
_TF_PSEUDO = {
    "${AWS::Partition}": "${data.aws_partition.current.partition}",
    "${AWS::Region}": "${data.aws_region.current.name}",
    "${AWS::AccountId}": "${data.aws_caller_identity.current.account_id}",
}

AppPolicies = tuple[App, Sequence[MinimalPolicy]]


def default_format(framework: Framework) -> str:
    if framework is Framework.SERVERLESS:
        return "serverless"
    if framework is Framework.TERRAFORM:
        return "terraform"
    return "sam"


def _sites(statement: MinimalStatement, app: App) -> str:
    root = app.root.rstrip("/") + "/"
    shown = [str(s).removeprefix(root) for s in statement.sites]
    why = "; ".join(statement.reasons)
    return f"needed by {', '.join(shown)}" + (f" ({why})" if why else "")


def _sid(statement: MinimalStatement) -> str:
    first = statement.actions[0].replace(":", " ").replace("*", "Any")
    words = re.split(r"[^A-Za-z0-9]+", first)
    more = "Etc" if len(statement.actions) > 1 else ""
    return "".join(w[:1].upper() + w[1:] for w in words if w) + more


def _unresolved_lines(policy: MinimalPolicy) -> list[str]:
    return [
        f"UNRESOLVED {u.call.location}: {u.reason} (permissions unknown)"
        for u in policy.needs.unresolved
    ]


# --- JSON ------------------------------------------------------------------------------------


def _json_policy(app: App, policy: MinimalPolicy) -> dict[str, object]:
    statements = [
        {
            "Sid": _sid(s),
            "Effect": "Allow",
            "Action": list(s.actions),
            "Resource": sorted({plain(r, app) for r in s.resources}),
        }
        for s in policy.statements
    ]
    return {
        "function": policy.function,
        "role": policy.role,
        "complete": policy.needs.complete,
        "policy": {"Version": "2012-10-17", "Statement": statements},
        "needed_by": {_sid(s): [_sites(s, app)] for s in policy.statements},
        "unresolved": [
            {"location": str(u.call.location), "reason": u.reason} for u in policy.needs.unresolved
        ],
        "notes": list(policy.needs.notes),
    }


def render_json(apps: Sequence[AppPolicies]) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "note": "Region and account are '*'; template resources are named by their name, or "
        "by their logical id when the name is decided at deploy time.",
        "apps": [
            {"source": app.source, "functions": [_json_policy(app, p) for p in policies]}
            for app, policies in apps
        ],
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


# --- CloudFormation-style YAML (SAM, Serverless) ---------------------------------------------


def cfn_resource(text: str) -> str:
    """``${X.Arn}`` -> ``!GetAtt X.Arn``; ``${X}`` -> ``!Ref X``; other texts -> ``!Sub``."""
    if text == "*":
        return '"*"'
    whole = _WHOLE.fullmatch(text)
    if whole is not None and "::" not in text:
        name, attribute = whole.groups()
        return f"!GetAtt {name}.{attribute}" if attribute else f"!Ref {name}"
    if "${" in text:
        return f"!Sub {json.dumps(text)}"
    return json.dumps(text)


def _yaml_statement(statement: MinimalStatement, app: App, indent: str) -> list[str]:
    lines = [f"{indent}# {_sites(statement, app)}"]
    lines += [f"{indent}# note: {n}" for n in statement.notes]
    lines.append(f"{indent}- Effect: Allow")
    lines.append(f"{indent}  Action:")
    lines += [f"{indent}    - {a}" for a in statement.actions]
    lines.append(f"{indent}  Resource:")
    lines += [f"{indent}    - {cfn_resource(r)}" for r in statement.resources]
    return lines


def _yaml_function(
    app: App, policy: MinimalPolicy, indent: str, added: frozenset[str], by: str
) -> list[str]:
    shown = [s for s in policy.statements if s.platform not in added]
    skipped = [s for s in policy.statements if s.platform in added]
    lines = [
        f"{indent}# {by} adds: {', '.join(s.actions)} ({s.reasons[0]})"
        for s in skipped
        if s.reasons
    ]
    lines += [f"{indent}# {line}" for line in _unresolved_lines(policy)]
    if not policy.needs.complete and policy.needs.notes:
        lines.append(f"{indent}# incomplete: {policy.needs.notes[0]}")
    for statement in shown:
        lines += _yaml_statement(statement, app, indent)
    return lines


def render_sam(apps: Sequence[AppPolicies]) -> str:
    lines = [
        "# Minimal policies by faasguard: under each function's Properties, in place of "
        "Role/Policies."
    ]
    for app, policies in apps:
        lines.append(f"# {app.source}")
        for policy in policies:
            lines += [f"{policy.function}:", "  Policies:", "    - Statement:"]
            lines += _yaml_function(app, policy, "        ", _SAM_ADDS, "SAM")
    return "\n".join(lines) + "\n"


def render_serverless(apps: Sequence[AppPolicies]) -> str:
    lines = [
        "# Minimal policies by faasguard (plugin serverless-iam-roles-per-function).",
        "functions:",
    ]
    for app, policies in apps:
        lines.append(f"  # {app.source}")
        for policy in policies:
            lines += [f"  {policy.function}:", "    iamRoleStatements:"]
            lines += _yaml_function(app, policy, "      ", _PLUGIN_ADDS, "the plugin")
    return "\n".join(lines) + "\n"


# --- Terraform -------------------------------------------------------------------------------


def terraform_resource(text: str) -> str:
    """Terraform syntax of a bound resource: ``${aws_sqs_queue.jobs.Arn}`` ->
    ``${aws_sqs_queue.jobs.arn}``; a whole ``${aws_sns_topic.t}`` (the ARN in CloudFormation
    terms) -> ``${aws_sns_topic.t.arn}``, one inside a longer ARN (a name) -> ``.id``; pseudo
    parameters -> data sources."""
    if text == "*":
        return "*"
    whole = _TF_REFERENCE.fullmatch(text) is not None

    def one(match: re.Match[str]) -> str:
        address, _, last = match.group(1).rpartition(".")
        if last[:1].isupper():  # an attribute as the binder spells it: Arn, StreamArn
            return "${" + address + "." + re.sub(r"(?<!^)(?=[A-Z])", "_", last).lower() + "}"
        return "${" + match.group(1) + (".arn}" if whole else ".id}")

    text = _TF_REFERENCE.sub(one, text)
    for pseudo, expression in _TF_PSEUDO.items():
        text = text.replace(pseudo, expression)
    return text


def _tf_name(function: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", re.sub(r"(?<!^)(?=[A-Z])", "_", function).lower())


def render_terraform(apps: Sequence[AppPolicies]) -> str:
    blocks: list[str] = [
        "# Minimal policies by faasguard. CloudFormation resources are written as plain ARNs:\n"
        "# any region and account, named by their name or, when it is decided at deploy time,\n"
        "# by their logical id (replace it with the deployed name)."
    ]
    uses_data = False
    for app, policies in apps:
        for policy in policies:
            lines = [f'data "aws_iam_policy_document" "{_tf_name(policy.function)}" {{']
            lines += [f"  # {line}" for line in _unresolved_lines(policy)]
            for statement in policy.statements:
                arns = [terraform_resource(_tf_text(r, app)) for r in statement.resources]
                uses_data = uses_data or any("data.aws_" in a for a in arns)
                lines += [
                    f"  # {_sites(statement, app)}",
                    "  statement {",
                    '    effect    = "Allow"',
                    f"    actions   = {json.dumps(list(statement.actions))}",
                    f"    resources = {json.dumps(sorted(set(arns)))}",
                    "  }",
                ]
            lines.append("}")
            blocks.append("\n".join(lines))
    if uses_data:
        blocks.insert(
            1,
            'data "aws_partition" "current" {}\ndata "aws_region" "current" {}\n'
            'data "aws_caller_identity" "current" {}',
        )
    return "\n\n".join(blocks) + "\n"


def _tf_text(text: str, app: App) -> str:
    """Terraform addresses stay references; CloudFormation logical ids become plain ARNs."""
    if app.framework is Framework.TERRAFORM or not _WHOLE.search(text.replace("AWS::", "")):
        return text
    return plain(text, app)


def render(apps: Sequence[AppPolicies], fmt: str) -> str:
    match fmt:
        case "json":
            return render_json(apps)
        case "sam":
            return render_sam(apps)
        case "serverless":
            return render_serverless(apps)
        case "terraform":
            return render_terraform(apps)
    raise ValueError(f"unknown policy format {fmt!r} (one of {', '.join(FORMATS)})")
