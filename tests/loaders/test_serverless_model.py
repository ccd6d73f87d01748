"""Serverless Framework constructs into the App model: functions, IAM, events, APIs, resources.

Expected values are what the Serverless Framework documents for each construct (logical ids
from its naming, defaults such as the shared role and the framework-made log groups).
"""

from __future__ import annotations

from pathlib import Path

from serverless_support import function, line_of, load

from faasguard.loaders.settings import LoadSettings
from faasguard.model import Framework, Ref

HEAD = """service: shop
provider:
  name: aws
  runtime: python3.12
"""


def test_every_resource_is_serverless_and_the_app_is_named_by_the_service(tmp_path: Path) -> None:
    app = load(tmp_path, HEAD + "functions:\n  hello:\n    handler: handler.hello\n")
    assert app.framework is Framework.SERVERLESS and app.name == "shop"
    assert {r.framework for r in app.resources()} == {Framework.SERVERLESS}
    ids = {r.id for r in app.resources()}
    assert {"HelloLambdaFunction", "HelloLogGroup", "IamRoleLambdaExecution"} <= ids


def test_function_naming_runtime_override_handler_and_code(tmp_path: Path) -> None:
    text = (
        HEAD
        + """functions:
  create-order:
    handler: src/create_order/app.handler
  legacy_job:
    handler: jobs/index.handler
    runtime: nodejs18.x
    name: custom-name
"""
    )
    app = load(tmp_path, text)
    create = function(app, "CreateDashorderLambdaFunction")
    assert (create.runtime, create.handler, create.name) == (
        "python3.12",
        "app.handler",
        "shop-dev-create-order",
    )
    assert create.code_dir == "service/src/create_order"
    assert create.location.line == line_of(text, "create-order:")
    legacy = function(app, "Legacy_jobLambdaFunction".replace("_", "Underscore"))
    assert (legacy.runtime, legacy.name) == ("nodejs18.x", "custom-name")
    assert legacy.at("runtime").line == line_of(text, "runtime: nodejs18.x")


def test_package_patterns_are_noted(tmp_path: Path) -> None:
    text = HEAD + "package:\n  patterns:\n    - '!tests/**'\nfunctions:\n  a:\n    handler: a.h\n"
    fn = function(load(tmp_path, text), "ALambdaFunction")
    assert any("package.patterns !tests/**" in note for note in fn.assumptions)


def test_environment_merges_provider_and_function(tmp_path: Path) -> None:
    text = (
        HEAD
        + """  environment:
    LOG_LEVEL: info
    TABLE: shared
functions:
  a:
    handler: a.h
    environment:
      TABLE: own
"""
    )
    fn = function(load(tmp_path, text), "ALambdaFunction")
    values = {v.name: (v.value, v.location.line) for v in fn.environment}
    assert values == {
        "LOG_LEVEL": ("info", line_of(text, "LOG_LEVEL")),
        "TABLE": ("own", line_of(text, "TABLE: own")),
    }


def test_function_settings(tmp_path: Path) -> None:
    text = (
        HEAD
        + """  tracing:
    lambda: true
  logRetentionInDays: 14
  vpc:
    securityGroupIds: [sg-1]
    subnetIds: [subnet-1, subnet-2]
functions:
  a:
    handler: a.h
    kmsKeyArn: arn:aws:kms:us-east-1:111122223333:key/k
    reservedConcurrency: 5
    logRetentionInDays: 3
    onError: arn:aws:sns:us-east-1:111122223333:dlq
  b:
    handler: b.h
    tracing: PassThrough
"""
    )
    app = load(tmp_path, text)
    a, b = function(app, "ALambdaFunction"), function(app, "BLambdaFunction")
    assert (a.tracing, b.tracing) == ("Active", "PassThrough")
    assert a.kms_key == "arn:aws:kms:us-east-1:111122223333:key/k"
    assert a.reserved_concurrency == 5
    assert a.dead_letter_target == "arn:aws:sns:us-east-1:111122223333:dlq"
    assert a.vpc is not None and a.vpc.subnets == ("subnet-1", "subnet-2")
    groups = {g.id: (g.name, g.retention_days) for g in app.log_groups}
    assert groups == {
        "ALogGroup": ("/aws/lambda/shop-dev-a", 3),
        "BLogGroup": ("/aws/lambda/shop-dev-b", 14),
    }
    role = app.role("IamRoleLambdaExecution")
    assert role is not None
    assert any("AWSLambdaVPCAccessExecutionRole" in str(m.arn) for m in role.managed_policies)


