"""POST /orders: store a new order and queue it for fulfilment."""

import json
import os
import uuid
from decimal import Decimal

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SQS = boto3.client("sqs")


def handler(event, context):
    try:
        body = json.loads(event.get("body") or "{}", parse_float=Decimal)
        items = body["items"]
        customer = str(body["customer"])
    except (ValueError, KeyError):
        return {"statusCode": 400, "body": json.dumps({"error": "items and customer required"})}
    order = {"orderId": str(uuid.uuid4()), "customer": customer, "items": items, "status": "NEW"}
    TABLE.put_item(Item=order)
    SQS.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(order, default=str))
    return {"statusCode": 201, "body": json.dumps({"orderId": order["orderId"]})}


def invoicing_db_credentials():
    """Credentials of the legacy invoicing database (read by the nightly invoice export)."""
    return {"user": "orders", "password": os.environ["DB_PASSWORD"]}
