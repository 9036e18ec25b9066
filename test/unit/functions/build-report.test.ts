import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler, reportDay } from '../../../functions/build-report/handler.ts';
import { demoConfig } from '../../factories/config.ts';
import { contextFactory } from '../../factories/lambda.ts';

const documents = mockClient(DynamoDBDocumentClient);
const env = { COMPANY_CONFIG: JSON.stringify(demoConfig()), TABLE_NAME: 'bc-demo-data', AWS_REGION: 'eu-central-1' };

describe('build-report handler', () => {
  beforeEach(() => {
    documents.reset();
    documents.on(PutCommand).resolves({});
    documents.on(QueryCommand).resolves({
      Items: [
        { day: '2026-11-27', department: 'service', category: 'complaint', count: 4 },
        { day: '2026-11-27', department: 'press', category: 'press_inquiry', count: 1 },
      ],
    });
  });

  it('reports on the company\'s previous day at the scheduled time', () => {
    // 05:00 UTC on the 28th is 06:00 in Berlin: the report covers the 27th.
    expect(reportDay({ report: 'daily', scheduledTime: '2026-11-28T05:00:00Z' }, 'Europe/Berlin')).toBe('2026-11-27');
    // 23:30 UTC on the 27th is already the 28th in Berlin.
    expect(reportDay({ report: 'daily', scheduledTime: '2026-11-27T23:30:00Z' }, 'Europe/Berlin')).toBe('2026-11-27');
  });

  it('reads the day\'s counters and stores one report per department', async () => {
    const result = await createHandler(env)({ report: 'daily', scheduledTime: '2026-11-28T05:00:00Z' }, contextFactory());

    expect(result.day).toBe('2026-11-27');
    expect(documents).toReceiveCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': 'METRIC#2026-11-27' } });
    expect(documents).toHaveReceivedCommandTimes(PutCommand, 6);
    expect(documents).toReceiveCommandWith(PutCommand, {
      Item: expect.objectContaining({
        PK: 'REPORT#DAILY#2026-11-27',
        SK: 'DEPT#service',
        report: expect.objectContaining({ total: 4, byCategory: { complaint: 4 } }),
      }),
    });
  });

  it('rebuilds a given day', async () => {
    const result = await createHandler(env)({ report: 'daily', day: '2026-11-20' }, contextFactory());

    expect(result.day).toBe('2026-11-20');
  });

  it('refuses an input that is not a daily report request', async () => {
    await expect(createHandler(env)({ report: 'weekly' }, contextFactory())).rejects.toThrow('not a daily report request');
    expect(documents).not.toHaveReceivedCommand(PutCommand);
  });
});
