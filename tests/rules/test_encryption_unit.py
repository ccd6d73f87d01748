"""Encryption rules on hand-built models: each case states the property and the expected answer."""

from __future__ import annotations

from datetime import date

from faasguard.model import (
    App,
    Channel,
    DataStore,
    DomainName,
    Encryption,
    EnvVar,
    Framework,
    FrozenMap,
    Function,
    Inconclusive,
    Key,
    Location,
    PolicyStatement,
    Ref,
    ResourcePolicy,
    Rule,
    RuleContext,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.model.app import Api
from faasguard.rules import encryption as enc
from faasguard.rules.encryption_services import (
    api_cache_unencrypted,
    function_env_without_cmk,
    kms_key_rotation_off,
)
from faasguard.rules.encryption_stores import (
    ENC004,
    bucket_without_cmk,
    queue_unencrypted,
    secret_without_cmk,
    table_without_cmk,
    topic_without_kms,
)
from faasguard.rules.encryption_transit import api_domain_weak_tls, bucket_allows_insecure_transport

CTX = RuleContext(today=date(2026, 11, 28))


def loc(line: int) -> Location:
    return Location(file="template.yaml", line=line)


def app(**parts: object) -> App:
    return App(
        name="t", root=".", source="template.yaml", framework=Framework.CLOUDFORMATION, **parts
    )  # type: ignore[arg-type]


def run(rule: Rule, model: App) -> list[RuleResult]:
    return list(rule.check(model, CTX))


def violations(rule: Rule, model: App) -> list[Violation]:
    return [r for r in run(rule, model) if isinstance(r, Violation)]


def store(kind: str, encryption: Encryption | None, ident: str = "S") -> DataStore:
    return DataStore(id=ident, type="x", location=loc(3), kind=kind, encryption=encryption)


def test_enc001_env_without_key_reports_the_environment_key() -> None:
    fn = Function(
        id="Fn",
        type="AWS::Lambda::Function",
        location=loc(3),
        environment=(EnvVar(name="TABLE", value="t", location=loc(9)),),
        field_locations=(("environment", loc(7)),),
    )
    found = violations(function_env_without_cmk, app(functions=(fn,)))
    assert [(v.resource, v.location.line) for v in found] == [("Fn", 7)]
    assert "TABLE" in found[0].evidence[0]


def test_enc001_key_or_no_environment_passes() -> None:
    env = (EnvVar(name="A", value="b", location=loc(9)),)
    with_key = Function(
        id="A", type="t", location=loc(3), environment=env, kms_key=Ref(text="!Ref K", target="K")
    )
    no_env = Function(id="B", type="t", location=loc(3))
    assert run(function_env_without_cmk, app(functions=(with_key, no_env))) == []


def test_cmk_rules_fire_on_absent_and_service_but_not_on_customer_key() -> None:
    cases = [
        (bucket_without_cmk, "bucket"),
        (table_without_cmk, "table"),
        (secret_without_cmk, "secret"),
    ]
    for rule, kind in cases:
        absent = store(kind, None, "Absent")
        managed = store(kind, Encryption(kind="service", location=loc(8)), "Managed")
        customer = store(kind, Encryption(kind="kms", key="K", location=loc(8)), "Customer")
        found = violations(rule, app(data_stores=(absent, managed, customer)))
        assert [(v.resource, v.location.line) for v in found] == [("Absent", 3), ("Managed", 8)]
        assert "service default" in found[0].evidence[0]


def test_enc002_ignores_other_store_kinds() -> None:
    assert run(bucket_without_cmk, app(data_stores=(store("table", None),))) == []


def test_enc004_disabled_sse_is_medium_and_default_is_low() -> None:
    disabled = Channel(
        id="Off",
        type="q",
        location=loc(3),
        kind="queue",
        encryption=Encryption(kind="none", location=loc(6)),
    )
    default = Channel(id="Default", type="q", location=loc(10), kind="queue")
    found = violations(queue_unencrypted, app(channels=(disabled, default)))
    assert [(v.resource, v.severity, v.location.line) for v in found] == [
        ("Off", Severity.MEDIUM, 6),
        ("Default", None, 10),
    ]
    assert ENC004.severity is Severity.LOW


def test_enc005_absent_is_unencrypted_and_aws_managed_is_low() -> None:
    absent = Channel(id="T1", type="t", location=loc(3), kind="topic")
    managed = Channel(
        id="T2",
        type="t",
        location=loc(5),
        kind="topic",
        encryption=Encryption(kind="service", key="alias/aws/sns"),
    )
    queue = Channel(id="Q", type="q", location=loc(7), kind="queue")
    found = violations(topic_without_kms, app(channels=(absent, managed, queue)))
    assert [(v.resource, v.severity) for v in found] == [("T1", None), ("T2", Severity.LOW)]
    assert "not encrypted" in found[0].message


def test_enc009_deny_on_secure_transport_false_passes() -> None:
    bucket = store("bucket", None, "Data")
    deny = PolicyStatement(
        effect="Deny",
        actions=("s3:*",),
        location=loc(20),
        conditions=FrozenMap((("Bool", FrozenMap((("aws:SecureTransport", "false"),))),)),
    )
    allow = PolicyStatement(effect="Allow", actions=("s3:GetObject",), location=loc(20))
    good = ResourcePolicy(
        id="P",
        type="t",
        location=loc(15),
        target_kind="bucket",
        targets=(Ref(text="!Ref Data", target="Data"),),
        statements=(deny,),
    )
    bad = ResourcePolicy(
        id="P",
        type="t",
        location=loc(15),
        target_kind="bucket",
        targets=("Data",),
        statements=(allow,),
    )
    assert (
        run(
            bucket_allows_insecure_transport,
            app(data_stores=(bucket,), resource_policies=(good,)),
        )
        == []
    )
    found = violations(
        bucket_allows_insecure_transport, app(data_stores=(bucket,), resource_policies=(bad,))
    )
    assert [(v.resource, v.location.line) for v in found] == [("Data", 3)]


def test_enc009_policy_on_unresolved_bucket_is_inconclusive() -> None:
    policy = ResourcePolicy(
        id="P",
        type="t",
        location=loc(15),
        target_kind="bucket",
        targets=(Ref(text="!Ref BucketParam"),),
    )
    results = run(
        bucket_allows_insecure_transport,
        app(data_stores=(store("bucket", None),), resource_policies=(policy,)),
    )
    assert len(results) == 1 and isinstance(results[0], Inconclusive)


def test_enc010_weak_absent_strong_and_unknown_policies() -> None:
    def domain(ident: str, policy: str | Ref | None) -> DomainName:
        return DomainName(
            id=ident,
            type="t",
            location=loc(3),
            domain=f"{ident}.example.com",
            security_policy=policy,
            field_locations=(("security_policy", loc(6)),),
        )

    model = app(
        domains=(
            domain("Weak", "TLS_1_0"),
            domain("Absent", None),
            domain("Strong", "TLS_1_2"),
            domain("Param", Ref(text="!Ref P")),
        )
    )
    results = run(api_domain_weak_tls, model)
    assert [(type(r).__name__, r.resource) for r in results] == [
        ("Violation", "Weak"),
        ("Violation", "Absent"),
        ("Inconclusive", "Param"),
    ]


def test_enc011_rotation_only_for_symmetric_keys() -> None:
    off = Key(id="Off", type="k", location=loc(3))
    on = Key(id="On", type="k", location=loc(3), rotation=True)
    rsa = Key(id="Rsa", type="k", location=loc(3), key_spec="RSA_2048")
    found = violations(kms_key_rotation_off, app(keys=(off, on, rsa)))
    assert [v.resource for v in found] == ["Off"]


def test_enc012_cache_without_encryption() -> None:
    def api(ident: str, enabled: bool, encrypted: bool | None) -> Api:
        return Api(
            id=ident,
            type="t",
            location=loc(3),
            protocol="REST",
            cache_enabled=enabled,
            cache_encrypted=encrypted,
        )

    model = app(
        apis=(api("Plain", True, None), api("Encrypted", True, True), api("NoCache", False, None))
    )
    assert [v.resource for v in violations(api_cache_unencrypted, model)] == ["Plain"]


def test_rule_ids_are_in_order_and_in_range() -> None:
    ids = [r.info.id for r in enc.RULES]
    assert ids == sorted(ids) == [f"ENC{n:03d}" for n in range(1, 14)]
