# Minimal policies by faasguard. CloudFormation resources are written as plain ARNs:
# any region and account, named by their name or, when it is decided at deploy time,
# by their logical id (replace it with the deployed name).

data "aws_iam_policy_document" "create_order_function" {
  # needed by examples/orders-app/src/create_order/app.py:22 (dynamodb.PutItem)
  statement {
    effect    = "Allow"
    actions   = ["dynamodb:PutItem"]
    resources = ["arn:aws:dynamodb:*:*:table/OrdersTable"]
  }
  # needed by examples/orders-app/src/create_order/app.py:23 (sqs.SendMessage)
  statement {
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:*:*:OrderEventsQueue"]
  }
  # needed by examples/orders-app/template.yaml:99 (Lambda writes the function's logs)
  statement {
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:*:log-group:/aws/lambda/CreateOrderFunction:*"]
  }
}

data "aws_iam_policy_document" "order_status_function" {
  # needed by examples/orders-app/src/order_status/index.mjs:13 (dynamodb.GetItem)
  statement {
    effect    = "Allow"
    actions   = ["dynamodb:GetItem"]
    resources = ["arn:aws:dynamodb:*:*:table/OrdersTable"]
  }
  # needed by examples/orders-app/template.yaml:119 (Lambda writes the function's logs)
  statement {
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:*:log-group:/aws/lambda/OrderStatusFunction:*"]
  }
}

data "aws_iam_policy_document" "fulfill_order_function" {
  # needed by examples/orders-app/src/fulfill_order/index.js:12 (s3.PutObject)
  statement {
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::ReceiptsBucket/receipts/*"]
  }
  # needed by examples/orders-app/src/fulfill_order/index.js:20 (sns.Publish)
  statement {
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = ["arn:aws:sns:*:*:OrderShippedTopic"]
  }
  # needed by examples/orders-app/template.yaml:151 (Lambda polls the SQS source of event OrderEvents)
  statement {
    effect    = "Allow"
    actions   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
    resources = ["arn:aws:sqs:*:*:OrderEventsQueue"]
  }
  # needed by examples/orders-app/template.yaml:139 (Lambda writes the function's logs)
  statement {
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:*:log-group:/aws/lambda/FulfillOrderFunction:*"]
  }
}

data "aws_iam_policy_document" "daily_report_function" {
  # needed by examples/orders-app/src/daily_report/app.py:22 (dynamodb.Scan)
  statement {
    effect    = "Allow"
    actions   = ["dynamodb:Scan"]
    resources = ["arn:aws:dynamodb:*:*:table/OrdersTable"]
  }
  # needed by examples/orders-app/src/daily_report/app.py:29, examples/orders-app/src/daily_report/app.py:31 (s3.PutObject)
  statement {
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::ReceiptsBucket/reports/*"]
  }
  # needed by examples/orders-app/template.yaml:157 (Lambda writes the function's logs)
  statement {
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:*:log-group:/aws/lambda/DailyReportFunction:*"]
  }
}
