import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler, dependenciesFrom } from '../../../functions/check-sla/handler.ts';
import { compileSchedules } from '../../../infra/local/scheduler.ts';
import { buildTopology } from '../../../infra/topology.ts';
import { casePolicyOf } from '../../../shared/config/case-policy.ts';
import { keys } from '../../../shared/adapters/dynamodb/index.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { contextFactory } from '../../factories/lambda.ts';

const documents = mockClient(DynamoDBDocumentClient);
const bus = mockClient(EventBridgeClient);
const config = demoConfig();
const env = {
  COMPANY_CONFIG: JSON.stringify(config),
  TABLE_NAME: 'bc-demo-data',
  EVENT_BUS_NAME: 'bc-demo-bus',
  AWS_REGION: 'eu-central-1',
};

describe('check-sla in the topology', () => {
  const topology = buildTopology(config);

  it('has the check-sla function with the table, the bus and the sla-sweep schedule trigger', () => {
    // Act
    const fn = topology.functions.find((f) => f.id === 'check-sla');

    // Assess
    expect(fn).toMatchObject({
      entry: 'functions/check-sla/handler.ts',
      environment: expect.objectContaining({
        COMPANY_CONFIG: { kind: 'companyConfig' },
        TABLE_NAME: { kind: 'tableName' },
        EVENT_BUS_NAME: { kind: 'busName' },
      }),
      triggers: [{ type: 'schedule', schedule: 'sla-sweep' }],
      grants: [
        { resource: 'table', access: 'readWrite' },
        { resource: 'bus', access: 'put' },
      ],
    });
  });

  it('schedules the sweep from cases.slaSweep in the company timezone', () => {
    // Act
    const schedule = topology.schedules.find((s) => s.id === 'sla-sweep');

    // Assess
    expect(schedule).toEqual({
      id: 'sla-sweep',
      name: 'bc-demo-sla-sweep',
      expression: 'cron(0/5 * * * ? *)',
      timezone: 'Europe/Berlin',
      targetFunction: 'check-sla',
      payload: { scheduledTime: '<aws.scheduler.scheduled-time>' },
      deadLetterQueue: 'schedule-sla-sweep-dlq',
      retry: { retryAttempts: 3, maxEventAgeSeconds: 3600 },
    });
  });

  it('fires the sweep locally every 5 minutes, through the spring DST switch', () => {
    // Arrange
    const sweep = compileSchedules(topology.schedules).get('sla-sweep');
    const times: string[] = [];
    let cursor = new Date('2026-03-29T00:52:00Z'); // 01:52 CET, minutes before the clocks jump to 03:00

    // Act
    for (let i = 0; i < 3; i++) {
      cursor = sweep?.cron.nextFireTime(cursor) ?? cursor;
      times.push(cursor.toISOString());
    }

    // Assess
    expect(times).toEqual(['2026-03-29T00:55:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:05:00.000Z']);
  });
});

describe('check-sla handler', () => {
  beforeEach(() => {
    documents.reset();
    bus.reset();
    documents.on(QueryCommand).resolves({ Items: [] });
    documents.on(PutCommand).resolves({});
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  });

  it('queries the department index for each department and awaiting state', async () => {
    // Act
    const result = await createHandler(env)({ scheduledTime: '2026-01-13T10:00:00Z' }, contextFactory());

    // Assess
    expect(result).toMatchObject({ scanned: 0, failed: 0 });
    expect(documents).toHaveReceivedCommandTimes(QueryCommand, config.departments.length * 3);
    expect(documents).toReceiveCommandWith(QueryCommand, {
      IndexName: 'GSI1',
      ExpressionAttributeValues: expect.objectContaining({ ':pk': keys.casesByState('legal', 'waiting') }),
    });
  });

  it('marks an overdue case breached and publishes the event on the company bus', async () => {
    // Arrange: a case long past due, listed as new in the service department
    const overdue = caseFactory({ id: 'case_overdue', dueAt: '2026-01-02T09:00:00.000Z' });
    // The index holds keys only; the sweep reads the case it found by key.
    documents
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': keys.casesByState('service', 'new') } })
      .resolves({ Items: [keys.case(overdue.id)] });
    documents
      .on(BatchGetCommand)
      .resolves({ Responses: { 'bc-demo-data': [{ ...overdue, ...keys.case(overdue.id) }] } });
    documents.on(GetCommand).resolves({ Item: overdue });

    // Act
    const result = await createHandler(env)({ scheduledTime: '2026-01-13T10:00:00Z' }, contextFactory());

    // Assess
    expect(result).toMatchObject({ scanned: 1, breached: 1 });
    expect(documents).toReceiveCommandWith(PutCommand, {
      // Format 3 (the format fence, rounds w14 and w22): the lock in lock3, lock2 and version kept as NULL; any lock it was read with
      Item: expect.objectContaining({
        id: 'case_overdue',
        breachedAt: expect.any(String),
        lock3: 2,
        lock2: null,
        version: null,
      }),
      ConditionExpression: 'lock3 = :expected OR lock2 = :expected OR version = :expected',
      ExpressionAttributeValues: { ':expected': 1 },
    });
    expect(bus).toReceiveCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ EventBusName: 'bc-demo-bus', DetailType: 'Case SLA Breached' })],
    });
  });

  it('refuses an input that is not a sweep request, before touching the table', async () => {
    // Act / Assess
    await expect(createHandler(env)({ report: 'daily' }, contextFactory())).rejects.toThrow('not an SLA sweep request');
    expect(documents).not.toHaveReceivedCommand(QueryCommand);
  });

  it('fails the run when a change could not be written, after sweeping the rest', async () => {
    // Arrange
    const overdue = caseFactory({ id: 'case_overdue', dueAt: '2026-01-02T09:00:00.000Z' });
    // The index holds keys only; the sweep reads the case it found by key.
    documents
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': keys.casesByState('service', 'new') } })
      .resolves({ Items: [keys.case(overdue.id)] });
    documents
      .on(BatchGetCommand)
      .resolves({ Responses: { 'bc-demo-data': [{ ...overdue, ...keys.case(overdue.id) }] } });
    documents.on(GetCommand).resolves({ Item: overdue });
    documents.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    // Act / Assess
    await expect(createHandler(env)({}, contextFactory())).rejects.toThrow('SLA sweep: 1 change(s) failed');
    expect(documents).toHaveReceivedCommandTimes(QueryCommand, config.departments.length * 3);
  });
});

describe('check-sla escalation', () => {
  it('escalates legal-risk categories and crisis tags of the demo to press and legal, as the case policy says', () => {
    // Act
    const { escalation } = dependenciesFrom(env);

    // Assess
    expect(escalation).toEqual({ categories: ['legal_risk'], tags: ['crisis', 'legal-risk'], to: ['press', 'legal'] });
    expect(escalation).toEqual(casePolicyOf(config).escalation);
  });
});
