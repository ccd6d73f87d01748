"""Terraform resources into the App model: IAM, Lambda, APIs, data stores, instances, modules,
parse errors and locations."""

from __future__ import annotations

from pathlib import Path

from terraform_support import line_of, load

from faasguard.model import Framework, Location, Principal, Ref

ASSUME = """
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}
"""


def test_role_with_document_inline_policy_role_policy_and_attachments(tmp_path: Path) -> None:
    main = (
        ASSUME
        + """
    resource "aws_iam_role" "r" {
      name               = "r"
      assume_role_policy = data.aws_iam_policy_document.assume.json
      inline_policy {
        name   = "inline"
        policy = jsonencode({ Statement = [
          { Effect = "Allow", Action = "s3:GetObject", Resource = "*" },
        ] })
      }
    }
    data "aws_iam_policy_document" "extra" {
      statement {
        sid       = "Scoped"
        actions   = ["sqs:SendMessage"]
        resources = ["arn:aws:sqs:eu-west-1:123456789012:q"]
        condition {
          test     = "StringEquals"
          variable = "aws:SourceAccount"
          values   = ["123456789012"]
        }
      }
    }
    resource "aws_iam_role_policy" "p" {
      role   = aws_iam_role.r.name
      policy = data.aws_iam_policy_document.extra.json
    }
    resource "aws_iam_policy" "managed" {
      policy = <<-EOT
        {"Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}
        EOT
    }
    resource "aws_iam_role_policy_attachment" "own" {
      role       = aws_iam_role.r.name
      policy_arn = aws_iam_policy.managed.arn
    }
    resource "aws_iam_role_policy_attachment" "aws" {
      role       = "r"
      policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    }
    """
    )
    app = load(tmp_path, {"main.tf": main})
    role = app.role("aws_iam_role.r")
    assert role is not None and role.framework is Framework.TERRAFORM
    assert role.trust[0].principals == (Principal(kind="Service", value="lambda.amazonaws.com"),)
    assert role.trust[0].location == Location(file="tf/main.tf", line=2)
    actions = [s.actions for s in role.statements]
    assert actions == [("s3:GetObject",), ("sqs:SendMessage",), ("sns:Publish",)]
    scoped = role.statements[1]
    assert scoped.sid == "Scoped"
    assert scoped.conditions.get("StringEquals").get("aws:SourceAccount") == "123456789012"  # type: ignore[union-attr]
    assert (
        scoped.location.line
        == line_of(tmp_path, "main.tf", 'data "aws_iam_policy_document" "extra"') + 1
    )
    assert [str(m.arn) for m in role.managed_policies] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]


def test_functions_with_code_folder_url_permission_alias_mapping_layer_and_invoke_config(
    tmp_path: Path,
) -> None:
    main = """
    data "archive_file" "zip" {
      type        = "zip"
      source_dir  = "${path.module}/src/fn"
      output_path = "build/fn.zip"
    }
    resource "aws_lambda_function" "fn" {
      function_name                  = "fn"
      filename                       = data.archive_file.zip.output_path
      runtime                        = "python3.12"
      handler                        = "app.handler"
      role                           = "arn:aws:iam::123456789012:role/x"
      reserved_concurrent_executions = -1
      layers                         = [aws_lambda_layer_version.deps.arn]
      tracing_config {
        mode = "Active"
      }
    }
    resource "aws_lambda_alias" "live" {
      name          = "live"
      function_name = aws_lambda_function.fn.function_name
    }
    resource "aws_lambda_function_url" "url" {
      function_name      = aws_lambda_alias.live.arn
      authorization_type = "AWS_IAM"
    }
    resource "aws_lambda_permission" "s3" {
      function_name = "fn"
      principal     = "s3.amazonaws.com"
      source_arn    = "arn:aws:s3:::b"
    }
    resource "aws_sqs_queue" "q" {}
    resource "aws_lambda_event_source_mapping" "m" {
      function_name    = aws_lambda_function.fn.arn
      event_source_arn = aws_sqs_queue.q.arn
    }
    resource "aws_lambda_layer_version" "deps" {
      layer_name = "deps"
      filename   = "layer.zip"
    }
    resource "aws_lambda_function_event_invoke_config" "cfg" {
      function_name          = aws_lambda_function.fn.function_name
      maximum_retry_attempts = 0
      destination_config {
        on_failure {
          destination = aws_sqs_queue.q.arn
        }
      }
    }
    """
    app = load(tmp_path, {"main.tf": main})
    fn = app.function("aws_lambda_function.fn")
    assert fn is not None
    assert fn.code_dir == "tf/src/fn"
    assert fn.reserved_concurrency is None  # -1 = unreserved
    assert fn.tracing == "Active"
    assert fn.layers == ("aws_lambda_layer_version.deps",)
    assert fn.url is not None and fn.url.auth_type == "AWS_IAM"
    assert [(e.kind, e.source, e.invocation) for e in fn.events] == [
        ("SQS", "aws_sqs_queue.q", "poll")
    ]
    assert fn.on_failure_destination == "aws_sqs_queue.q"
    assert fn.max_retry_attempts == 0
    (permission,) = app.permissions
    assert permission.function == "aws_lambda_function.fn"  # by its name
    assert permission.principal == "s3.amazonaws.com"
    assert app.layers[0].name == "deps"


