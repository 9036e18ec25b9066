import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/handle-department/handler.ts';
import { settledEntryOf } from '../../../shared/adapters/dynamodb/settlement-mark.ts';
import type { MentionRouted } from '../../../shared/domain/events.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../../factories/lambda.ts';
import {
  mentionRoutedFactory,
  routedBatchEnvelope,
  routedEnvelope,
  sqsRecordFactory,
} from '../../factories/mention.ts';
import { departmentQueueUrls } from '../../support/department-queues.ts';

const documents = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);

describe('handle-department handler', () => {
  let outbox: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    outbox = await mkdtemp(path.join(tmpdir(), 'bc-outbox-'));
    env = {
      COMPANY_CONFIG: JSON.stringify(demoConfig()),
      TABLE_NAME: 'bc-demo-data',
      EVENT_BUS_NAME: 'bc-demo-bus',
      ...departmentQueueUrls(demoConfig()),
      AWS_REGION: 'eu-central-1',
      NOTIFY_OUTBOX_DIR: outbox,
    };
    documents.reset();
    eventBridge.reset();
    documents.on(PutCommand).resolves({});
    documents.on(UpdateCommand).resolves({ Attributes: { n: 1 } });
    documents.on(QueryCommand).resolves({ Items: [] });
    // The case is already assigned: this test is about recording and counting.
    documents.on(GetCommand).callsFake((input: { Key: { SK: string } }) =>
      input.Key.SK === 'CASE'
        ? {
            Item: {
              ...caseFactory({
                department: 'legal',
                state: 'assigned',
                assignee: 'jonas.meyer@radwerk-hansen.example',
              }),
            },
          }
        : {},
    );
    // The batch's cases read ahead in one request: the same assigned case under each id asked for.
    documents.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { PK: string }[] }> }) => ({
      Responses: Object.fromEntries(
        Object.entries(input.RequestItems).map(([table, { Keys }]) => [
          table,
          Keys.map((key) => ({
            ...key,
            ...caseFactory({
              id: key.PK.slice('CASE#'.length),
              department: 'legal',
              state: 'assigned',
              assignee: 'jonas.meyer@radwerk-hansen.example',
            }),
          })),
        ]),
      ),
    }));
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  });

  afterEach(async () => {
    await rm(outbox, { recursive: true, force: true });
  });

  it("records the mention on the case and adds it to the department's tally of the day", async () => {
    const event = mentionRoutedFactory({ department: 'legal', category: 'legal_risk' });

    const result = await createHandler(env)(
      sqsEventFactory([sqsRecordFactory(routedEnvelope(event))]),
      contextFactory(),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(documents).toReceiveCommandWith(PutCommand, {
      ConditionExpression: 'attribute_not_exists(PK)',
      Item: expect.objectContaining({
        PK: `CASE#${event.caseId}`,
        SK: expect.stringContaining(`#${event.mentionId}#legal`),
      }),
    });
    // legal has targets: the tally goes with the batch's settlement, into the batch's item of the day.
    expect(documents).toReceiveCommandWith(UpdateCommand, {
      Key: { PK: 'TALLY#2026-11-28', SK: expect.stringMatching(/^DEPT#legal#[\w-]{8}$/) },
      ExpressionAttributeNames: expect.objectContaining({ '#f0': 'mentions', '#f1': 'category.legal_risk' }),
      ExpressionAttributeValues: expect.objectContaining({ ':f0': 1, ':f1': 1 }),
    });
    expect(documents).not.toReceiveCommandWith(UpdateCommand, { Key: { PK: 'TALLY#2026-11-28', SK: 'DEPT#legal' } });
    expect(documents).not.toReceiveCommandWith(UpdateCommand, {
      Key: expect.objectContaining({ PK: 'METRIC#2026-11-28' }),
    });
  });

  it("adds the mentions of a batch's records to each tally item in one write", async () => {
    // Arrange: two messages, three legal mentions of one day.
    const mentions = ['a', 'b', 'c'].map((id) =>
      mentionRoutedFactory({ mentionId: `facebook:${id}`, department: 'legal', category: 'legal_risk' }),
    );
    const batch = { companyId: 'demo', department: 'legal', role: 'primary' as const, mentions: mentions.slice(0, 2) };
    const records = [
      sqsRecordFactory(routedBatchEnvelope(batch), 'm1'),
      sqsRecordFactory(routedEnvelope(mentions[2] as (typeof mentions)[number]), 'm2'),
    ];

    // Act
    const result = await createHandler(env)(sqsEventFactory(records), contextFactory());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const tallyWrites = documents
      .commandCalls(UpdateCommand)
      .filter((call) => String(call.args[0].input.Key?.PK).startsWith('TALLY#'));
    expect(tallyWrites).toHaveLength(1);
    expect(tallyWrites[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({ ':f0': 3, ':f1': 3 });
  });

  it("reads the cases of a batch's mentions in one request, not one read per mention", async () => {
    // Arrange: two messages, three mentions on two cases.
    const [a, b, c] = [
      ['a', 'case_one'],
      ['b', 'case_one'],
      ['c', 'case_two'],
    ].map(([id, caseId]) =>
      mentionRoutedFactory({ mentionId: `facebook:${id}`, caseId, department: 'legal', category: 'legal_risk' }),
    ) as [MentionRouted, MentionRouted, MentionRouted];
    const records = [
      sqsRecordFactory(
        routedBatchEnvelope({ companyId: 'demo', department: 'legal', role: 'primary', mentions: [a, b] }),
        'm1',
      ),
      sqsRecordFactory(routedEnvelope(c), 'm2'),
    ];

    // Act
    const result = await createHandler(env)(sqsEventFactory(records), contextFactory());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const reads = documents.commandCalls(BatchGetCommand);
    expect(reads).toHaveLength(1);
    expect(reads[0]?.args[0].input.RequestItems?.['bc-demo-data']?.Keys).toEqual([
      { PK: 'CASE#case_one', SK: 'CASE' },
      { PK: 'CASE#case_two', SK: 'CASE' },
    ]);
    expect(reads[0]?.args[0].input.RequestItems?.['bc-demo-data']?.ConsistentRead).toBeUndefined();
    expect(documents).not.toReceiveCommandWith(GetCommand, { Key: expect.objectContaining({ SK: 'CASE' }) });
  });

  it('reads each case on its own when the read ahead fails', async () => {
    // Arrange
    documents.on(BatchGetCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    const event = mentionRoutedFactory({ department: 'legal', category: 'legal_risk' });

    // Act
    const result = await createHandler(env)(
      sqsEventFactory([sqsRecordFactory(routedEnvelope(event))]),
      contextFactory(),
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(documents).toReceiveCommandWith(GetCommand, { Key: { PK: `CASE#${event.caseId}`, SK: 'CASE' } });
  });

  it('records every mention of a Mentions Routed batch on its case', async () => {
    // Arrange
    const mentions = ['a', 'b', 'c'].map((id) =>
      mentionRoutedFactory({ mentionId: `facebook:${id}`, department: 'legal', category: 'legal_risk' }),
    );
    const batch = { companyId: 'demo', department: 'legal', role: 'primary' as const, mentions };

    // Act
    const result = await createHandler(env)(
      sqsEventFactory([sqsRecordFactory(routedBatchEnvelope(batch))]),
      contextFactory(),
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    for (const mention of mentions) {
      expect(documents).toReceiveCommandWith(PutCommand, {
        ConditionExpression: 'attribute_not_exists(PK)',
        Item: expect.objectContaining({ SK: expect.stringContaining(`#${mention.mentionId}#legal`) }),
      });
    }
  });

  it('refuses a batch whose mention names another department than the batch, recording nothing of it', async () => {
    // Arrange: a message that would slip a sales mention into legal's queue.
    const batch = {
      companyId: 'demo',
      department: 'legal',
      role: 'primary' as const,
      mentions: [
        mentionRoutedFactory({ mentionId: 'facebook:ok', department: 'legal' }),
        mentionRoutedFactory({ mentionId: 'facebook:smuggled', department: 'sales' }),
      ],
    };

    // Act
    const run = createHandler(env)(
      sqsEventFactory([sqsRecordFactory(routedBatchEnvelope(batch), 'forged')]),
      contextFactory(),
    );

    // Assess
    await expect(run).rejects.toThrow('All records failed processing');
    expect(documents).not.toHaveReceivedCommand(PutCommand);
  });

  it('notifies the department through its targets, locally into the outbox', async () => {
    const event = mentionRoutedFactory({ department: 'legal', category: 'legal_risk' });

    await createHandler(env)(sqsEventFactory([sqsRecordFactory(routedEnvelope(event))]), contextFactory());

    const lines = (await readFile(path.join(outbox, 'legal.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.target.type).sort()).toEqual(['email', 'slack']);
    // The mention's record is written holding the notification's claim and naming the batch's
    // item of the day (`mark2`; `mark` NULL, the fence), which settles it in one write at the end
    // with the day's tally: no claim item, no update of the record, no settlement mark of its own.
    const record = { PK: `CASE#${event.caseId}`, SK: `MENTION#${event.createdAt}#${event.mentionId}#legal` };
    expect(documents).toReceiveCommandWith(PutCommand, {
      Item: expect.objectContaining({
        ...record,
        complete: false,
        owner: expect.any(String),
        mark: null,
        mark2: expect.stringMatching(/^2026-11-28#/),
      }),
      ConditionExpression: expect.stringContaining('attribute_not_exists(PK)'),
    });
    const written = documents.commandCalls(PutCommand).find((call) => call.args[0].input.Item?.SK === record.SK);
    const mark = String(written?.args[0].input.Item?.mark2).split('#')[1];
    expect(documents).toReceiveCommandWith(UpdateCommand, {
      Key: { PK: 'TALLY#2026-11-28', SK: `DEPT#legal#${mark}` },
      UpdateExpression: expect.stringContaining('ADD settled :settled'),
      ExpressionAttributeValues: expect.objectContaining({ ':settled': new Set([settledEntryOf(record)]), ':f0': 1 }),
    });
    expect(documents).not.toReceiveCommandWith(UpdateCommand, { Key: expect.objectContaining({ SK: 'SETTLED' }) });
    expect(documents).not.toReceiveCommandWith(UpdateCommand, { Key: record });
    expect(documents).not.toReceiveCommandWith(UpdateCommand, {
      Key: expect.objectContaining({ SK: expect.stringMatching(/^NOTIFIED#/) }),
    });
  });

  it('settles the records on their own and counts the mention in the day’s tally when the batch’s item is refused', async () => {
    // Arrange: the table refuses the batch's item (`DEPT#legal#<mark>`), every other write goes through.
    documents.on(UpdateCommand).callsFake((input: { Key: { SK: string } }) => {
      if (/^DEPT#legal#/.test(input.Key.SK)) {
        throw Object.assign(new Error('Throughput exceeds the current capacity'), {
          name: 'ProvisionedThroughputExceededException',
        });
      }
      return {};
    });
    const event = mentionRoutedFactory({ department: 'legal', category: 'legal_risk' });
    const record = { PK: `CASE#${event.caseId}`, SK: `MENTION#${event.createdAt}#${event.mentionId}#legal` };

    // Act
    const result = await createHandler(env)(
      sqsEventFactory([sqsRecordFactory(routedEnvelope(event))]),
      contextFactory(),
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(documents).toReceiveCommandWith(UpdateCommand, {
      Key: record,
      UpdateExpression: expect.stringContaining('SET complete = :complete'),
      ExpressionAttributeValues: expect.objectContaining({ ':complete': true }),
    });
    expect(documents).toReceiveCommandWith(UpdateCommand, {
      Key: { PK: 'TALLY#2026-11-28', SK: 'DEPT#legal' },
      ExpressionAttributeValues: expect.objectContaining({ ':f0': 1 }),
    });
  });

  it('does not count or notify a redelivered event again', async () => {
    // Arrange
    const exists = Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' });
    documents.on(PutCommand).rejects(exists);
    documents.on(UpdateCommand).rejects(exists);
    // The notifications went out the first time: their claim is settled complete.
    documents
      .on(GetCommand)
      .callsFake((input: { Key: { SK: string } }) =>
        input.Key.SK === 'CASE'
          ? { Item: { ...caseFactory({ state: 'assigned', assignee: 'ole.hansen@radwerk-hansen.example' }) } }
          : { Item: { complete: true, sent: new Set(['mention:facebook:1_2#service/slack:#kundenservice']) } },
      );

    // Act
    const result = await createHandler(env)(
      sqsEventFactory([sqsRecordFactory(routedEnvelope(mentionRoutedFactory()))]),
      contextFactory(),
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(documents).not.toReceiveCommandWith(UpdateCommand, {
      Key: expect.objectContaining({ PK: 'TALLY#2026-11-28' }),
    });
    await expect(readFile(path.join(outbox, 'service.jsonl'), 'utf8')).rejects.toThrow('ENOENT');
  });

  it('fails a record that is not a Mention Routed envelope and keeps the others', async () => {
    const good = sqsRecordFactory(routedEnvelope(mentionRoutedFactory()), 'good');
    const bad = sqsRecordFactory(
      JSON.stringify({ 'detail-type': 'Something Else', source: 'backchannel', detail: {} }),
      'bad',
    );

    const result = await createHandler(env)(sqsEventFactory([good, bad]), contextFactory());

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(documents).toReceiveCommandWith(UpdateCommand, {
      Key: { PK: 'TALLY#2026-11-28', SK: expect.stringMatching(/^DEPT#service#/) },
      ExpressionAttributeValues: expect.objectContaining({ ':f0': 1 }),
    });
  });
});
