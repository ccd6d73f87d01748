# orders-app - a small order service (faasguard example), Terraform version.
# DELIBERATELY INSECURE: each line whose comment names rule ids after "expect" is a problem
# faasguard must report. Do not deploy.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "stage" {
  type    = string
  default = "prod"
}

locals {
  lambda_defaults = {
    timeout       = 10
    memory_size   = 256
    architectures = ["arm64"]
  }
}

data "aws_partition" "current" {}

# --- data ------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "orders" {  # expect: ENC003
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "orderId"

  attribute {
    name = "orderId"
    type = "S"
  }
}

resource "aws_sqs_queue" "order_events" {  # expect: ENC004, LOG008
  name                       = "order-events"
  visibility_timeout_seconds = 60
}

resource "aws_sns_topic" "order_shipped" {  # expect: ENC005
  name = "order-shipped"
}

resource "aws_s3_bucket" "receipts" {  # expect: ENC002, ENC009
  bucket = "orders-receipts"
}

resource "aws_s3_bucket_public_access_block" "receipts" {
  bucket                  = aws_s3_bucket.receipts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# --- APIs ------------------------------------------------------------------------------------

resource "aws_apigatewayv2_api" "orders" {  # expect: API006
  name          = "orders-http-api"
  protocol_type = "HTTP"

  cors_configuration {  # expect: API003
    allow_origins = ["*"]
    allow_methods = ["GET", "POST"]
  }
}

resource "aws_apigatewayv2_stage" "orders" {  # expect: LOG003
  api_id      = aws_apigatewayv2_api.orders.id
  name        = var.stage
  auto_deploy = true
}

resource "aws_apigatewayv2_integration" "create_order" {
  api_id                 = aws_apigatewayv2_api.orders.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.create_order.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "create_order" {  # expect: API001
  api_id    = aws_apigatewayv2_api.orders.id
  route_key = "POST /orders"
  target    = "integrations/${aws_apigatewayv2_integration.create_order.id}"
}

resource "aws_lambda_permission" "orders_api" {
  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.create_order.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.orders.execution_arn}/*/*"
}

resource "aws_api_gateway_rest_api" "reports" {  # expect: API006, API008
  name = "reports-api"
}

resource "aws_api_gateway_resource" "reports" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  parent_id   = aws_api_gateway_rest_api.reports.root_resource_id
  path_part   = "reports"
}

resource "aws_api_gateway_resource" "daily" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  parent_id   = aws_api_gateway_resource.reports.id
  path_part   = "daily"
}

resource "aws_api_gateway_method" "daily_get" {  # expect: API005
  rest_api_id      = aws_api_gateway_rest_api.reports.id
  resource_id      = aws_api_gateway_resource.daily.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_integration" "daily_get" {
  rest_api_id             = aws_api_gateway_rest_api.reports.id
  resource_id             = aws_api_gateway_resource.daily.id
  http_method             = aws_api_gateway_method.daily_get.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.daily_report.invoke_arn
}

resource "aws_api_gateway_deployment" "reports" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  depends_on  = [aws_api_gateway_integration.daily_get]
}

resource "aws_api_gateway_stage" "reports" {  # expect: LOG003, LOG004, LOG005
  rest_api_id   = aws_api_gateway_rest_api.reports.id
  deployment_id = aws_api_gateway_deployment.reports.id
  stage_name    = var.stage
}

resource "aws_lambda_permission" "reports_api" {
  statement_id  = "AllowRestApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.daily_report.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.reports.execution_arn}/*/GET/reports/daily"
}

# --- roles -----------------------------------------------------------------------------------

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# One role for two functions, with far more than either needs.
resource "aws_iam_role" "orders_service" {
  name               = "orders-service"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy_attachment" "orders_service_logs" {
  role       = aws_iam_role.orders_service.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "orders_service" {
  name = "orders-service"
  role = aws_iam_role.orders_service.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {  # expect: IAM002, IAM003, IAM011, IAM013
        Effect   = "Allow"
        Action   = "dynamodb:*"
        Resource = "*"
      },
      {  # expect: IAM007, IAM011
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = aws_sqs_queue.order_events.arn
      },
      {
        Effect   = "Allow"
        Action   = ["s3:PutObject", "sns:Publish"]
        Resource = ["${aws_s3_bucket.receipts.arn}/*", aws_sns_topic.order_shipped.arn]
      },
    ]
  })
}

