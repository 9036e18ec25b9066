import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler, oneThreadAtATime } from '../../../functions/classify-mention/handler.ts';
import { decodeCaseHistory } from '../../../shared/adapters/dynamodb/case-format.ts';
import { demoConfig } from '../../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../../factories/lambda.ts';
import { mentionFactory, sqsRecordFactory } from '../../factories/mention.ts';
import { captureLogs } from '../../support/captured-logs.ts';

const documents = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);

const env = {
  COMPANY_CONFIG: JSON.stringify(demoConfig()),
  TABLE_NAME: 'bc-demo-data',
  EVENT_BUS_NAME: 'bc-demo-bus',
  AWS_REGION: 'eu-central-1',
};

describe('classify-mention handler', () => {
  beforeEach(() => {
    documents.reset();
    eventBridge.reset();
    documents.on(PutCommand).resolves({});
    // The round-robin cursor answers its new count; other updates ignore the answer.
    documents.on(UpdateCommand).resolves({ Attributes: { n: 1 } });
    // No case of the thread yet.
    documents.on(GetCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  });

  it('stores the mention conditionally and puts Mentions Routed, not the Case Assigned nothing consumes, counted on the batch line', async () => {
    // Arrange: the demo company lists no case events of its own
    const handler = createHandler(env);
    const mention = mentionFactory({
      text: 'Guten Tag, die Redaktion der Kieler Nachrichten bittet um eine Stellungnahme.',
    });
    const logs = captureLogs('INFO');

    // Act
    const result = await handler(sqsEventFactory([sqsRecordFactory(JSON.stringify(mention))]), contextFactory());

    // Assess
    logs.restore();
    expect(result).toEqual({ batchItemFailures: [] });
    expect(documents).toReceiveCommandWith(PutCommand, {
      TableName: 'bc-demo-data',
      ConditionExpression: 'attribute_not_exists(PK)',
      Item: expect.objectContaining({ PK: `MENTION#${mention.id}`, SK: 'MENTION' }),
    });
    // Marked routed in the batch's mark, which the stored mention names.
    const mark = (documents.commandCalls(PutCommand)[0]?.args[0].input.Item as { mark?: string })?.mark;
    expect(mark).toEqual(expect.any(String));
    expect(documents).toReceiveCommandWith(UpdateCommand, {
      Key: { PK: `ROUTED#${mark}`, SK: 'ROUTED' },
      ExpressionAttributeValues: expect.objectContaining({ ':ids': new Set([mention.id]) }),
    });
    // The case was opened assigned (its history, packed since round w14, has the change), but its event notifies nobody.
    const caseItem = documents
      .commandCalls(PutCommand)
      .map((call) => call.args[0].input.Item)
      .find((item) => item?.SK === 'CASE');
    expect(caseItem?.historyZ).toBeInstanceOf(Uint8Array);
    expect(decodeCaseHistory(caseItem?.historyZ as Uint8Array)).toEqual([
      expect.objectContaining({ transitionId: `assign:${mention.id}` }),
    ]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(eventBridge).toReceiveCommandWith(PutEventsCommand, {
      Entries: [
        expect.objectContaining({
          EventBusName: 'bc-demo-bus',
          Source: 'backchannel',
          DetailType: 'Mentions Routed',
          Detail: expect.stringContaining(`"department":"press","role":"primary","mentions":[{`),
        }),
      ],
    });
    expect(logs.lines().filter((l) => l.message === 'Mentions classified')).toEqual([
      expect.objectContaining({ records: 1, caseEventsWithheld: 1, counts: { routed: 1 } }),
    ]);
  });

  it.each([
    ['lists Case Assigned', ['Case Assigned']],
    ['takes all case events', 'all'],
  ] as const)(
    'puts the Case Assigned of the case it opened with Mentions Routed in one call when the company %s',
    async (_, caseEvents) => {
      // Arrange
      const handler = createHandler({
        ...env,
        COMPANY_CONFIG: JSON.stringify({ ...demoConfig(), events: { caseEvents } }),
      });
      const mention = mentionFactory({
        text: 'Guten Tag, die Redaktion der Kieler Nachrichten bittet um eine Stellungnahme.',
      });

      // Act
      const result = await handler(sqsEventFactory([sqsRecordFactory(JSON.stringify(mention))]), contextFactory());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
      expect(eventBridge).toReceiveCommandWith(PutEventsCommand, {
        Entries: [
          expect.objectContaining({
            EventBusName: 'bc-demo-bus',
            Source: 'backchannel',
            DetailType: 'Case Assigned',
            Detail: expect.stringContaining(`"transitionId":"assign:${mention.id}"`),
          }),
          expect.objectContaining({
            EventBusName: 'bc-demo-bus',
            Source: 'backchannel',
            DetailType: 'Mentions Routed',
            Detail: expect.stringContaining(`"department":"press","role":"primary","mentions":[{`),
          }),
        ],
      });
    },
  );

  it('reports only the malformed record as failed while the valid one is routed', async () => {
    const handler = createHandler(env);
    const good = sqsRecordFactory(JSON.stringify(mentionFactory()), 'good');
    const notJson = sqsRecordFactory('{not json', 'bad-json');
    const notMention = sqsRecordFactory(JSON.stringify({ hello: 'world' }), 'bad-shape');

    const result = await handler(sqsEventFactory([good, notJson, notMention]), contextFactory());

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad-json' }, { itemIdentifier: 'bad-shape' }]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('skips a duplicate that was already routed without publishing again', async () => {
    const mention = mentionFactory();
    const conditionFailed = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });
    documents.on(PutCommand).rejects(conditionFailed);
    const stored = {
      mention,
      classification: {
        language: 'de',
        relevant: true,
        sentiment: 'negative',
        category: 'complaint',
        urgency: 0.2,
        confidence: 0.6,
        reasons: [],
        model: 'keyword@1',
      },
      routing: { department: 'service', cc: [], priority: 'normal', reasons: [] },
      caseId: 'case_x',
    };
    // The mention item and its routed mark, read together.
    documents.on(QueryCommand).resolves({
      Items: [
        { PK: `MENTION#${mention.id}`, SK: 'MENTION', ...stored },
        { PK: `MENTION#${mention.id}`, SK: 'ROUTED', routedAt: '2026-11-28T09:15:03.000Z' },
      ],
    });
    const handler = createHandler(env);

    const result = await handler(sqsEventFactory([sqsRecordFactory(JSON.stringify(mention))]), contextFactory());

    expect(result).toEqual({ batchItemFailures: [] });
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('fails the whole batch, unmarked, when the bus keeps rejecting its entry, so SQS redelivers it', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: input.Entries.length,
      Entries: input.Entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'x' })),
    }));
    const handler = createHandler(env);

    const invocation = handler(
      sqsEventFactory([
        sqsRecordFactory(JSON.stringify(mentionFactory()), 'm1'),
        sqsRecordFactory(JSON.stringify(mentionFactory({ externalId: 'other' })), 'm2'),
      ]),
      contextFactory(),
    );

    await expect(invocation).rejects.toThrow('All records failed processing');
    // Both mentions (one entry for their department; the case's assignment notifies nobody) in one call, resent: 3 attempts.
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(documents).not.toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ SK: 'ROUTED' }),
    });
    expect(documents).not.toHaveReceivedCommandWith(UpdateCommand, {
      Key: expect.objectContaining({ SK: 'ROUTED' }),
    });
  });
});