def test_environment_variables_point_at_their_lines(tmp_path: Path) -> None:
    main = """
    resource "aws_lambda_function" "fn" {
      function_name = "fn"
      role          = "arn:aws:iam::123456789012:role/x"
      environment {
        variables = {
          A = "1"
          B = aws_sqs_queue.q.url
        }
      }
    }
    resource "aws_sqs_queue" "q" {}
    """
    app = load(tmp_path, {"main.tf": main})
    env = {e.name: e for e in app.functions[0].environment}
    assert env["A"].value == "1"
    assert env["A"].location.line == line_of(tmp_path, "main.tf", 'A = "1"')
    assert isinstance(env["B"].value, Ref) and env["B"].value.target == "aws_sqs_queue.q"
    assert app.functions[0].at("environment").line == line_of(tmp_path, "main.tf", "environment {")


def test_count_and_for_each_instances_have_their_index_or_key(tmp_path: Path) -> None:
    main = """
    resource "aws_sqs_queue" "numbered" {
      count = 2
      name  = "q-${count.index}"
    }
    resource "aws_sqs_queue" "keyed" {
      for_each = { a = "alpha", b = "beta" }
      name     = each.value
    }
    resource "aws_sqs_queue" "none" {
      count = 0
    }
    """
    app = load(tmp_path, {"main.tf": main})
    names = {c.id: c.name for c in app.channels}
    assert names == {
        "aws_sqs_queue.numbered[0]": "q-0",
        "aws_sqs_queue.numbered[1]": "q-1",
        'aws_sqs_queue.keyed["a"]': "alpha",
        'aws_sqs_queue.keyed["b"]': "beta",
    }


def test_local_module_followed_with_inputs_and_outputs_registry_module_noted(
    tmp_path: Path,
) -> None:
    files = {
        "main.tf": """
        module "queue" {
          source = "./modules/queue"
          name   = "orders"
        }
        module "remote" {
          source  = "terraform-aws-modules/lambda/aws"
          version = "7.0.0"
        }
        resource "aws_lambda_function" "fn" {
          function_name = module.queue.queue_name
          role          = "arn:aws:iam::123456789012:role/x"
        }
        """,
        "modules/queue/main.tf": """
        variable "name" {}
        resource "aws_sqs_queue" "this" {
          name = "${var.name}-queue"
        }
        output "queue_name" {
          value = aws_sqs_queue.this.name
        }
        output "plain" {
          value = var.name
        }
        """,
    }
    app = load(tmp_path, files)
    assert [(c.id, c.name) for c in app.channels] == [
        ("module.queue.aws_sqs_queue.this", "orders-queue")
    ]
    assert app.channels[0].location.file == "tf/modules/queue/main.tf"
    name = app.functions[0].name
    assert isinstance(name, Ref) and name.target == "module.queue.aws_sqs_queue.this"
    (remote,) = [d for d in app.diagnostics if "not a local module" in d.message]
    assert remote.code == "FG002"
    assert remote.location == Location(file="tf/main.tf", line=6)


