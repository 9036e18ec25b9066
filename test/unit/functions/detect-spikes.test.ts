import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler, dependenciesFrom, pressDepartmentOf } from '../../../functions/detect-spikes/handler.ts';
import { compileSchedules } from '../../../infra/local/scheduler.ts';
import { buildTopology } from '../../../infra/topology.ts';
import { EventBridgePublisher } from '../../../shared/adapters/eventbridge-publisher.ts';
import { keys } from '../../../shared/adapters/dynamodb/index.ts';
import { CompanyConfigSchema } from '../../../shared/config/schema.ts';
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

describe('detect-spikes in the topology', () => {
  const topology = buildTopology(config);

  it('schedules detect-spikes from spikes.schedule in the company timezone', () => {
    // Act
    const schedule = topology.schedules.find((s) => s.id === 'spike-check');
    const fn = topology.functions.find((f) => f.id === 'detect-spikes');

    // Assess
    expect(schedule).toMatchObject({
      name: 'bc-demo-spike-check',
      expression: 'cron(5 * * * ? *)',
      timezone: 'Europe/Berlin',
      targetFunction: 'detect-spikes',
      payload: { scheduledTime: '<aws.scheduler.scheduled-time>' },
      deadLetterQueue: 'schedule-spike-check-dlq',
    });
    expect(fn).toMatchObject({
      entry: 'functions/detect-spikes/handler.ts',
      triggers: [{ type: 'schedule', schedule: 'spike-check' }],
      asyncInvoke: { onFailure: 'detect-spikes-failures' },
    });
    expect(fn?.grants).toEqual(
      expect.arrayContaining([
        { resource: 'table', access: 'readWrite' },
        { resource: 'bus', access: 'put' },
      ]),
    );
  });

  it('fires locally at 5 past every hour of the wall clock: the repeated hour of the autumn switch once (the cursor makes the next run catch up)', () => {
    // Arrange
    const check = compileSchedules(topology.schedules).get('spike-check');
    const times: string[] = [];
    let cursor = new Date('2026-10-25T00:00:00Z'); // 02:00 CEST; the clocks go back at 03:00 CEST

    // Act
    for (let i = 0; i < 3; i++) {
      cursor = check?.cron.nextFireTime(cursor) ?? cursor;
      times.push(cursor.toISOString());
    }

    // Assess: 02:05 CEST, (02:05 CET is the same wall-clock time: not again), 03:05 CET, 04:05 CET
    expect(times).toEqual(['2026-10-25T00:05:00.000Z', '2026-10-25T02:05:00.000Z', '2026-10-25T03:05:00.000Z']);
  });
});

describe('detect-spikes handler', () => {
  beforeEach(() => {
    documents.reset();
    bus.reset();
    documents.on(QueryCommand).resolves({ Items: [] });
    documents.on(GetCommand).resolves({});
    documents.on(PutCommand).resolves({});
  });

  it('evaluates the last complete hour on its first run and moves the cursor there', async () => {
    // Act: the run of 15:05 in Hamburg
    const result = await createHandler(env)({ scheduledTime: '2026-12-03T15:05:00+01:00' }, contextFactory());

    // Assess
    expect(result).toMatchObject({ hours: ['2026-12-03T13:00:00.000Z'], detected: [] });
    expect(documents).toReceiveCommandWith(QueryCommand, {
      ExpressionAttributeValues: expect.objectContaining({
        ':pk': 'RATE#2026-12-03',
        ':to': 'COUNT#2026-12-03T13:00:00.000Z',
      }),
    });
    expect(documents).toReceiveCommandWith(PutCommand, {
      Item: expect.objectContaining({ ...keys.spikeCursor, lastHour: '2026-12-03T13:00:00.000Z' }),
    });
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('refuses an input that is neither a scheduled run nor an hour, before touching the table', async () => {
    // Act / Assess
    await expect(createHandler(env)({ report: 'daily' }, contextFactory())).rejects.toThrow(
      'detect-spikes input is neither {scheduledTime}, {hour} nor {from, through}',
    );
    await expect(
      createHandler(env)({ from: '2026-12-03T14:00:00Z', through: '2026-12-03T13:00:00Z' }, contextFactory()),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    expect(documents).not.toHaveReceivedAnyCommand();
  });

  it('takes the detector parameters from the config and tells press', () => {
    // Arrange
    const strict = CompanyConfigSchema.parse({ ...config, spikes: { minCount: 10, minRatio: 5 } });

    // Act
    const deps = dependenciesFrom({ ...env, COMPANY_CONFIG: JSON.stringify(strict) });

    // Assess
    expect(deps.params).toMatchObject({ weeks: 6, alpha: 1e-5, minCount: 10, minRatio: 5, cooldownHours: 6 });
    expect(pressDepartmentOf(config)).toBe('press');
    expect(deps.press).toBe('press');
  });
});

describe('EventBridgePublisher and Spike Detected', () => {
  it('puts the spike on the company bus as Spike Detected', async () => {
    // Arrange
    bus.reset();
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const detail = {
      companyId: 'demo',
      spikeId: 'spk_0123456789abcdef',
      dimension: 'theme' as const,
      value: 'th_app_login',
      label: 'App Login geht nicht',
      hour: '2026-12-03T13:00:00.000Z',
      detectedAt: '2026-12-03T14:05:03.000Z',
      observed: 15,
      expected: 0.4,
      probability: 1e-12,
      departments: ['service'],
      caseIds: ['case_1'],
    };

    // Act
    await new EventBridgePublisher(new EventBridgeClient({}), 'bc-demo-bus').publishSpikeDetected([detail]);

    // Assess
    expect(bus).toReceiveCommandWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: 'bc-demo-bus',
          Source: 'backchannel',
          DetailType: 'Spike Detected',
          Detail: JSON.stringify(detail),
        },
      ],
    });
  });
});
