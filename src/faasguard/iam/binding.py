"""Resource binding: which ARN a call's resource argument names (research §2.7).

A call's ``ResourceArg`` is a literal, an environment variable or a template. An environment
variable leads to the function's ``EnvVar``: a literal value, or a ``Ref`` to a resource of the
app (``!Ref OrdersTable``, ``!GetAtt Queue.Arn``). Bound ARNs are written in CloudFormation
``Sub`` syntax: ``${OrdersTable.Arn}`` (an attribute of a template resource), ``${AWS::Region}``
(a pseudo parameter); renderers turn them into each framework's syntax. What cannot be bound is
``*`` with a note saying why, never silently.

``canonical`` turns such a text, and the ``Ref`` resources of granted statements, into one
comparable string (region and account become ``REGION``/``ACCOUNT``, template resources their
name or logical id), so needed and granted resources can be matched with IAM wildcards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faasguard.iam.sdkmap import RequiredAction
from faasguard.model import (
    App,
    Channel,
    DataStore,
    Function,
    Key,
    LogGroup,
    Ref,
    ResourceArg,
    Role,
    SdkCall,
    StateMachine,
    Text,
)

PARTITION = "${AWS::Partition}"
REGION = "${AWS::Region}"
ACCOUNT = "${AWS::AccountId}"
_PSEUDO = {"Partition": PARTITION, "Region": REGION, "Account": ACCOUNT}
_CANONICAL_PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": "REGION",
    "AWS::AccountId": "ACCOUNT",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "STACK",
}
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")
_ARN_FIELDS = re.compile(r"(arn:[^:]*:[^:]*:)([^:]*):([^:]*)(:.*)", re.DOTALL)

#: model kind -> (what ``Ref`` returns: "name" | "arn" | "url" | "id", ARN format of the
#: resource with {n} = its name); CloudFormation return values of each resource type
_KINDS: dict[str, tuple[str, str]] = {
    "table": ("name", "arn:aws:dynamodb:REGION:ACCOUNT:table/{n}"),
    "bucket": ("name", "arn:aws:s3:::{n}"),
    "queue": ("url", "arn:aws:sqs:REGION:ACCOUNT:{n}"),
    "topic": ("arn", "arn:aws:sns:REGION:ACCOUNT:{n}"),
    "stream": ("name", "arn:aws:kinesis:REGION:ACCOUNT:stream/{n}"),
    "event-bus": ("name", "arn:aws:events:REGION:ACCOUNT:event-bus/{n}"),
    "secret": ("arn", "arn:aws:secretsmanager:REGION:ACCOUNT:secret:{n}-RANDOM"),
    "parameter": ("name", "arn:aws:ssm:REGION:ACCOUNT:parameter/{n}"),
    "function": ("name", "arn:aws:lambda:REGION:ACCOUNT:function:{n}"),
    "statemachine": ("arn", "arn:aws:states:REGION:ACCOUNT:stateMachine:{n}"),
    "key": ("id", "arn:aws:kms:REGION:ACCOUNT:key/{n}"),
    "loggroup": ("name", "arn:aws:logs:REGION:ACCOUNT:log-group:{n}:*"),
    "role": ("name", "arn:aws:iam::ACCOUNT:role/{n}"),
    "userpool": ("id", "arn:aws:cognito-idp:REGION:ACCOUNT:userpool/{n}"),
}
#: ARN service -> the model kinds its resources can be
_SERVICE_KINDS: dict[str, frozenset[str]] = {
    "dynamodb": frozenset({"table"}),
    "s3": frozenset({"bucket"}),
    "sqs": frozenset({"queue"}),
    "sns": frozenset({"topic"}),
    "kinesis": frozenset({"stream"}),
    "events": frozenset({"event-bus"}),
    "secretsmanager": frozenset({"secret"}),
    "ssm": frozenset({"parameter"}),
    "lambda": frozenset({"function"}),
    "states": frozenset({"statemachine"}),
    "kms": frozenset({"key"}),
    "logs": frozenset({"loggroup"}),
    "iam": frozenset({"role"}),
    "cognito-idp": frozenset({"userpool"}),
}


#: sub-resource placeholders a call may leave out: without them the parent resource is meant
#: (a DynamoDB Scan without IndexName reads the table, not an index)
_OPTIONAL_PARTS = {"IndexName": "/index/${IndexName}"}


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundResource:
    """The resource a needed action applies to: an ARN pattern (``Sub`` syntax) or ``*``."""

    arn: str
    target: str | None = None  # logical id of the app resource the ARN is built from
    note: str = ""  # why the resource is "*" or what was assumed

    @property
    def bound(self) -> bool:
        return self.arn != "*"


@dataclass(frozen=True, slots=True)
class AppResource:
    id: str
    kind: str
    name: str  # the literal name, or the logical id when the name is decided at deploy time


def app_resources(app: App) -> dict[str, AppResource]:
    """Every resource of the app whose ARN faasguard can write, by logical id."""
    found: dict[str, AppResource] = {}

    def add(ident: str, kind: str, name: Text | None) -> None:
        found[ident] = AppResource(ident, kind, name if isinstance(name, str) else ident)

    for store in app.data_stores:
        add(store.id, store.kind, store.name)
    for channel in app.channels:
        add(channel.id, channel.kind, channel.name)
    for fn in app.functions:
        add(fn.id, "function", fn.name)
    for machine in app.state_machines:
        add(machine.id, "statemachine", machine.name)
    for key in app.keys:
        add(key.id, "key", None)
    for group in app.log_groups:
        add(group.id, "loggroup", group.name)
    for role in app.roles:
        add(role.id, "role", role.name)
    for pool in app.user_pools:
        add(pool.id, "userpool", None)
    return found


def resource_kind(
    resource: DataStore | Channel | Function | StateMachine | Key | LogGroup | Role,
) -> str:
    if isinstance(resource, DataStore | Channel):
        return resource.kind
    return type(resource).__name__.lower()


def reference(target: AppResource) -> str:
    """The ``Sub`` expression of a template resource's ARN."""
    returns, _ = _KINDS.get(target.kind, ("name", ""))
    if returns == "arn":
        return "${" + target.id + "}"
    if target.kind == "parameter":
        return f"arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter/${{{target.id}}}"
    return "${" + target.id + ".Arn}"