describe('oneThreadAtATime', () => {
  it("runs a thread's records one after the other and other threads beside them, and goes on after a failure", async () => {
    // Arrange: the first record of thread t1 waits on a gate, then fails
    const order: string[] = [];
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const handle = oneThreadAtATime(async (record) => {
      order.push(`start ${record.messageId}`);
      if (record.messageId === 'a1') {
        await gate;
        throw new Error('a1 failed');
      }
      order.push(`end ${record.messageId}`);
    });
    const recordOf = (id: string, threadId: string) =>
      sqsRecordFactory(JSON.stringify({ platform: 'x', threadId }), id);

    // Act
    const a1 = handle(recordOf('a1', 't1'));
    const a2 = handle(recordOf('a2', 't1'));
    const b1 = handle(recordOf('b1', 't2'));
    const notice = handle(sqsRecordFactory('not json', 'n1'));
    await Promise.all([b1, notice]);
    const whileA1Waits = [...order];
    open();

    // Assess: t2 and the unreadable body did not wait for t1; a2 ran after a1, although a1 failed
    expect(whileA1Waits.sort()).toEqual(['end b1', 'end n1', 'start a1', 'start b1', 'start n1']);
    await expect(a1).rejects.toThrow('a1 failed');
    await a2;
    expect(order.slice(whileA1Waits.length)).toEqual(['start a2', 'end a2']);
  });
});