def test_parse_error_is_fg001_and_other_files_go_on(tmp_path: Path) -> None:
    files = {
        "bad.tf": 'resource "aws_sqs_queue" "q" {\n  name = \n}\n',
        "good.tf": 'resource "aws_sns_topic" "t" {\n  name = "t"\n}\n',
    }
    app = load(tmp_path, files)
    (error,) = [d for d in app.diagnostics if d.code == "FG001"]
    assert error.location.file == "tf/bad.tf"
    assert error.location.line in (2, 3)
    assert [c.id for c in app.channels] == ["aws_sns_topic.t"]


def test_tf_json_files(tmp_path: Path) -> None:
    files = {
        "main.tf.json": """
        {
          "variable": {"stage": {"default": "dev"}},
          "resource": {
            "aws_sqs_queue": {
              "q": {
                "name": "q-${var.stage}",
                "kms_master_key_id": "alias/orders"
              }
            }
          }
        }
        """
    }
    app = load(tmp_path, files)
    (queue,) = app.channels
    assert queue.name == "q-dev"
    assert queue.encryption is not None and queue.encryption.kind == "kms"
    assert queue.location.line == 5


def test_s3_bucket_split_resources(tmp_path: Path) -> None:
    main = """
    resource "aws_s3_bucket" "b" {
      bucket = "b"
    }
    resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
      bucket = aws_s3_bucket.b.id
      rule {
        apply_server_side_encryption_by_default {
          sse_algorithm     = "aws:kms"
          kms_master_key_id = aws_kms_key.k.arn
        }
      }
    }
    resource "aws_s3_bucket_versioning" "b" {
      bucket = aws_s3_bucket.b.id
      versioning_configuration {
        status = "Enabled"
      }
    }
    resource "aws_s3_bucket_public_access_block" "b" {
      bucket                  = aws_s3_bucket.b.id
      block_public_acls       = true
      block_public_policy     = true
      ignore_public_acls      = true
      restrict_public_buckets = false
    }
    resource "aws_s3_bucket_acl" "b" {
      bucket = aws_s3_bucket.b.id
      acl    = "public-read"
    }
    resource "aws_s3_bucket_policy" "b" {
      bucket = aws_s3_bucket.b.id
      policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "s3:*",
        Resource = "*", Condition = { Bool = { "aws:SecureTransport" = "false" } } }] })
    }
    resource "aws_kms_key" "k" {
      enable_key_rotation = true
    }
    """
    app = load(tmp_path, {"main.tf": main})
    (bucket,) = app.data_stores
    assert bucket.encryption is not None
    assert (bucket.encryption.kind, bucket.encryption.key) == ("kms", "aws_kms_key.k")
    assert bucket.versioning is True
    assert bucket.public_access_blocked is False
    assert bucket.public_acl == "PublicRead"
    (policy,) = app.resource_policies
    assert policy.targets == ("aws_s3_bucket.b",) and policy.target_kind == "bucket"
    assert policy.statements[0].principals == (Principal(kind="*", value="*"),)
    assert app.keys[0].rotation is True


def test_other_data_stores_logs_trail_and_workflows(tmp_path: Path) -> None:
    main = """
    resource "aws_dynamodb_table" "t" {
      name = "t"
      server_side_encryption {
        enabled = true
      }
      point_in_time_recovery {
        enabled = true
      }
    }
    resource "aws_sqs_queue" "dlq" {}
    resource "aws_sqs_queue" "q" {
      sqs_managed_sse_enabled = true
      redrive_policy = jsonencode({
        deadLetterTargetArn = aws_sqs_queue.dlq.arn
        maxReceiveCount     = 3
      })
    }
    resource "aws_sns_topic" "t" {
      kms_master_key_id = "alias/aws/sns"
    }
    resource "aws_kinesis_stream" "s" {
      encryption_type = "NONE"
    }
    resource "aws_cloudwatch_log_group" "g" {
      name              = "/aws/lambda/fn"
      retention_in_days = 14
    }
    resource "aws_cloudtrail" "trail" {
      is_multi_region_trail      = true
      enable_log_file_validation = false
    }
    resource "aws_sfn_state_machine" "sm" {
      role_arn = "arn:aws:iam::123456789012:role/sfn"
      logging_configuration {
        level = "ALL"
      }
    }
    resource "aws_secretsmanager_secret" "s" {
      name = "s"
    }
    resource "aws_secretsmanager_secret_version" "s" {
      secret_id     = aws_secretsmanager_secret.s.id
      secret_string = "hunter2-literal"
    }
    resource "aws_ssm_parameter" "p" {
      name  = "p"
      type  = "SecureString"
      value = "literal-value"
    }
    """
    app = load(tmp_path, {"main.tf": main})
    stores = {s.id: s for s in app.data_stores}
    table = stores["aws_dynamodb_table.t"]
    assert table.encryption is not None and table.encryption.kind == "service"
    assert table.point_in_time_recovery is True
    assert stores["aws_secretsmanager_secret.s"].literal_secret is True
    assert stores["aws_ssm_parameter.p"].literal_secret is True
    channels = {c.id: c for c in app.channels}
    assert channels["aws_sqs_queue.q"].dead_letter_target == "aws_sqs_queue.dlq"
    assert channels["aws_sns_topic.t"].encryption.kind == "service"  # type: ignore[union-attr]
    assert channels["aws_kinesis_stream.s"].encryption.kind == "none"  # type: ignore[union-attr]
    assert app.log_groups[0].retention_days == 14
    assert (app.trails[0].multi_region, app.trails[0].log_file_validation) == (True, False)
    assert app.state_machines[0].logging_level == "ALL"
    assert app.state_machines[0].tracing is None