def _arn_service(template: str) -> str:
    parts = template.split(":")
    return parts[2] if len(parts) > 2 else ""


def _env_value(fn: Function, name: str) -> Text | None:
    value = next((e.value for e in fn.environment if e.name == name), None)
    if value is None or isinstance(value, str | Ref):
        return value
    return str(value)  # a number or boolean written in the template


@dataclass(frozen=True, slots=True)
class _Value:
    """What one ARN placeholder is bound to."""

    text: str | None = None  # a literal value or pattern ("receipts/*")
    target: AppResource | None = None
    note: str = ""


def _from_text(value: Text | None, resources: dict[str, AppResource], what: str) -> _Value:
    if isinstance(value, str):
        return _Value(text=value)
    if isinstance(value, Ref) and value.target in resources:
        return _Value(target=resources[value.target])
    if isinstance(value, Ref):
        return _Value(note=f"{what} is {value.text}, which the app does not define")
    return _Value(note=f"{what} is not set in the function's environment")


def _resolve(
    arg: ResourceArg | None, fn: Function, resources: dict[str, AppResource], *, name_only: bool
) -> _Value:
    if arg is None:
        return _Value(note="the call's resource argument was not found")
    if arg.literal is not None:
        return _Value(text=arg.literal)
    if arg.env_var is not None and arg.template is None:
        return _from_text(
            _env_value(fn, arg.env_var), resources, f"environment variable {arg.env_var}"
        )
    if arg.template is not None:
        return _from_template(arg, fn, name_only=name_only)
    return _Value(note=arg.note or f"{arg.param} is computed at run time")


