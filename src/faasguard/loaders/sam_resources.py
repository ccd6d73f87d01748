"""The other serverless types: SimpleTable, StateMachine, LayerVersion, Application, GraphQLApi."""

from __future__ import annotations

from typing import Any

from faasguard.loaders.cloudformation import Template
from faasguard.loaders.parts import Parts
from faasguard.loaders.sam_function import sub_map
from faasguard.loaders.sam_roles import RoleGrants, add_policies, trust_statement
from faasguard.loaders.yamljson import YMap
from faasguard.model import (
    Api,
    DataStore,
    Diagnostic,
    Encryption,
    Layer,
    Ref,
    Role,
    StateMachine,
    Text,
)


def _table(tpl: Template, props: YMap, base: dict[str, Any]) -> DataStore:
    sse = props.get("SSESpecification")
    encryption = None
    if isinstance(sse, YMap):
        enabled = tpl.value(sse.get("SSEEnabled"))
        key = tpl.target(sse.get("KMSMasterKeyId")) if "KMSMasterKeyId" in sse else None
        kind = "kms" if enabled is True and key is not None else "service"
        encryption = Encryption(
            kind=kind,
            key=key if kind == "kms" else None,
            location=props.key_loc("SSESpecification"),
        )
    return DataStore(
        **base,
        kind="table",
        name=tpl.text(props.get("TableName")),
        encryption=encryption,
    )


def _state_machine_role(
    tpl: Template, ident: str, props: YMap, parts: Parts, base: dict[str, Any]
) -> Text | None:
    if "Role" in props:
        return tpl.target(props["Role"])
    if "Policies" not in props:
        return None
    grants = RoleGrants()
    add_policies(tpl, grants, props["Policies"], props.key_loc("Policies"))
    parts.diagnostics.extend(grants.diagnostics)
    loc = props.key_loc("Policies")
    parts.roles.append(
        Role(
            **{**base, "id": f"{ident}Role", "type": "AWS::IAM::Role", "generated_from": ident},
            trust=(trust_statement("states.amazonaws.com", loc),),
            statements=tuple(grants.statements),
            managed_policies=tuple(grants.managed),
            permissions_boundary=tpl.text(props.get("PermissionsBoundary")),
        )
    )
    return f"{ident}Role"


def _state_machine(
    tpl: Template, ident: str, props: YMap, parts: Parts, base: dict[str, Any]
) -> StateMachine:
    tracing = tpl.value(sub_map(props, "Tracing").get("Enabled"))
    logging = sub_map(props, "Logging")
    return StateMachine(
        **base,
        name=tpl.text(props.get("Name")),
        tracing=tracing if isinstance(tracing, bool | Ref) else None,
        logging_level=tpl.text(logging.get("Level")) if "Level" in logging else None,
        role=_state_machine_role(tpl, ident, props, parts, base),
        express=tpl.value(props.get("Type")) == "EXPRESS",
    )


def expand_other(
    tpl: Template, ident: str, cfn_type: str, props: YMap, parts: Parts, base: dict[str, Any]
) -> None:
    """Serverless types other than Function/Api/HttpApi; unknown ones become FG002."""
    match cfn_type:
        case "AWS::Serverless::SimpleTable":
            parts.data_stores.append(_table(tpl, props, base))
        case "AWS::Serverless::StateMachine":
            parts.state_machines.append(_state_machine(tpl, ident, props, parts, base))
        case "AWS::Serverless::LayerVersion":
            parts.layers.append(
                Layer(
                    **base,
                    name=tpl.text(props.get("LayerName")),
                    content_uri=tpl.text(props.get("ContentUri")),
                    compatible_runtimes=tpl.texts(props.get("CompatibleRuntimes")),
                )
            )
        case "AWS::Serverless::GraphQLApi":
            xray = tpl.value(props.get("XrayEnabled"))
            parts.apis.append(
                Api(
                    **base,
                    protocol="GRAPHQL",
                    name=tpl.text(props.get("Name")),
                    tracing=xray if isinstance(xray, bool | Ref) else None,
                )
            )
        case "AWS::Serverless::Application":
            parts.diagnostics.append(
                Diagnostic(
                    code="FG002",
                    location=tpl.location(ident),
                    message=f"{ident}: nested SAM application is not analysed",
                )
            )
        case _:
            parts.diagnostics.append(
                Diagnostic(
                    code="FG002",
                    location=tpl.location(ident),
                    message=f"{ident}: {cfn_type} is not modelled",
                )
            )
    tpl.take_assumptions()
