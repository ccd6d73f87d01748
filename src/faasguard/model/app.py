"""The normalized serverless application: what every loader produces and every rule reads.

Identifiers (``Resource.id``) are the logical ids of CloudFormation/SAM (or the Terraform address);
cross-references between entities are by id, so the model stays a flat, hashable value.
Fields that were absent in the source are ``None``; fields whose value is decided at deploy time
hold a ``Ref``. ``Resource.at(field)`` gives the position of the key that set a field.
"""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.model.code import CodeProfile
from faasguard.model.deps import DependencyReport
from faasguard.model.findings import Framework
from faasguard.model.values import Data, FrozenMap, Location, Ref, Text, Value


@dataclass(frozen=True, slots=True, kw_only=True)
class Ignore:
    """A suppression declared on the resource itself (``Metadata.faasguard.ignore``)."""

    rule: str
    reason: str
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    id: str
    type: str  # source type, e.g. "AWS::Serverless::Function" or "aws_lambda_function"
    location: Location  # the resource's first line (its logical id key)
    framework: Framework = Framework.CLOUDFORMATION
    #: set when the resource only exists under a condition (CloudFormation ``Condition``)
    condition: str | None = None
    #: where a derived resource came from (e.g. the SAM function an implicit role was made for)
    generated_from: str | None = None
    ignores: tuple[Ignore, ...] = ()
    #: field name -> location of the key that set it
    field_locations: tuple[tuple[str, Location], ...] = ()
    #: statements about how values were resolved ("parameter Stage: default 'dev' used")
    assumptions: tuple[str, ...] = ()

    def at(self, field_name: str) -> Location:
        """Location of the key that set ``field_name``; the resource's own line when absent."""
        for name, loc in self.field_locations:
            if name == field_name:
                return loc
        return self.location


# --- IAM ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    kind: str  # "AWS", "Service", "Federated", "CanonicalUser", "*"
    value: Text


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyStatement:
    effect: Text = "Allow"
    actions: tuple[Text, ...] = ()
    not_actions: tuple[Text, ...] = ()
    resources: tuple[Text, ...] = ()
    not_resources: tuple[Text, ...] = ()
    principals: tuple[Principal, ...] = ()
    not_principals: tuple[Principal, ...] = ()
    #: condition operator -> key -> values, kept as data
    conditions: FrozenMap = FrozenMap()
    sid: str | None = None
    location: Location
    #: human name of where the statement came from: "inline policy 'Root'",
    #: "SAM policy template DynamoDBCrudPolicy", "managed policy arn:aws:iam::aws:policy/X"
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ManagedPolicyRef:
    """An attached managed policy (AWS-managed name/ARN or a customer policy id)."""

    arn: Text
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Role(Resource):
    name: Text | None = None
    trust: tuple[PolicyStatement, ...] = ()
    #: every statement the role grants that we can see: inline, SAM policy templates expanded,
    #: customer-managed policies defined in the app and attached to it
    statements: tuple[PolicyStatement, ...] = ()
    managed_policies: tuple[ManagedPolicyRef, ...] = ()
    permissions_boundary: Text | None = None
    #: False when the role is given as an ARN from outside the app: its policies are unknown
    defined_in_app: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy(Resource):
    """A standalone IAM policy resource (AWS::IAM::Policy / ManagedPolicy / aws_iam_policy)."""

    name: Text | None = None
    statements: tuple[PolicyStatement, ...] = ()
    roles: tuple[Text, ...] = ()  # role ids (or Refs) it is attached to
    users: tuple[Text, ...] = ()
    groups: tuple[Text, ...] = ()
    managed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Permission(Resource):
    """A grant in a function's resource policy (AWS::Lambda::Permission, SAM-generated ones)."""

    function: Text  # function id, or a Ref/ARN when outside the app
    action: Text = "lambda:InvokeFunction"
    principal: Text = ""
    source_arn: Text | None = None
    source_account: Text | None = None
    principal_org_id: Text | None = None
    function_url_auth_type: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourcePolicy(Resource):
    """A resource policy on a bucket, queue, topic, key, API, layer, event bus or secret."""

    targets: tuple[Text, ...] = ()  # ids (or Refs) of the resources it governs
    target_kind: str = ""  # "bucket", "queue", "topic", "key", "api", "layer", "event-bus", ...
    statements: tuple[PolicyStatement, ...] = ()


