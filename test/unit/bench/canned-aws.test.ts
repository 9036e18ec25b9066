import { createHash } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { cannedAnswer, cannedRequestHandler, CANNED_RECEIVED } from '../../../bench/throughput/canned-aws.ts';
import { createDocumentClient, createSqsClient } from '../../../shared/adapters/aws-clients.ts';

const env = {
  AWS_REGION: 'eu-central-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const jsonOf = (answer: { body: Uint8Array }) => JSON.parse(Buffer.from(answer.body).toString('utf8'));

describe('cannedAnswer', () => {
  it("answers a SendMessageBatch with each entry's id and the MD5 of its body", () => {
    // Act
    const answer = cannedAnswer(
      'AmazonSQS.SendMessageBatch',
      JSON.stringify({ QueueUrl: 'q', Entries: [{ Id: 'a', MessageBody: 'hello' }] }),
    );

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(jsonOf(answer).Successful).toEqual([expect.objectContaining({ Id: 'a', MD5OfMessageBody: md5('hello') })]);
  });

  it('refuses an operation of neither mix with a 400', () => {
    // Act
    const answer = cannedAnswer('DynamoDB_20120810.Scan', '{}');

    // Assess
    expect(answer.statusCode).toBe(400);
    expect(jsonOf(answer).__type).toBe('UnknownOperationException');
  });
});

describe('cannedRequestHandler', () => {
  it("serves the project's DynamoDB client without a backend: a GetItem gets its item", async () => {
    // Arrange
    const client = createDocumentClient(env);
    client.config.requestHandler = cannedRequestHandler as never;

    // Act
    const { Item } = await client.send(new GetItemCommand({ TableName: 't', Key: { PK: { S: 'a' }, SK: { S: 'b' } } }));
    client.destroy();

    // Assess
    expect(Item?.SK).toEqual({ S: 'MENTION' });
  });

  it("serves the project's DynamoDB client a BatchGetItem: an item for every key, none left unprocessed", async () => {
    // Arrange
    const client = createDocumentClient(env);
    client.config.requestHandler = cannedRequestHandler as never;
    const Keys = Array.from({ length: 12 }, (_, n) => ({ PK: `CASE#${n}`, SK: 'CASE' }));

    // Act
    const { Responses, UnprocessedKeys } = await client.send(new BatchGetCommand({ RequestItems: { t: { Keys } } }));
    client.destroy();

    // Assess
    expect(Responses?.t).toHaveLength(12);
    expect(Responses?.t?.[0]?.SK).toBe('MENTION');
    expect(UnprocessedKeys).toEqual({});
  });

  it("serves the project's SQS client, whose checksums of sent and received bodies pass", async () => {
    // Arrange
    const client = createSqsClient(env);
    client.config.requestHandler = cannedRequestHandler as never;
    const QueueUrl = 'http://127.0.0.1:9/000000000000/q';

    // Act
    const sent = await client.send(
      new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'x'.repeat(1500) }] }),
    );
    const received = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    client.destroy();

    // Assess
    expect(sent.Successful).toHaveLength(1);
    expect(received.Messages).toHaveLength(CANNED_RECEIVED);
  });
});
