import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EnqueueError, SqsIntakeQueue, TRUNCATION_MARK } from '../../../shared/adapters/sqs-intake-queue.ts';
import { MentionSchema } from '../../../shared/domain/mention.ts';
import { IntakeMessageSchema } from '../../../shared/domain/mention-deletion.ts';
import { mentionFactory } from '../../factories/mention.ts';

const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/bc-demo-intake';
const sqs = mockClient(SQSClient);
const noWait = async () => undefined;

const mentions = (count: number) =>
  Array.from({ length: count }, (_, i) => mentionFactory({ externalId: `post_${i}` }));
const entriesOf = (call: number): SendMessageBatchRequestEntry[] =>
  (sqs.commandCalls(SendMessageBatchCommand)[call]?.args[0].input.Entries ?? []) as SendMessageBatchRequestEntry[];

describe('SqsIntakeQueue', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  it('sends 23 mentions as batches of 10, 10 and 3', async () => {
    // Arrange
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait });

    // Act
    await queue.enqueue(mentions(23));

    // Assess
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 3);
    expect([0, 1, 2].map((call) => entriesOf(call).length)).toEqual([10, 10, 3]);
  });

  it('sends a deletion notice beside mentions as its JSON, which the intake schema reads back', async () => {
    // Arrange
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait });
    const deletion = {
      type: 'deletion' as const,
      id: 'x:1045405559317569537',
      platform: 'x' as const,
      externalId: '1045405559317569537',
      deletedAt: '2015-05-21T17:09:15.593Z',
      receivedAt: '2026-11-28T09:15:02.000Z',
      rawType: 'tweet_delete_events',
    };

    // Act
    await queue.enqueue([mentionFactory(), deletion]);

    // Assess
    const [, sent] = entriesOf(0);
    expect(IntakeMessageSchema.parse(JSON.parse(sent?.MessageBody ?? '{}'))).toEqual(deletion);
  });

  it('sends each mention as its JSON alone, without message attributes', async () => {
    // Arrange
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait });
    const mention = mentionFactory();

    // Act
    await queue.enqueue([mention]);

    // Assess
    expect(sqs).toReceiveCommandWith(SendMessageBatchCommand, {
      QueueUrl: QUEUE_URL,
      Entries: [
        {
          Id: 'm0',
          MessageBody: JSON.stringify(mention),
        },
      ],
    });
    // Nothing reads an attribute, and each costs a serialization and an MD5 per message.
    expect(entriesOf(0)[0]).not.toHaveProperty('MessageAttributes');
  });

  it('sends nothing for no mentions', async () => {
    // Arrange
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait });

    // Act
    await queue.enqueue([]);

    // Assess
    expect(sqs).not.toReceiveCommand(SendMessageBatchCommand);
  });

  it('resends only the entries that failed', async () => {
    // Arrange
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [],
        Failed: [
          { Id: 'm3', Code: 'InternalError', SenderFault: false },
          { Id: 'm7', Code: 'ServiceUnavailable', SenderFault: false },
        ],
      })
      .resolves({ Successful: [], Failed: [] });
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait });

    // Act
    await queue.enqueue(mentions(10));

    // Assess
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 2);
    expect(entriesOf(1).map((e) => e.Id)).toEqual(['m3', 'm7']);
    expect(JSON.parse(entriesOf(1)[0]?.MessageBody ?? '{}').externalId).toBe('post_3');
  });

  it('resends a batch whose request failed as a whole', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).rejectsOnce(new Error('socket hang up')).resolves({ Successful: [], Failed: [] });
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait });

    // Act
    await queue.enqueue(mentions(4));

    // Assess
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 2);
    expect(entriesOf(1)).toHaveLength(4);
  });

  it('throws naming how many mentions failed when entries keep failing', async () => {
    // Arrange
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: 'm12', Code: 'InternalError', SenderFault: false }] });
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait, attempts: 3 });

    // Act
    const result = queue.enqueue(mentions(15));

    // Assess
    await expect(result).rejects.toThrow(new EnqueueError(1, 15, ['InternalError']));
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 4); // 2 batches, then m12 twice more
  });

  it('does not resend an entry SQS refused as a sender fault', async () => {
    // Arrange
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: 'm0', Code: 'InvalidMessageContents', SenderFault: true }] });
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait });

    // Act
    const result = queue.enqueue(mentions(2));

    // Assess
    await expect(result).rejects.toThrow('1 of 2 mention(s) could not be enqueued (errors: InvalidMessageContents)');
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 1);
  });

  it('waits longer before each further attempt', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).rejects(new Error('throttled'));
    const waits: number[] = [];
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, {
      attempts: 3,
      backoffMs: 20,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    // Act
    const result = queue.enqueue(mentions(1));

    // Assess
    await expect(result).rejects.toThrow(EnqueueError);
    expect(waits).toEqual([20, 40]);
  });

  it('cuts the text of a mention over the message limit, keeping it a valid Mention', async () => {
    // Arrange
    const limit = 4096;
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait, maxMessageBytes: limit });
    const long = mentionFactory({ text: '🚲 Radwerk '.repeat(1000) });

    // Act
    await queue.enqueue([long]);

    // Assess
    const [entry] = entriesOf(0);
    const body = entry?.MessageBody ?? '';
    const sent = MentionSchema.parse(JSON.parse(body));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(limit);
    expect(sent.text.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(long.text.startsWith(sent.text.slice(0, -TRUNCATION_MARK.length))).toBe(true);
    expect(sent.id).toBe(long.id);
  });

  it('starts a new batch before the sum of a batch would pass the message limit', async () => {
    // Arrange: each message is about 1.5 KB, so only two fit into 4 KB.
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait, maxMessageBytes: 4096 });
    const big = Array.from({ length: 5 }, (_, i) => mentionFactory({ externalId: `p_${i}`, text: 'x'.repeat(1200) }));

    // Act
    await queue.enqueue(big);

    // Assess
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([2, 2, 1]);
  });

  it('escapes U+FFFF, which SQS refuses in a message, so the body parses back to the same text', async () => {
    // Arrange
    const queue = new SqsIntakeQueue(new SQSClient({}), QUEUE_URL, { sleep: noWait });
    const odd = mentionFactory({ text: 'a\uffffb' });

    // Act
    await queue.enqueue([odd]);

    // Assess
    const body = entriesOf(0)[0]?.MessageBody ?? '';
    expect(body).not.toContain('\uffff');
    expect(JSON.parse(body).text).toBe('a\uffffb');
  });
});