def test_http_api_routes_authorizers_and_stage(tmp_path: Path) -> None:
    main = """
    resource "aws_apigatewayv2_api" "api" {
      name          = "api"
      protocol_type = "HTTP"
    }
    resource "aws_apigatewayv2_authorizer" "jwt" {
      api_id           = aws_apigatewayv2_api.api.id
      authorizer_type  = "JWT"
      identity_sources = ["$request.header.Authorization"]
      jwt_configuration {
        issuer   = "https://issuer.example.com"
        audience = ["app"]
      }
    }
    resource "aws_apigatewayv2_integration" "fn" {
      api_id          = aws_apigatewayv2_api.api.id
      integration_uri = aws_lambda_function.fn.invoke_arn
    }
    resource "aws_apigatewayv2_route" "get" {
      api_id             = aws_apigatewayv2_api.api.id
      route_key          = "GET /items"
      target             = "integrations/${aws_apigatewayv2_integration.fn.id}"
      authorization_type = "JWT"
      authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
    }
    resource "aws_apigatewayv2_stage" "s" {
      api_id = aws_apigatewayv2_api.api.id
      name   = "$default"
      default_route_settings {
        throttling_rate_limit  = 10
        throttling_burst_limit = 20
      }
    }
    resource "aws_lambda_function" "fn" {
      function_name = "fn"
      role          = "arn:aws:iam::123456789012:role/x"
    }
    """
    app = load(tmp_path, {"main.tf": main})
    (api,) = app.apis
    (route,) = api.routes
    assert (route.method, route.path, route.function) == ("GET", "/items", "aws_lambda_function.fn")
    assert route.authorizer is not None and route.authorizer.kind == "JWT"
    assert route.authorizer.audience == ("app",)
    assert api.throttling is not None and api.throttling.rate_limit == 10
    assert api.stage == "$default"


def test_rest_api_methods_paths_authorizer_stage_and_usage_plan(tmp_path: Path) -> None:
    main = """
    resource "aws_api_gateway_rest_api" "api" {
      name = "api"
    }
    resource "aws_api_gateway_resource" "items" {
      rest_api_id = aws_api_gateway_rest_api.api.id
      parent_id   = aws_api_gateway_rest_api.api.root_resource_id
      path_part   = "items"
    }
    resource "aws_api_gateway_authorizer" "pool" {
      rest_api_id   = aws_api_gateway_rest_api.api.id
      type          = "COGNITO_USER_POOLS"
      provider_arns = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/x"]
    }
    resource "aws_api_gateway_method" "post" {
      rest_api_id   = aws_api_gateway_rest_api.api.id
      resource_id   = aws_api_gateway_resource.items.id
      http_method   = "POST"
      authorization = "COGNITO_USER_POOLS"
      authorizer_id = aws_api_gateway_authorizer.pool.id
    }
    resource "aws_api_gateway_stage" "prod" {
      rest_api_id          = aws_api_gateway_rest_api.api.id
      stage_name           = "prod"
      xray_tracing_enabled = true
    }
    resource "aws_api_gateway_method_settings" "all" {
      rest_api_id = aws_api_gateway_rest_api.api.id
      stage_name  = "prod"
      method_path = "*/*"
      settings {
        logging_level = "ERROR"
      }
    }
    resource "aws_api_gateway_usage_plan" "plan" {
      api_stages {
        api_id = aws_api_gateway_rest_api.api.id
        stage  = "prod"
      }
    }
    """
    app = load(tmp_path, {"main.tf": main})
    (api,) = app.apis
    (route,) = api.routes
    assert (route.method, route.path) == ("POST", "/items")
    assert route.authorizer is not None and route.authorizer.kind == "COGNITO"
    assert api.tracing is True
    assert api.execution_logging == "ERROR"
    assert api.has_usage_plan is True
    assert api.stage == "prod"


