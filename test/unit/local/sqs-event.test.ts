/**
 * Lambda's SQS event and partial batch responses:
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { batchOutcome, toSqsEvent } from '../../../infra/local/sqs-event.ts';

const QUEUE = { arn: 'arn:aws:sqs:eu-central-1:000000000000:bc-demo-intake', region: 'eu-central-1' };

/** A message as ReceiveMessage returns it with all attributes. */
function messageFactory(overrides: Partial<Message> = {}): Message {
  return {
    MessageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    ReceiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
    Body: '{"id":"facebook:1"}',
    MD5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    Attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1545082649183',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1545082649185',
    },
    ...overrides,
  };
}

describe('toSqsEvent', () => {
  it('shapes a message as the record Lambda delivers', () => {
    // Act
    const event = toSqsEvent([messageFactory()], QUEUE);

    // Assess
    expect(event.Records).toEqual([
      {
        messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
        receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
        body: '{"id":"facebook:1"}',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1545082649183',
          SenderId: 'AIDAIENQZJOLO23YVJ4VO',
          ApproximateFirstReceiveTimestamp: '1545082649185',
        },
        messageAttributes: {},
        md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
        eventSource: 'aws:sqs',
        eventSourceARN: QUEUE.arn,
        awsRegion: 'eu-central-1',
      },
    ]);
  });

  it('writes message attributes in Lambda casing, binary values as base64', () => {
    // Arrange
    const message = messageFactory({
      MD5OfMessageAttributes: '7760877a6aa7dbe663d93fb526a70ce3',
      MessageAttributes: {
        platform: { DataType: 'String', StringValue: 'facebook' },
        raw: { DataType: 'Binary', BinaryValue: new Uint8Array([104, 105]) },
      },
    });

    // Act
    const [record] = toSqsEvent([message], QUEUE).Records;

    // Assess
    expect(record?.messageAttributes).toEqual({
      platform: { stringValue: 'facebook', stringListValues: [], binaryListValues: [], dataType: 'String' },
      raw: { binaryValue: 'aGk=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    expect(record?.md5OfMessageAttributes).toBe('7760877a6aa7dbe663d93fb526a70ce3');
  });
});

describe('batchOutcome', () => {
  const first = messageFactory({ MessageId: 'm-1' });
  const second = messageFactory({ MessageId: 'm-2' });

  it('deletes every message when the handler returns nothing', () => {
    // Act
    const outcome = batchOutcome([first, second], { value: undefined });

    // Assess
    expect(outcome).toEqual({ done: [first, second], failed: [] });
  });

  it('deletes every message when batchItemFailures is empty', () => {
    // Act
    const outcome = batchOutcome([first, second], { value: { batchItemFailures: [] } });

    // Assess
    expect(outcome.done).toEqual([first, second]);
  });

  it('keeps the messages listed in batchItemFailures and deletes the others', () => {
    // Act
    const outcome = batchOutcome([first, second], { value: { batchItemFailures: [{ itemIdentifier: 'm-2' }] } });

    // Assess
    expect(outcome).toEqual({ done: [first], failed: [second] });
  });

  it('keeps every message when the handler throws', () => {
    // Act
    const outcome = batchOutcome([first, second], { error: new Error('table missing') });

    // Assess
    expect(outcome).toMatchObject({
      done: [],
      failed: [first, second],
      batchFailure: 'the handler threw: Error: table missing',
    });
  });

  it('fails the whole batch when a failure names a message outside it', () => {
    // Act
    const outcome = batchOutcome([first, second], { value: { batchItemFailures: [{ itemIdentifier: 'm-9' }] } });

    // Assess
    expect(outcome.done).toEqual([]);
    expect(outcome.batchFailure).toContain('"m-9", which is not in the batch');
  });

  it('fails the whole batch when a failure has no identifier', () => {
    // Act
    const outcome = batchOutcome([first], { value: { batchItemFailures: [{}] } });

    // Assess
    expect(outcome.failed).toEqual([first]);
  });
});
