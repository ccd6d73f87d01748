// SQS consumer: write a receipt for each new order and announce the shipment.
const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");
const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");

const s3 = new S3Client({});
const sns = new SNSClient({});

exports.handler = async (event) => {
  for (const record of event.Records) {
    const order = JSON.parse(record.body);
    await s3.send(
      new PutObjectCommand({
        Bucket: process.env.RECEIPTS_BUCKET,
        Key: `receipts/${order.orderId}.json`,
        Body: JSON.stringify(order),
        ContentType: "application/json",
      }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn: process.env.TOPIC_ARN,
        Message: JSON.stringify({ orderId: order.orderId, status: "SHIPPED" }),
      }),
    );
  }
};
