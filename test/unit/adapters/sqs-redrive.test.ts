import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redriveMessages } from '../../../shared/adapters/sqs-redrive.ts';

/** The paths of redriveMessages that local-aws-sqs cannot provoke: an oversized batch, a failed delete, a refused message coming back. */
const DLQ_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/bc-demo-intake-dlq';
const TARGET_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/bc-demo-intake';
const sqs = mockClient(SQSClient);

const messages = (...ids: string[]): Message[] =>
  ids.map((id) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: `{"id":"${id}"}` }));
const tooLong = Object.assign(new Error('Batch requests cannot be longer than 1048576 bytes'), {
  name: 'BatchRequestTooLong',
});

describe('redriveMessages', () => {
  beforeEach(() => {
    sqs.reset();
    sqs
      .on(DeleteMessageBatchCommand)
      .callsFake((input: { Entries: { Id: string }[] }) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id })) }));
  });

  it('stops when a receive brings back only messages that were refused in this run', async () => {
    // Arrange: the queue refuses m2; its visibility runs out and the DLQ returns it again
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages('m1', 'm2') })
      .resolves({ Messages: messages('m2') });
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'n1', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', Code: 'InvalidParameterValue', SenderFault: true, Message: 'too big' }],
    });

    // Act
    const result = await redriveMessages(new SQSClient({}), { dlqUrl: DLQ_URL, targetUrl: TARGET_URL });

    // Assess
    expect(result).toMatchObject({
      moved: 1,
      failed: 1,
      failures: [{ messageId: 'm2', step: 'send', code: 'InvalidParameterValue' }],
    });
    expect(sqs).toReceiveCommandTimes(ReceiveMessageCommand, 2);
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 1);
    expect(sqs).toReceiveCommandWith(DeleteMessageBatchCommand, {
      QueueUrl: DLQ_URL,
      Entries: [{ Id: '0', ReceiptHandle: 'rh-m1' }],
    });
  });

  it('sends the messages one by one when the batch is too long for one call', async () => {
    // Arrange
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages('m1', 'm2') })
      .resolves({});
    sqs
      .on(SendMessageBatchCommand)
      .rejectsOnce(tooLong)
      .resolves({ Successful: [{ Id: '0', MessageId: 'n', MD5OfMessageBody: '' }] });

    // Act
    const result = await redriveMessages(new SQSClient({}), { dlqUrl: DLQ_URL, targetUrl: TARGET_URL });

    // Assess
    expect(result).toMatchObject({ moved: 2, failed: 0 });
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 3);
    expect(sqs).toReceiveCommandWith(SendMessageBatchCommand, {
      QueueUrl: TARGET_URL,
      Entries: [{ Id: '0', MessageBody: '{"id":"m2"}' }],
    });
  });

  it('reports messages that were sent but could not be deleted from the DLQ', async () => {
    // Arrange
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages('m1', 'm2') })
      .resolves({});
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [
        { Id: '0', MessageId: 'n1', MD5OfMessageBody: '' },
        { Id: '1', MessageId: 'n2', MD5OfMessageBody: '' },
      ],
    });
    sqs.on(DeleteMessageBatchCommand).resolves({
      Successful: [{ Id: '0' }],
      Failed: [{ Id: '1', Code: 'ReceiptHandleIsInvalid', SenderFault: true }],
    });

    // Act
    const result = await redriveMessages(new SQSClient({}), { dlqUrl: DLQ_URL, targetUrl: TARGET_URL });

    // Assess
    expect(result).toMatchObject({
      moved: 1,
      failed: 1,
      failures: [{ messageId: 'm2', step: 'delete', code: 'ReceiptHandleIsInvalid' }],
    });
  });
});
