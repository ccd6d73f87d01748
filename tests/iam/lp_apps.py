"""Small hand-built apps for the least-privilege tests (binding, synthesis, comparison)."""

from __future__ import annotations

from faasguard.model import (
    App,
    Channel,
    CodeProfile,
    DataStore,
    Encryption,
    EnvVar,
    EventSource,
    Framework,
    Function,
    Key,
    Location,
    ManagedPolicyRef,
    PolicyStatement,
    Ref,
    ResourceArg,
    Role,
    SdkCall,
    Text,
)

TEMPLATE = "app/template.yaml"


def loc(line: int, file: str = TEMPLATE) -> Location:
    return Location(file=file, line=line)


def call(
    service: str | None, operation: str | None, line: int, *args: ResourceArg, note: str = ""
) -> SdkCall:
    return SdkCall(
        service=service,
        operation=operation,
        location=loc(line, "app/src/app.py"),
        sdk="boto3",
        resources=args,
        form="client method",
        note=note,
    )


def env(param: str, name: str) -> ResourceArg:
    return ResourceArg(param=param, env_var=name)


def lit(param: str, value: str) -> ResourceArg:
    return ResourceArg(param=param, literal=value)


def allow(
    actions: tuple[str, ...], resources: tuple[Text, ...], line: int, **kw: object
) -> PolicyStatement:
    return PolicyStatement(
        actions=actions, resources=resources, location=loc(line), source="inline policy 'p'", **kw
    )  # type: ignore[arg-type]


def function(
    calls: tuple[SdkCall, ...] = (),
    environment: tuple[tuple[str, Text], ...] = (),
    *,
    ident: str = "Fn",
    role: str = "FnRole",
    code: bool = True,
    **kw: object,
) -> Function:
    return Function(
        id=ident,
        type="AWS::Serverless::Function",
        location=loc(20),
        framework=Framework.SAM,
        role=role,
        environment=tuple(EnvVar(name=n, value=v, location=loc(30)) for n, v in environment),
        code=CodeProfile(language="python", files=("app.py",), calls=calls) if code else None,
        **kw,  # type: ignore[arg-type]
    )


def app(
    functions: tuple[Function, ...],
    statements: tuple[PolicyStatement, ...] = (),
    *,
    managed: tuple[str, ...] = (),
    generated: bool = False,
    kms_bucket: bool = False,
) -> App:
    role = Role(
        id="FnRole",
        type="AWS::IAM::Role",
        location=loc(10),
        statements=statements,
        managed_policies=tuple(ManagedPolicyRef(arn=m, location=loc(11)) for m in managed),
        generated_from="Fn" if generated else None,
    )
    encryption = (
        Encryption(
            kind="kms", key=Ref(text="!GetAtt TableKey.Arn", target="TableKey", attribute="Arn")
        )
        if kms_bucket
        else None
    )
    return App(
        name="t",
        root="app",
        source=TEMPLATE,
        framework=Framework.SAM,
        functions=functions,
        roles=(role,),
        data_stores=(
            DataStore(id="Orders", type="AWS::DynamoDB::Table", location=loc(2), kind="table"),
            DataStore(
                id="Receipts",
                type="AWS::S3::Bucket",
                location=loc(3),
                kind="bucket",
                name="receipts-bucket",
                encryption=encryption,
            ),
        ),
        channels=(
            Channel(id="Jobs", type="AWS::SQS::Queue", location=loc(4), kind="queue"),
            Channel(id="Shipped", type="AWS::SNS::Topic", location=loc(5), kind="topic"),
        ),
        keys=(Key(id="TableKey", type="AWS::KMS::Key", location=loc(6)),),
    )


def ref(target: str, attribute: str | None = None) -> Ref:
    text = f"!GetAtt {target}.{attribute}" if attribute else f"!Ref {target}"
    return Ref(text=text, target=target, attribute=attribute)


def sqs_event(queue: str = "Jobs") -> EventSource:
    return EventSource(
        id="Poll", kind="SQS", function="Fn", source=queue, location=loc(40), invocation="poll"
    )
