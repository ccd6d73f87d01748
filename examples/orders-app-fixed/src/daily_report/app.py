"""Nightly (and on-demand) sales report: scan the orders table, write a CSV to the bucket."""

import csv
import datetime
import io
import os

import boto3
import yaml

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
S3 = boto3.client("s3")


def handler(event, context):
    day = datetime.date.today().isoformat()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["orderId", "customer", "status"])
    scan = {}
    while True:
        page = TABLE.scan(**scan)
        for item in page["Items"]:
            writer.writerow([item["orderId"], item.get("customer", ""), item.get("status", "")])
        if "LastEvaluatedKey" not in page:
            break
        scan = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    key = f"reports/{day}.csv"
    S3.put_object(Bucket=os.environ["RECEIPTS_BUCKET"], Key=key, Body=out.getvalue().encode())
    summary = yaml.dump({"day": day, "report": key})
    S3.put_object(Bucket=os.environ["RECEIPTS_BUCKET"], Key=f"reports/{day}.yaml", Body=summary)
    return {"statusCode": 200, "body": key}