def _from_template(arg: ResourceArg, fn: Function, *, name_only: bool) -> _Value:
    """``f"{STAGE}-orders"``: the variable is only part of the name, never the whole of it."""
    text = arg.template or ""
    value = _env_value(fn, arg.env_var) if arg.env_var else None
    if arg.env_var and isinstance(value, str):
        text = text.replace("${" + arg.env_var + "}", value)
    if not _PLACEHOLDER.search(text):
        return _Value(text=text)
    if name_only:
        return _Value(note=f"{arg.param} is built at run time ({arg.template})")
    fixed = _PLACEHOLDER.split(text, maxsplit=1)[0]
    return _Value(text=fixed + "*", note=f"{arg.param} built at run time ({arg.template})")


def _literal_name(service: str, text: str) -> str:
    """The resource name inside a literal argument (queue URLs, secret names)."""
    if service == "sqs" and text.startswith("https://"):
        return text.rstrip("/").rsplit("/", 1)[-1]
    if service == "secretsmanager" and not text.startswith("arn:"):
        return text + "-??????"  # real secret ARNs end in a random 6-character suffix
    if service == "ssm":
        return text.lstrip("/")
    return text


def _fill(template: str, values: dict[str, _Value]) -> str:
    """Replace the remaining placeholders (sub-resources) with their values or ``*``."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _PSEUDO:
            return _PSEUDO[name]
        value = values.get(name)
        return value.text if value is not None and value.text is not None else "*"

    return _PLACEHOLDER.sub(one, template)


def bind(app: App, fn: Function, call: SdkCall, need: RequiredAction) -> BoundResource:
    """The ARN pattern ``need`` applies to when ``call`` is made by ``fn``."""
    if need.arn_template.strip() == "*" or not need.arn_template:
        return BoundResource(arn="*", note=f"{need.action} takes no resource ARN")
    resources = app_resources(app)
    service = _arn_service(need.arn_template)
    args = {a.param: a for a in call.resources}
    names = [m.group(1) for m in _PLACEHOLDER.finditer(need.arn_template)]
    bound = [n for n in names if n not in _PSEUDO and n in dict(need.bindings)]
    if not bound:
        return BoundResource(arn="*", note=f"no argument of the call names the {service} resource")
    params = dict(need.bindings)
    main = bound[0]
    values = {n: _resolve(args.get(params[n]), fn, resources, name_only=(n == main)) for n in bound}
    head, _, tail = need.arn_template.partition("${" + main + "}")
    for optional, segment in _OPTIONAL_PARTS.items():
        if optional in params and params[optional] not in args:
            tail = tail.replace(segment, "")
    first = values[main]
    if first.target is not None:
        if first.target.kind not in _SERVICE_KINDS.get(service, frozenset({first.target.kind})):
            note = f"{first.target.id} is a {first.target.kind}, not a {service} resource"
            return BoundResource(arn="*", note=note)
        arn = reference(first.target) + _fill(tail, values) + _index(call, service, tail)
        return BoundResource(arn=arn, target=first.target.id)
    if first.text is None:
        return BoundResource(arn="*", note=first.note)
    if first.text.startswith("arn:"):
        return BoundResource(arn=first.text + _fill(tail, values), note=first.note)
    literal = _literal_name(service, first.text)
    arn = _fill(head, values) + literal + _fill(tail, values) + _index(call, service, tail)
    return BoundResource(arn=arn, note=first.note)


def _index(call: SdkCall, service: str, tail: str) -> str:
    """A DynamoDB Query/Scan on a secondary index is authorised on the index's ARN."""
    if service != "dynamodb" or tail or call.operation not in ("Query", "Scan"):
        return ""
    index = next((a for a in call.resources if a.param == "IndexName"), None)
    if index is None:
        return ""
    return "/index/" + (index.literal if index.literal is not None else "*")