def test_log_groups_without_retention_never_expire(tmp_path: Path) -> None:
    app = load(tmp_path, HEAD + "functions:\n  a:\n    handler: a.h\n")
    assert [(g.id, g.retention_days) for g in app.log_groups] == [("ALogGroup", None)]


def test_url_destinations_and_layers(tmp_path: Path) -> None:
    text = (
        HEAD
        + """layers:
  common:
    path: layers/common
functions:
  worker:
    handler: w.h
  public:
    handler: p.h
    url: true
    layers:
      - !Ref CommonLambdaLayer
    destinations:
      onFailure: worker
  private:
    handler: q.h
    url:
      authorizer: aws_iam
    maximumRetryAttempts: 0
    destinations:
      onSuccess: arn:aws:sqs:us-east-1:111122223333:done
"""
    )
    app = load(tmp_path, text)
    public, private = function(app, "PublicLambdaFunction"), function(app, "PrivateLambdaFunction")
    assert public.url is not None and public.url.auth_type == "NONE"
    assert public.url.location.line == line_of(text, "url: true")
    assert private.url is not None and private.url.auth_type == "AWS_IAM"
    assert public.layers == ("CommonLambdaLayer",)
    assert public.on_failure_destination == "WorkerLambdaFunction"
    assert private.max_retry_attempts == 0 and private.on_failure_destination is None
    urls = [p for p in app.permissions if p.id == "PublicLambdaPermissionFnUrl"]
    assert len(urls) == 1 and urls[0].principal == "*"
    layer = next(x for x in app.layers if x.id == "CommonLambdaLayer")
    assert layer.content_dir == "service/layers/common"


def test_iam_v3_shared_role_and_managed_policies(tmp_path: Path) -> None:
    text = (
        HEAD
        + """  iam:
    role:
      statements:
        - Effect: Allow
          Action: dynamodb:GetItem
          Resource: arn:aws:dynamodb:us-east-1:111122223333:table/t
      managedPolicies:
        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
functions:
  a:
    handler: a.h
  b:
    handler: b.h
"""
    )
    app = load(tmp_path, text)
    role = app.role("IamRoleLambdaExecution")
    assert role is not None and role.generated_from is None
    assert [(s.actions, s.location.line) for s in role.statements] == [
        (("dynamodb:GetItem",), line_of(text, "- Effect: Allow"))
    ]
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" in {
        m.arn for m in role.managed_policies
    }
    assert {f.role for f in app.functions} == {"IamRoleLambdaExecution"}


def test_iam_v2_statements(tmp_path: Path) -> None:
    text = (
        HEAD
        + """  iamRoleStatements:
    - Effect: Allow
      Action: sqs:SendMessage
      Resource: "*"
functions:
  a:
    handler: a.h
"""
    )
    role = load(tmp_path, text).role("IamRoleLambdaExecution")
    assert role is not None and role.statements[0].actions == ("sqs:SendMessage",)


def test_external_role_arn_creates_no_role(tmp_path: Path) -> None:
    arn = "arn:aws:iam::111122223333:role/shared"
    text = HEAD + f"  iam:\n    role: {arn}\nfunctions:\n  a:\n    handler: a.h\n"
    app = load(tmp_path, text)
    assert app.roles == () and function(app, "ALambdaFunction").role == arn