# --- Functions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EnvVar:
    name: str
    value: Value
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Cors:
    allow_origins: tuple[Text, ...] = ()
    allow_credentials: bool | Ref | None = None
    allow_methods: tuple[Text, ...] = ()
    allow_headers: tuple[Text, ...] = ()
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionUrl:
    auth_type: Text  # "AWS_IAM" | "NONE" | Ref
    cors: Cors | None = None
    location: Location
    invoke_mode: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VpcConfig:
    subnets: tuple[Text, ...] = ()
    security_groups: tuple[Text, ...] = ()
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSource:
    """Something that invokes a function: an API route, a queue, a schedule..."""

    id: str  # the event's own name (SAM Events key) or the mapping resource's id
    kind: str  # "Api", "HttpApi", "S3", "SQS", "SNS", "Kinesis", "DynamoDB", "Schedule", ...
    function: str
    source: Text | None = None  # ARN / id of the queue, stream, bucket, topic, rule...
    location: Location
    #: "sync" (API), "async" (S3, SNS, EventBridge...), "poll" (event source mapping)
    invocation: str = "async"
    on_failure: Text | None = None  # destination for failed batches (poll) when set
    enabled: bool | Ref | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Function(Resource):
    name: Text | None = None
    runtime: Text | None = None
    handler: Text | None = None
    package_type: Text = "Zip"
    #: the code location as written (CodeUri / Code.S3Key / filename...)
    code_uri: Text | None = None
    #: directory of the function's source relative to the scan root, when it is local
    code_dir: str | None = None
    inline_code: str | None = None
    memory: Value = None
    timeout: Value = None
    tracing: Text | None = None  # "Active" | "PassThrough" | Ref | None (= not set)
    environment: tuple[EnvVar, ...] = ()
    kms_key: Text | None = None
    role: Text | None = None  # id of a Role in the app, or an ARN/Ref from outside
    reserved_concurrency: Value = None
    dead_letter_target: Text | None = None
    #: async invocation destinations (EventInvokeConfig / SAM EventInvokeConfig)
    on_failure_destination: Text | None = None
    max_retry_attempts: Value = None
    vpc: VpcConfig | None = None
    code_signing_config: Text | None = None
    layers: tuple[Text, ...] = ()
    url: FunctionUrl | None = None
    events: tuple[EventSource, ...] = ()
    architectures: tuple[Text, ...] = ()
    log_group: Text | None = None  # LoggingConfig.LogGroup when set explicitly
    #: static analysis of the code root (None = not analysed: no local code)
    code: CodeProfile | None = None
    #: dependency audit of the code root (None = not audited)
    dependencies: DependencyReport | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Layer(Resource):
    name: Text | None = None
    content_uri: Text | None = None
    compatible_runtimes: tuple[Text, ...] = ()
    #: directory of the layer's content relative to the scan root, when it is local
    content_dir: str | None = None
    dependencies: DependencyReport | None = None


# --- APIs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Authorizer:
    name: str
    #: "COGNITO", "JWT", "LAMBDA_TOKEN", "LAMBDA_REQUEST", "IAM", "NONE"
    kind: str
    location: Location
    issuer: Text | None = None
    audience: tuple[Text, ...] = ()
    function: Text | None = None  # Lambda authorizer's function id/ARN
    identity_sources: tuple[Text, ...] = ()
    user_pools: tuple[Text, ...] = ()
    ttl: Value = None
    scopes: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    api: str  # Api id
    method: str  # upper-case; "ANY" for any; "$default"/"$connect" for v2
    path: str
    location: Location
    function: Text | None = None  # integration target function id when known
    #: the authorizer that protects the route; None = no authorization at all
    authorizer: Authorizer | None = None
    api_key_required: bool | Ref = False
    request_validation: bool | Ref = False
    scopes: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Throttling:
    rate_limit: Value = None
    burst_limit: Value = None
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Api(Resource):
    protocol: str  # "REST", "HTTP", "WEBSOCKET", "GRAPHQL"
    name: Text | None = None
    stage: Text | None = None
    #: explicit: defined in the app; implicit: generated by SAM from function events
    implicit: bool = False
    routes: tuple[Route, ...] = ()
    authorizers: tuple[Authorizer, ...] = ()
    default_authorizer: str | None = None
    access_log_destination: Text | None = None
    access_log_format: Text | None = None
    execution_logging: Text | None = None  # "OFF" | "ERROR" | "INFO" | Ref | None
    data_trace: bool | Ref | None = None
    tracing: bool | Ref | None = None
    throttling: Throttling | None = None
    has_usage_plan: bool = False
    cors: Cors | None = None
    endpoint_type: Text | None = None  # "EDGE" | "REGIONAL" | "PRIVATE"
    resource_policy: tuple[PolicyStatement, ...] = ()
    waf_acl: Text | None = None
    cache_enabled: bool | Ref | None = None
    cache_encrypted: bool | Ref | None = None
    #: False when an OpenAPI DefinitionBody/DefinitionUri defines the routes we cannot see
    routes_complete: bool = True
    disable_default_endpoint: bool | Ref | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainName(Resource):
    domain: Text | None = None
    security_policy: Text | None = None  # "TLS_1_0" | "TLS_1_2" | ...
    api: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UserPool(Resource):
    mfa: Text | None = None  # "OFF" | "ON" | "OPTIONAL"
    advanced_security: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityPool(Resource):
    allow_unauthenticated: bool | Ref | None = None