# --- canonical form, for comparing needed and granted resources ------------------------------


def _canonical_reference(
    ident: str, attribute: str | None, resources: dict[str, AppResource]
) -> str | None:
    if ident in _CANONICAL_PSEUDO and attribute is None:
        return _CANONICAL_PSEUDO[ident]
    target = resources.get(ident)
    if target is None or target.kind not in _KINDS:
        return None
    returns, arn_format = _KINDS[target.kind]
    arn = arn_format.format(n=target.name)
    ref_value = {
        "arn": arn,
        "url": f"https://sqs.REGION.amazonaws.com/ACCOUNT/{target.name}",
        "id": target.name,
    }.get(returns, target.name)
    if attribute is None:
        return ref_value
    # CloudFormation attributes (Arn, StreamArn) and Terraform ones (arn, stream_arn, id, url)
    key = attribute.replace("_", "").lower()
    if key in ("arn", "topicarn"):
        # Terraform's log group arn has no ":*" (CloudFormation's GetAtt Arn has)
        return arn.removesuffix(":*") if attribute == "arn" else arn
    if key == "streamarn":
        return arn + "/stream/*"
    if key in ("name", "queuename", "topicname", "keyid", "bucket", "functionname"):
        return target.name
    if key in ("id", "url"):
        return ref_value  # Terraform ids: queue URL, topic ARN, the name of the others
    return None


def _normalize_account(text: str) -> str:
    """A literal region/account in an ARN is taken to be the deployment's own."""
    match = _ARN_FIELDS.fullmatch(text)
    if match is None:
        return text
    head, region, account, tail = match.groups()
    region = "REGION" if region and "*" not in region and "?" not in region else region
    account = "ACCOUNT" if account.isdigit() else account
    return f"{head}{region}:{account}{tail}"


def _substitute(text: str, resources: dict[str, AppResource]) -> str | None:
    unknown = False

    def one(match: re.Match[str]) -> str:
        nonlocal unknown
        inner = match.group(1)
        ident, attribute = inner, None
        if inner not in resources and "." in inner:
            ident, _, attribute = inner.rpartition(".")
        found = _canonical_reference(ident, attribute, resources)
        if found is None:
            unknown = True
            return match.group(0)
        return found

    result = _PLACEHOLDER.sub(one, text)
    return None if unknown else result


#: canonical secret ARNs carry this stand-in for the random suffix (the same on both sides);
#: plain IAM documents match the suffix with six ``?``
_SECRET_SUFFIX = "-RANDOM"


def canonical(value: Text, app: App) -> str | None:
    """A comparable string for a resource text or ``Ref``; None when a part is unknown."""
    resources = app_resources(app)
    if isinstance(value, Ref):
        short = re.fullmatch(r"!(Ref|GetAtt)\s+([\w:]+?)(?:\.(\w+))?", value.text.strip())
        if short is not None:
            return _canonical_reference(short.group(2), short.group(3), resources)
        if value.target is not None and value.text.strip() in (
            value.target,
            f"{value.target}.{value.attribute}",
        ):  # a bare Terraform reference: aws_sqs_queue.jobs.arn
            return _canonical_reference(value.target, value.attribute, resources)
        text = value.text
    else:
        text = value
    result = _substitute(text, resources)
    return None if result is None else _normalize_account(result)


def plain(text: str, app: App) -> str:
    """A bound ARN as a plain IAM resource: any region and account, template resources by
    their name (or logical id when the name is decided at deploy time)."""
    result = _substitute(text, app_resources(app))
    if result is None:
        return "*"
    return (
        result.replace(_SECRET_SUFFIX, "-??????")
        .replace(":REGION:", ":*:")
        .replace(":ACCOUNT:", ":*:")
        .replace("sqs.REGION.", "sqs.*.")
    )