resource "aws_iam_role" "order_status" {
  name               = "order-status"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy_attachment" "order_status_logs" {
  role       = aws_iam_role.order_status.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

data "aws_iam_policy_document" "orders_read" {
  statement {  # expect: IAM011
    actions = [
      "dynamodb:GetItem",
      "dynamodb:Scan",
      "dynamodb:Query",
      "dynamodb:BatchGetItem",
      "dynamodb:DescribeTable",
    ]
    resources = [aws_dynamodb_table.orders.arn, "${aws_dynamodb_table.orders.arn}/index/*"]
  }
}

resource "aws_iam_role_policy" "order_status" {
  name   = "orders-read"
  role   = aws_iam_role.order_status.id
  policy = data.aws_iam_policy_document.orders_read.json
}

resource "aws_iam_role" "daily_report" {
  name               = "daily-report"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy_attachment" "daily_report_logs" {
  role       = aws_iam_role.daily_report.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy_attachment" "daily_report_admin" {
  role       = aws_iam_role.daily_report.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"  # expect: IAM004
}

# --- functions -------------------------------------------------------------------------------

data "archive_file" "create_order" {
  type        = "zip"
  source_dir  = "${path.module}/src/create_order"
  output_path = "${path.module}/build/create_order.zip"
}

resource "aws_lambda_function" "create_order" {  # expect: LOG001, LOG002, FN002, FN004, LOG017
  function_name = "create-order"
  filename      = data.archive_file.create_order.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.orders_service.arn  # expect: IAM008
  timeout       = local.lambda_defaults.timeout
  memory_size   = local.lambda_defaults.memory_size
  architectures = local.lambda_defaults.architectures

  environment {  # expect: ENC001
    variables = {
      TABLE_NAME  = aws_dynamodb_table.orders.name
      QUEUE_URL   = aws_sqs_queue.order_events.url
      DB_PASSWORD = "not-a-real-password-1234"  # expect: SEC001
    }
  }
}

data "archive_file" "order_status" {
  type        = "zip"
  source_dir  = "${path.module}/src/order_status"
  output_path = "${path.module}/build/order_status.zip"
}

resource "aws_lambda_function" "order_status" {  # expect: LOG001, LOG002, FN002, FN004, LOG017
  function_name = "order-status"
  filename      = data.archive_file.order_status.output_path
  handler       = "index.handler"
  runtime       = "nodejs24.x"
  role          = aws_iam_role.order_status.arn
  timeout       = local.lambda_defaults.timeout
  memory_size   = local.lambda_defaults.memory_size
  architectures = local.lambda_defaults.architectures

  environment {  # expect: ENC001
    variables = {
      TABLE_NAME = aws_dynamodb_table.orders.name
    }
  }
}

resource "aws_lambda_function_url" "order_status" {
  function_name      = aws_lambda_function.order_status.function_name
  authorization_type = "NONE"  # expect: API002

  cors {  # expect: API003
    allow_origins = ["*"]
    allow_methods = ["GET"]
  }
}

data "archive_file" "fulfill_order" {
  type        = "zip"
  source_dir  = "${path.module}/src/fulfill_order"
  output_path = "${path.module}/build/fulfill_order.zip"
}

resource "aws_lambda_function" "fulfill_order" {  # expect: LOG001, LOG002, FN004, LOG017
  function_name = "fulfill-order"
  filename      = data.archive_file.fulfill_order.output_path
  handler       = "index.handler"
  runtime       = "nodejs16.x"  # expect: FN001
  role          = aws_iam_role.orders_service.arn  # expect: IAM008
  timeout       = local.lambda_defaults.timeout
  memory_size   = local.lambda_defaults.memory_size
  architectures = local.lambda_defaults.architectures

  environment {  # expect: ENC001
    variables = {
      RECEIPTS_BUCKET = aws_s3_bucket.receipts.id
      TOPIC_ARN       = aws_sns_topic.order_shipped.arn
    }
  }
}

resource "aws_lambda_event_source_mapping" "order_events" {  # expect: IAM012
  event_source_arn = aws_sqs_queue.order_events.arn
  function_name    = aws_lambda_function.fulfill_order.arn
  batch_size       = 10
}

data "archive_file" "daily_report" {
  type        = "zip"
  source_dir  = "${path.module}/src/daily_report"
  output_path = "${path.module}/build/daily_report.zip"
}

resource "aws_lambda_function" "daily_report" {  # expect: LOG001, LOG002, LOG006, FN002, FN004, LOG017
  function_name = "daily-report"
  filename      = data.archive_file.daily_report.output_path
  handler       = "app.handler"
  runtime       = "python3.8"  # expect: FN001
  role          = aws_iam_role.daily_report.arn
  timeout       = local.lambda_defaults.timeout
  memory_size   = local.lambda_defaults.memory_size
  architectures = local.lambda_defaults.architectures

  environment {  # expect: ENC001
    variables = {
      TABLE_NAME      = aws_dynamodb_table.orders.name
      RECEIPTS_BUCKET = aws_s3_bucket.receipts.id
    }
  }
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "daily-report-nightly"
  schedule_expression = "cron(0 2 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {  # expect: LOG010
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_lambda_function.daily_report.arn
}

resource "aws_lambda_permission" "nightly" {
  statement_id  = "AllowSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.daily_report.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.nightly.arn
}
