"""One ``functions:`` entry into the CloudFormation Serverless generates for it: the function,
its log group, URL, async invoke config; provider settings apply where the function sets none."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from faasguard.loaders.serverless_iam import ProviderIam, function_role
from faasguard.loaders.serverless_nodes import (
    Out,
    as_list,
    get_att,
    normalize_function,
    put,
    ref,
    section,
    truthy,
    ylist,
    ymap,
)
from faasguard.loaders.serverless_vars import as_node
from faasguard.loaders.yamljson import Node, YMap
from faasguard.model import Location, Ref


@dataclass(frozen=True, slots=True)
class Service:
    """What every function of the service shares."""

    file: str
    name: str
    stage: str
    provider: YMap
    iam: ProviderIam
    #: logical ids of ``resources.Resources`` (roles and layers may be named by them)
    resource_ids: frozenset[str]
    #: function key -> its FunctionName (destinations may name another function by key)
    function_keys: frozenset[str]


def function_id(key: str) -> str:
    return normalize_function(key) + "LambdaFunction"


def function_name(service: Service, key: str, fn: YMap) -> Node:
    return fn.get("name") or f"{service.name}-{service.stage}-{key}"


def add_function(out: Out, service: Service, key: str, fn: YMap, at: Location) -> str:
    """Generate the function's resources; returns its logical id."""
    ident = function_id(key)
    provider = service.provider
    props = ymap(at)
    name = function_name(service, key, fn)
    put(props, "FunctionName", name, fn.key_loc("name") if "name" in fn else at)
    _inherited(props, fn, provider, "Runtime", "runtime", at)
    _inherited(props, fn, provider, "MemorySize", "memorySize", at)
    _inherited(props, fn, provider, "Timeout", "timeout", at)
    _inherited(props, fn, provider, "KmsKeyArn", "kmsKeyArn", at)
    _inherited(props, fn, provider, "ReservedConcurrentExecutions", "reservedConcurrency", at)
    _code(out, ident, props, fn)
    _environment(props, fn, provider, at)
    _tracing(props, fn, provider, at)
    vpc = _vpc(props, fn, provider)
    _layers(props, fn, provider, service)
    _architecture(props, fn, provider)
    if "onError" in fn:
        put(
            props,
            "DeadLetterConfig",
            ymap(fn.key_loc("onError"), TargetArn=fn["onError"]),
            fn.key_loc("onError"),
        )
    role = function_role(out, key, fn, at, service.iam, vpc, service.resource_ids)
    put(props, "Role", role, role.loc if isinstance(role, YMap) else at)
    out.add(ident, "AWS::Lambda::Function", at, props)
    if not truthy(fn.get("disableLogs")):
        _log_group(out, key, fn, provider, name, at)
    _url(out, key, fn, ident)
    _destinations(out, key, fn, ident, service)
    return ident


def _inherited(props: YMap, fn: YMap, provider: YMap, cfn: str, key: str, at: Location) -> None:
    if key in fn:
        put(props, cfn, fn[key], fn.key_loc(key))
    elif key in provider:
        put(props, cfn, provider[key], provider.key_loc(key))


def _code(out: Out, ident: str, props: YMap, fn: YMap) -> None:
    """``handler: src/orders/app.handler`` -> code in ``src/orders``, handler ``app.handler``.

    Serverless packages the whole service (minus ``package.patterns``); the handler's own
    directory is what the code analysis starts from."""
    handler = fn.get("handler")
    package = section(fn, "package")
    image = fn.get("image")
    if image is not None:
        put(props, "PackageType", "Image", fn.key_loc("image"))
        put(
            props,
            "Code",
            ymap(fn.key_loc("image"), ImageUri=_image_uri(image)),
            fn.key_loc("image"),
        )
        return
    if package is not None and "artifact" in package:
        put(
            props,
            "Code",
            ymap(package.key_loc("artifact"), S3Key=package["artifact"]),
            package.key_loc("artifact"),
        )
    if isinstance(handler, str):
        directory, _, module = handler.rpartition("/")
        put(props, "Handler", module, fn.key_loc("handler"))
        if package is None or "artifact" not in package:
            out.code_dirs[ident] = posixpath.normpath(directory or ".")
    elif handler is not None:
        put(props, "Handler", handler, fn.key_loc("handler"))


def _image_uri(image: Node) -> Node:
    if isinstance(image, YMap):
        return image.get("uri") or image.get("name")
    return image


def _environment(props: YMap, fn: YMap, provider: YMap, at: Location) -> None:
    merged = YMap(at)
    for owner in (provider, fn):
        env = section(owner, "environment")
        if env is None:
            continue
        for name, value in env.items():
            put(merged, name, value, env.key_loc(name))
            merged.key_locs[name] = env.key_loc(name)
    if merged or "environment" in fn or "environment" in provider:
        where = (
            fn.key_loc("environment") if "environment" in fn else provider.key_loc("environment")
        )
        variables = YMap(where)
        for name, value in merged.items():
            variables[name] = value
            variables.key_locs[name] = merged.key_loc(name)
        put(props, "Environment", ymap(where, Variables=variables), where)


def _tracing(props: YMap, fn: YMap, provider: YMap, at: Location) -> None:
    tracing = section(provider, "tracing")
    if "tracing" in fn:
        node, where = fn["tracing"], fn.key_loc("tracing")
    elif tracing is not None and "lambda" in tracing:
        node, where = tracing["lambda"], tracing.key_loc("lambda")
    else:
        return
    mode: Node = node
    if node is True or (isinstance(node, str) and node.lower() == "true"):
        mode = "Active"
    elif node is False or (isinstance(node, str) and node.lower() == "false"):
        mode = "PassThrough"
    put(props, "TracingConfig", ymap(where, Mode=mode), where)