def test_module_with_for_each_gives_one_instance_per_key(tmp_path: Path) -> None:
    files = {
        "main.tf": """
        module "queues" {
          for_each = toset(["orders", "refunds"])
          source   = "./q"
          name     = each.key
        }
        """,
        "q/main.tf": """
        variable "name" {}
        resource "aws_sqs_queue" "this" {
          name = var.name
        }
        """,
    }
    app = load(tmp_path, files)
    assert sorted((c.id, c.name) for c in app.channels) == [
        ('module.queues["orders"].aws_sqs_queue.this', "orders"),
        ('module.queues["refunds"].aws_sqs_queue.this', "refunds"),
    ]


def test_async_invokers_become_function_events(tmp_path: Path) -> None:
    main = """
    resource "aws_lambda_function" "fn" {
      function_name = "fn"
      role          = "arn:aws:iam::123456789012:role/x"
    }
    resource "aws_s3_bucket" "in" {}
    resource "aws_s3_bucket_notification" "in" {
      bucket = aws_s3_bucket.in.id
      lambda_function {
        lambda_function_arn = aws_lambda_function.fn.arn
        events              = ["s3:ObjectCreated:*"]
      }
    }
    resource "aws_sns_topic" "t" {}
    resource "aws_sns_topic_subscription" "s" {
      topic_arn = aws_sns_topic.t.arn
      protocol  = "lambda"
      endpoint  = aws_lambda_function.fn.arn
    }
    resource "aws_cloudwatch_event_rule" "r" {
      schedule_expression = "rate(1 hour)"
    }
    resource "aws_cloudwatch_event_target" "t" {
      rule = aws_cloudwatch_event_rule.r.name
      arn  = aws_lambda_function.fn.arn
    }
    """
    app = load(tmp_path, {"main.tf": main})
    events = {(e.kind, e.source, e.invocation) for e in app.functions[0].events}
    assert events == {
        ("S3", "aws_s3_bucket.in", "async"),
        ("SNS", "aws_sns_topic.t", "async"),
        ("Schedule", "aws_cloudwatch_event_rule.r", "async"),
    }
    assert [t.arn for t in app.event_rules[0].targets] == ["aws_lambda_function.fn"]


def test_user_and_group_policies_and_attachments(tmp_path: Path) -> None:
    main = """
    resource "aws_iam_user" "u" {
      name = "u"
    }
    resource "aws_iam_group" "g" {
      name = "g"
    }
    resource "aws_iam_user_policy" "inline" {
      user   = aws_iam_user.u.name
      policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
    }
    resource "aws_iam_policy" "managed" {
      policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sqs:*", Resource = "*" }] })
    }
    resource "aws_iam_user_policy_attachment" "u" {
      user       = aws_iam_user.u.name
      policy_arn = aws_iam_policy.managed.arn
    }
    resource "aws_iam_group_policy_attachment" "g" {
      group      = aws_iam_group.g.name
      policy_arn = aws_iam_policy.managed.arn
    }
    """
    policies = {p.id: p for p in load(tmp_path, {"main.tf": main}).policies}
    assert policies["aws_iam_user_policy.inline"].users == ("aws_iam_user.u",)
    assert policies["aws_iam_user_policy.inline"].managed is False
    managed = policies["aws_iam_policy.managed"]
    assert (managed.users, managed.groups) == (("aws_iam_user.u",), ("aws_iam_group.g",))
