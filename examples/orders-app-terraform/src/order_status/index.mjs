// GET <function URL>?orderId=...: the status of one order.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event) => {
  const orderId = event.queryStringParameters?.orderId;
  if (!orderId) {
    return { statusCode: 400, body: JSON.stringify({ error: "orderId required" }) };
  }
  const { Item } = await db.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { orderId } }),
  );
  if (!Item) {
    return { statusCode: 404, body: JSON.stringify({ error: "not found" }) };
  }
  return { statusCode: 200, body: JSON.stringify({ orderId, status: Item.status }) };
};