def _vpc(props: YMap, fn: YMap, provider: YMap) -> bool:
    owner = fn if "vpc" in fn else provider
    vpc = section(owner, "vpc")
    if vpc is None:
        return False
    where = owner.key_loc("vpc")
    config = ymap(where)
    put(config, "SecurityGroupIds", vpc.get("securityGroupIds"), vpc.key_loc("securityGroupIds"))
    put(config, "SubnetIds", vpc.get("subnetIds"), vpc.key_loc("subnetIds"))
    put(props, "VpcConfig", config, where)
    return True


def _layers(props: YMap, fn: YMap, provider: YMap, service: Service) -> None:
    owner = fn if "layers" in fn else provider
    if "layers" not in owner:
        return
    found = ylist(owner.key_loc("layers"), [])
    for item, loc in as_list(owner["layers"]):
        if isinstance(item, YMap) and isinstance(item.get("Ref"), str):
            item = ref(str(item["Ref"]), loc)
        found.append(item)
        found.item_locs.append(loc)
    put(props, "Layers", found, owner.key_loc("layers"))


def _architecture(props: YMap, fn: YMap, provider: YMap) -> None:
    owner = fn if "architecture" in fn else provider
    if "architecture" in owner:
        where = owner.key_loc("architecture")
        put(props, "Architectures", ylist(where, [owner["architecture"]]), where)


def _log_group(out: Out, key: str, fn: YMap, provider: YMap, name: Node, at: Location) -> None:
    """Serverless creates ``/aws/lambda/<name>`` with ``logRetentionInDays`` (unset: forever)."""
    props = ymap(at)
    if isinstance(name, str):
        put(props, "LogGroupName", f"/aws/lambda/{name}", at)
    elif isinstance(name, Ref):
        put(props, "LogGroupName", as_node(Ref(text=f"/aws/lambda/{name.text}")), at)
    owner = fn if "logRetentionInDays" in fn else provider
    if "logRetentionInDays" in owner:
        put(
            props,
            "RetentionInDays",
            owner["logRetentionInDays"],
            owner.key_loc("logRetentionInDays"),
        )
    out.add(normalize_function(key) + "LogGroup", "AWS::Logs::LogGroup", at, props)


def _url(out: Out, key: str, fn: YMap, ident: str) -> None:
    url = fn.get("url")
    if url is None or url is False:
        return
    where = fn.key_loc("url")
    options = url if isinstance(url, YMap) else YMap(where)
    iam = str(options.get("authorizer", "")).lower() == "aws_iam"
    props = ymap(
        where, AuthType="AWS_IAM" if iam else "NONE", TargetFunctionArn=get_att(ident, "Arn", where)
    )
    cors = options.get("cors")
    if cors is not None and cors is not False:
        cors_at = options.key_loc("cors")
        put(props, "Cors", _url_cors(cors, cors_at), cors_at)
    out.add(ident + "Url", "AWS::Lambda::Url", where, props)
    if not iam:
        permission = ymap(
            where,
            Action="lambda:InvokeFunctionUrl",
            FunctionName=get_att(ident, "Arn", where),
            Principal="*",
            FunctionUrlAuthType="NONE",
        )
        out.add(
            normalize_function(key) + "LambdaPermissionFnUrl",
            "AWS::Lambda::Permission",
            where,
            permission,
        )


def _url_cors(cors: Node, at: Location) -> YMap:
    """``cors: true`` allows any origin, as Serverless documents."""
    if not isinstance(cors, YMap):
        return ymap(at, AllowOrigins=ylist(at, ["*"]), AllowMethods=ylist(at, ["*"]))
    found = ymap(at)
    names = {
        "allowedOrigins": "AllowOrigins",
        "allowedMethods": "AllowMethods",
        "allowedHeaders": "AllowHeaders",
        "allowCredentials": "AllowCredentials",
        "maxAge": "MaxAge",
    }
    for key, cfn in names.items():
        put(found, cfn, cors.get(key), cors.key_loc(key))
    if "AllowOrigins" not in found:
        put(found, "AllowOrigins", ylist(at, ["*"]), at)  # Serverless's default
    return found


def _destinations(out: Out, key: str, fn: YMap, ident: str, service: Service) -> None:
    destinations = section(fn, "destinations")
    retries = fn.get("maximumRetryAttempts")
    if destinations is None and retries is None:
        return
    where = (
        fn.key_loc("destinations")
        if destinations is not None
        else fn.key_loc("maximumRetryAttempts")
    )
    props = ymap(where, FunctionName=ref(ident, where), Qualifier="$LATEST")
    put(props, "MaximumRetryAttempts", retries, fn.key_loc("maximumRetryAttempts"))
    config = ymap(where)
    for event, cfn in (("onSuccess", "OnSuccess"), ("onFailure", "OnFailure")):
        if destinations is not None and event in destinations:
            at = destinations.key_loc(event)
            target = _destination(destinations[event], at, service)
            put(config, cfn, ymap(at, Destination=target), at)
    if config:
        put(props, "DestinationConfig", config, where)
    out.add(
        normalize_function(key) + "LambdaEvConf", "AWS::Lambda::EventInvokeConfig", where, props
    )


def _destination(node: Node, at: Location, service: Service) -> Node:
    """A function key of this service, an ARN, or ``{type, arn}``."""
    if isinstance(node, YMap) and "arn" in node:
        node = node["arn"]
    if isinstance(node, str) and node in service.function_keys:
        return get_att(function_id(node), "Arn", at)
    return node