def test_per_function_roles_and_inheritance(tmp_path: Path) -> None:
    text = (
        HEAD
        + """  iam:
    role:
      statements:
        - Effect: Allow
          Action: xray:PutTraceSegments
          Resource: "*"
functions:
  own:
    handler: o.h
    iamRoleStatements:
      - Effect: Allow
        Action: s3:GetObject
        Resource: arn:aws:s3:::b/*
  inherits:
    handler: i.h
    iamRoleStatementsInherit: true
    iamRoleStatements:
      - Effect: Allow
        Action: s3:PutObject
        Resource: arn:aws:s3:::b/*
  named:
    handler: n.h
    role: CustomRole
resources:
  Resources:
    CustomRole:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument:
          Statement:
            - Effect: Allow
              Principal: {Service: lambda.amazonaws.com}
              Action: sts:AssumeRole
"""
    )
    app = load(tmp_path, text)
    own, inherits = (
        app.role("OwnIamRoleLambdaExecution"),
        app.role("InheritsIamRoleLambdaExecution"),
    )
    assert own is not None and inherits is not None
    assert own.generated_from == "OwnLambdaFunction"
    assert [s.actions for s in own.statements] == [("s3:GetObject",)]
    assert [s.actions for s in inherits.statements] == [
        ("s3:PutObject",),
        ("xray:PutTraceSegments",),
    ]
    assert function(app, "NamedLambdaFunction").role == "CustomRole"
    assert app.role("IamRoleLambdaExecution") is None  # no function uses the shared role


def test_rest_events_authorizers_and_api_settings(tmp_path: Path) -> None:
    text = (
        HEAD
        + """  endpointType: REGIONAL
  tracing:
    apiGateway: true
  logs:
    restApi: true
  apiGateway:
    apiKeys:
      - partner
functions:
  auth:
    handler: auth.h
  api:
    handler: api.h
    events:
      - http: GET open
      - http:
          path: orders/{id}
          method: get
          authorizer: aws_iam
      - http:
          path: orders
          method: post
          authorizer: auth
      - http:
          path: users
          method: get
          authorizer:
            arn: arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_abc
      - http:
          path: keys
          method: get
          private: true
"""
    )
    app = load(tmp_path, text)
    (api,) = app.apis
    assert (api.id, api.protocol, api.stage, api.endpoint_type) == (
        "ApiGatewayRestApi",
        "REST",
        "dev",
        "REGIONAL",
    )
    assert (api.tracing, api.execution_logging, api.data_trace, api.has_usage_plan) == (
        True,
        "INFO",
        True,
        True,
    )
    assert api.access_log_destination is not None
    routes = {(r.method, r.path): r for r in api.routes}
    assert routes[("GET", "/open")].authorizer is None
    assert routes[("GET", "/open")].location.line == line_of(text, "http: GET open")
    assert routes[("GET", "/orders/{id}")].authorizer.kind == "IAM"  # type: ignore[union-attr]
    lambda_auth = routes[("POST", "/orders")].authorizer
    assert lambda_auth is not None and lambda_auth.function == "AuthLambdaFunction"
    assert routes[("GET", "/users")].authorizer.kind == "COGNITO"  # type: ignore[union-attr]
    keys = routes[("GET", "/keys")]
    assert keys.authorizer is None and keys.api_key_required is True
    assert all(r.function == "ApiLambdaFunction" for r in api.routes)
    assert {e.kind for e in function(app, "ApiLambdaFunction").events} == {"Api"}


def test_http_api_events_with_provider_authorizers(tmp_path: Path) -> None:
    text = (
        HEAD
        + """  httpApi:
    cors: true
    authorizers:
      jwt:
        type: jwt
        identitySource: $request.header.Authorization
        issuerUrl: https://issuer.example.com
        audience:
          - client-1
  logs:
    httpApi: true
functions:
  api:
    handler: api.h
    events:
      - httpApi: "*"
      - httpApi:
          method: GET
          path: /me
          authorizer:
            name: jwt
            scopes: [profile]
      - httpApi:
          method: POST
          path: /admin
          authorizer:
            type: aws_iam
"""
    )
    (api,) = load(tmp_path, text).apis
    assert (api.id, api.protocol) == ("HttpApi", "HTTP")
    assert api.cors is not None and api.cors.allow_origins == ("*",)
    assert api.access_log_destination is not None
    routes = {(r.method, r.path): r for r in api.routes}
    assert routes[("$default", "$default")].authorizer is None
    jwt = routes[("GET", "/me")].authorizer
    assert jwt is not None and (jwt.kind, jwt.issuer, jwt.audience) == (
        "JWT",
        "https://issuer.example.com",
        ("client-1",),
    )
    assert routes[("GET", "/me")].scopes == ("profile",)
    assert routes[("POST", "/admin")].authorizer.kind == "IAM"  # type: ignore[union-attr]