# --- Data and messaging --------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Encryption:
    """At-rest encryption: ``kind`` is "none", "service" (AWS owned/managed key) or "kms"."""

    kind: str
    key: Text | None = None  # CMK id/ARN/alias when ``kind`` is "kms"
    location: Location | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DataStore(Resource):
    kind: str  # "bucket", "table", "secret", "parameter", "filesystem", "database"
    name: Text | None = None
    #: None = the property is absent (service default applies)
    encryption: Encryption | None = None
    versioning: bool | Ref | None = None
    public_access_blocked: bool | Ref | None = None  # all four S3 block settings on
    public_acl: Text | None = None  # "PublicRead", "PublicReadWrite", ...
    access_logging: bool | Ref | None = None
    point_in_time_recovery: bool | Ref | None = None
    rotation: bool | Ref | None = None  # secrets
    #: a literal secret value written in the template (redacted by reporters)
    literal_secret: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Channel(Resource):
    kind: str  # "queue", "topic", "stream", "event-bus"
    name: Text | None = None
    encryption: Encryption | None = None
    dead_letter_target: Text | None = None  # SQS redrive target
    fifo: bool | Ref | None = None
    visibility_timeout: Value = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscription(Resource):
    topic: Text
    protocol: Text
    endpoint: Text | None = None
    dead_letter_target: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleTarget:
    id: Text
    arn: Text
    location: Location
    dead_letter_target: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRule(Resource):
    """An EventBridge / CloudWatch Events rule, including SAM Schedule/EventBridgeRule events."""

    schedule: Text | None = None
    pattern: Data = None
    targets: tuple[RuleTarget, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSourceMapping(Resource):
    function: Text
    source: Text | None = None
    on_failure: Text | None = None
    enabled: bool | Ref | None = None


# --- Observability and keys ----------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class LogGroup(Resource):
    name: Text | None = None
    retention_days: Value = None
    kms_key: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Trail(Resource):
    multi_region: bool | Ref | None = None
    log_file_validation: bool | Ref | None = None
    kms_key: Text | None = None
    cloudwatch_logs: Text | None = None
    logging: bool | Ref | None = None
    lambda_data_events: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Alarm(Resource):
    namespace: Text | None = None
    metric: Text | None = None
    dimensions: tuple[tuple[str, Text], ...] = ()
    actions: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Key(Resource):
    rotation: bool | Ref | None = None
    enabled: bool | Ref | None = None
    key_spec: Text | None = None
    policy: tuple[PolicyStatement, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StateMachine(Resource):
    name: Text | None = None
    tracing: bool | Ref | None = None
    logging_level: Text | None = None  # "OFF" | "ALL" | "ERROR" | "FATAL" | Ref
    encryption: Encryption | None = None
    role: Text | None = None
    express: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """A problem of the tool with the input (FG001 unparsable file, FG002 unsupported construct)."""

    code: str
    message: str
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    name: str
    default: Value = None
    no_echo: bool = False
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class App:
    """One application definition (a template, a serverless.yml, a Terraform module)."""

    name: str
    root: str  # directory the paths below are relative to
    source: str  # the file (or directory) the app was loaded from, relative to root
    framework: Framework
    functions: tuple[Function, ...] = ()
    roles: tuple[Role, ...] = ()
    policies: tuple[Policy, ...] = ()
    permissions: tuple[Permission, ...] = ()
    resource_policies: tuple[ResourcePolicy, ...] = ()
    layers: tuple[Layer, ...] = ()
    apis: tuple[Api, ...] = ()
    domains: tuple[DomainName, ...] = ()
    user_pools: tuple[UserPool, ...] = ()
    identity_pools: tuple[IdentityPool, ...] = ()
    data_stores: tuple[DataStore, ...] = ()
    channels: tuple[Channel, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    event_rules: tuple[EventRule, ...] = ()
    event_source_mappings: tuple[EventSourceMapping, ...] = ()
    log_groups: tuple[LogGroup, ...] = ()
    trails: tuple[Trail, ...] = ()
    alarms: tuple[Alarm, ...] = ()
    keys: tuple[Key, ...] = ()
    state_machines: tuple[StateMachine, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    #: every resource id in the template with its type (including types we do not model)
    resource_types: tuple[tuple[str, str], ...] = ()

    def function(self, ident: object) -> Function | None:
        return next((f for f in self.functions if f.id == ident), None)

    def role(self, ident: object) -> Role | None:
        return next((r for r in self.roles if r.id == ident), None)

    def resources(self) -> tuple[Resource, ...]:
        return (
            *self.functions,
            *self.roles,
            *self.policies,
            *self.permissions,
            *self.resource_policies,
            *self.layers,
            *self.apis,
            *self.domains,
            *self.user_pools,
            *self.identity_pools,
            *self.data_stores,
            *self.channels,
            *self.subscriptions,
            *self.event_rules,
            *self.event_source_mappings,
            *self.log_groups,
            *self.trails,
            *self.alarms,
            *self.keys,
            *self.state_machines,
        )
