"""Inline policies SAM adds to the implicit role for MQ, SelfManagedKafka and DocumentDB events.

Mirrors ``samtranslator/model/eventsources/pull.py``: these sources need the broker/cluster
credentials secret (``SourceAccessConfigurations``) and, for some, network-interface rights.
"""

from __future__ import annotations

from typing import Any

from faasguard.loaders.sam_policies import plain_to_node
from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import Location

_ENI_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
]
_KAFKA_AUTH_TYPES = frozenset(
    {
        "BASIC_AUTH",
        "SASL_SCRAM_256_AUTH",
        "SASL_SCRAM_512_AUTH",
        "CLIENT_CERTIFICATE_TLS_AUTH",
        "SERVER_ROOT_CA_CERTIFICATE",
    }
)


def _access_configs(props: YMap) -> list[YMap]:
    configs = props.get("SourceAccessConfigurations")
    if not isinstance(configs, YList):
        return []
    return [c for c in configs if isinstance(c, YMap)]


def _uris(props: YMap, types: frozenset[str]) -> list[Node]:
    return [c.get("URI") for c in _access_configs(props) if c.get("Type") in types]


def _allow(actions: list[str], resource: object) -> dict[str, Any]:
    return {"Action": actions, "Effect": "Allow", "Resource": resource}


def _secret_statements(props: YMap, types: frozenset[str]) -> list[dict[str, Any]]:
    return [_allow(["secretsmanager:GetSecretValue"], uri) for uri in _uris(props, types)]


def _kafka_statements(props: YMap) -> list[dict[str, Any]]:
    statements = _secret_statements(props, _KAFKA_AUTH_TYPES)
    types = {c.get("Type") for c in _access_configs(props)}
    if {"VPC_SUBNET", "VPC_SECURITY_GROUP"} <= types:
        statements.append(_allow(_ENI_ACTIONS, "*"))
    return statements


def _documentdb_statements(props: YMap) -> list[dict[str, Any]]:
    rds = "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}"
    return [
        *_secret_statements(props, frozenset({"BASIC_AUTH"})),
        _allow(["rds:DescribeDBClusterParameters"], {"Fn::Sub": f"{rds}:cluster-pg:*"}),
        _allow(["rds:DescribeDBSubnetGroups"], {"Fn::Sub": f"{rds}:subgrp:*"}),
        _allow(["rds:DescribeDBClusters"], props.get("Cluster")),
        _allow(_ENI_ACTIONS, "*"),
    ]


def poll_policy_document(kind: str, props: YMap, loc: Location) -> Node | None:
    """The policy document SAM generates for a poll event of ``kind``, or None."""
    if kind == "MQ":
        statements = [
            *_secret_statements(props, frozenset({"BASIC_AUTH", "VIRTUAL_HOST"}))[:1],
            _allow(["mq:DescribeBroker"], props.get("Broker")),
        ]
    elif kind == "SelfManagedKafka":
        statements = _kafka_statements(props)
    elif kind == "DocumentDB":
        statements = _documentdb_statements(props)
    elif kind == "MSK":
        statements = _secret_statements(props, frozenset({"CLIENT_CERTIFICATE_TLS_AUTH"}))
    else:
        return None
    if not statements:
        return None
    return plain_to_node({"Statement": statements}, loc)