def test_websocket_events(tmp_path: Path) -> None:
    text = (
        HEAD
        + """functions:
  connect:
    handler: c.h
    events:
      - websocket:
          route: $connect
  message:
    handler: m.h
    events:
      - websocket: $default
"""
    )
    app = load(tmp_path, text)
    (api,) = app.apis
    assert api.protocol == "WEBSOCKET"
    assert {r.method for r in api.routes} == {"$connect", "$default"}
    assert function(app, "ConnectLambdaFunction").events[0].kind == "WebSocket"


def test_async_and_polled_events(tmp_path: Path) -> None:
    text = (
        HEAD
        + """functions:
  worker:
    handler: w.h
    events:
      - sqs: arn:aws:sqs:us-east-1:111122223333:jobs
      - stream:
          type: dynamodb
          arn: arn:aws:dynamodb:us-east-1:111122223333:table/orders/stream/2026
          destinations:
            onFailure: arn:aws:sqs:us-east-1:111122223333:failed
      - stream: arn:aws:kinesis:us-east-1:111122223333:stream/clicks
      - schedule: rate(5 minutes)
      - eventBridge:
          pattern:
            source: [aws.ec2]
      - sns: alerts
      - s3:
          bucket: shop-uploads
          event: s3:ObjectCreated:*
      - cognitoUserPool:
          pool: customers
          trigger: PreSignUp
      - alb:
          listenerArn: arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/x/y/z
          priority: 1
          conditions:
            path: /hello
      - iot:
          sql: "SELECT * FROM 'topic'"
"""
    )
    app = load(tmp_path, text)
    kinds = sorted(e.kind for e in function(app, "WorkerLambdaFunction").events)
    assert kinds == sorted(
        [
            "SQS",
            "DynamoDB",
            "Kinesis",
            "Schedule",
            "EventBridgeRule",
            "SNS",
            "S3",
            "Cognito",
            "ALB",
            "IoTRule",
        ]
    )
    mappings = {m.id: m.on_failure for m in app.event_source_mappings}
    assert mappings["WorkerEventSourceMappingSQSJobs"] is None
    assert (
        mappings["WorkerEventSourceMappingDynamodbStreamOrders"]
        == "arn:aws:sqs:us-east-1:111122223333:failed"
    )
    assert {r.id for r in app.event_rules} == {
        "WorkerEventsRuleSchedule4",
        "WorkerEventBridgeRule5",
    }
    assert all(r.generated_from == "WorkerLambdaFunction" for r in app.event_rules)
    assert {s.id for s in app.subscriptions} == {"WorkerSnsSubscriptionAlerts"}
    assert {d.id for d in app.data_stores} >= {"S3BucketShopuploads"}
    assert {c.id for c in app.channels} >= {"SNSTopicAlerts"}


def test_resources_merge_and_resolve_references_from_functions(tmp_path: Path) -> None:
    text = (
        HEAD
        + """functions:
  a:
    handler: a.h
    environment:
      TABLE: !Ref Orders
      ARN: !GetAtt Orders.Arn
resources:
  Resources:
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
  extensions:
    ALogGroup:
      Properties:
        RetentionInDays: 7
"""
    )
    app = load(tmp_path, text)
    env = {v.name: v.value for v in function(app, "ALambdaFunction").environment}
    assert isinstance(env["TABLE"], Ref) and env["TABLE"].target == "Orders"
    orders = next(d for d in app.data_stores if d.id == "Orders")
    assert orders.location.line == line_of(text, "    Orders:")
    assert [g.retention_days for g in app.log_groups] == [7]


def test_resources_given_as_a_list_of_files(tmp_path: Path) -> None:
    files = {"service/res/queue.yml": "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n"}
    text = HEAD + "functions:\n  a:\n    handler: a.h\nresources:\n  - ${file(res/queue.yml)}\n"
    app = load(tmp_path, text, files=files)
    queue = next(c for c in app.channels if c.id == "Jobs")
    assert queue.location.file == "service/res/queue.yml"


def test_stage_option_changes_names(tmp_path: Path) -> None:
    app = load(
        tmp_path, HEAD + "functions:\n  a:\n    handler: a.h\n", settings=LoadSettings(stage="prod")
    )
    assert function(app, "ALambdaFunction").name == "shop-prod-a"


def test_bad_input_is_a_diagnostic_not_a_crash(tmp_path: Path) -> None:
    text = (
        HEAD
        + """functions:
  broken: just-a-string
  odd:
    handler: o.h
    events:
      - carrierPigeon: {}
      - [not, a, mapping]
"""
    )
    app = load(tmp_path, text)
    messages = sorted((d.code, d.location.line, d.message) for d in app.diagnostics)
    assert ("FG002", line_of(text, "broken:"), "function broken is not a mapping") in messages
    assert any("carrierPigeon is not modelled" in m for _, _, m in messages)
    assert [f.id for f in app.functions] == ["OddLambdaFunction"]


def test_a_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    app = load(tmp_path, "- just\n- a list\n")
    assert app.functions == () and [d.code for d in app.diagnostics] == ["FG001"]


def test_other_clouds_are_reported_not_analysed(tmp_path: Path) -> None:
    text = "service: az\nprovider:\n  name: azure\nfunctions:\n  a:\n    handler: a.h\n"
    app = load(tmp_path, text)
    assert app.functions == ()
    assert [(d.code, d.location.line) for d in app.diagnostics] == [("FG002", 3)]


def test_plugin_default_inherit_adds_provider_statements(tmp_path: Path) -> None:
    text = (
        HEAD
        + """  iamRoleStatements:
    - Effect: Allow
      Action: xray:PutTraceSegments
      Resource: "*"
custom:
  serverless-iam-roles-per-function:
    defaultInherit: true
functions:
  a:
    handler: a.h
    iamRoleStatements:
      - Effect: Allow
        Action: s3:GetObject
        Resource: arn:aws:s3:::b/*
"""
    )
    role = load(tmp_path, text).role("AIamRoleLambdaExecution")
    assert role is not None
    assert [s.actions for s in role.statements] == [("s3:GetObject",), ("xray:PutTraceSegments",)]


def test_serverless_json(tmp_path: Path) -> None:
    text = '{"service": "j", "provider": {"name": "aws", "runtime": "python3.12"},\n'
    text += ' "functions": {"a": {"handler": "a.h", "url": true}}}\n'
    app = load(tmp_path, text)
    fn = function(app, "ALambdaFunction")
    assert fn.url is not None and fn.url.auth_type == "NONE" and fn.url.location.line == 2


def test_rest_authorizer_defined_under_resources(tmp_path: Path) -> None:
    text = (
        HEAD
        + """functions:
  api:
    handler: api.h
    events:
      - http:
          path: me
          method: get
          authorizer:
            type: COGNITO_USER_POOLS
            authorizerId: !Ref PoolAuthorizer
resources:
  Resources:
    PoolAuthorizer:
      Type: AWS::ApiGateway::Authorizer
      Properties:
        Name: pool
        Type: COGNITO_USER_POOLS
        RestApiId: !Ref ApiGatewayRestApi
        IdentitySource: method.request.header.Authorization
        ProviderARNs:
          - arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_abc
"""
    )
    (api,) = load(tmp_path, text).apis
    (route,) = api.routes
    assert route.authorizer is not None and route.authorizer.kind == "COGNITO"
