import { GetCommand, PutCommand, QueryCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/build-report/handler.ts';
import { demoConfig } from '../../factories/config.ts';
import { contextFactory } from '../../factories/lambda.ts';

const documents = mockClient(DynamoDBDocumentClient);
const outbox = mkdtempSync(path.join(os.tmpdir(), 'bc-build-report-'));
const env = {
  COMPANY_CONFIG: JSON.stringify(demoConfig()),
  TABLE_NAME: 'bc-demo-data',
  AWS_REGION: 'eu-central-1',
  NOTIFY_OUTBOX_DIR: outbox,
};

describe('build-report handler', () => {
  afterAll(() => rmSync(outbox, { recursive: true, force: true }));

  beforeEach(() => {
    documents.reset();
    documents.on(PutCommand).resolves({});
    documents.on(GetCommand).resolves({});
    documents.on(QueryCommand).resolves({ Items: [] });
  });

  it("reports the company's previous day on a first scheduled run and moves the cursor", async () => {
    // Act: 05:00 UTC on the 28th is 06:00 in Berlin
    const result = await createHandler(env)(
      { report: 'daily', scheduledTime: '2026-11-28T05:00:00Z' },
      contextFactory(),
    );

    // Assess
    expect(result).toMatchObject({ report: 'daily', day: '2026-11-27' });
    expect(documents).toReceiveCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': 'TALLY#2026-11-27' } });
    expect(documents).toReceiveCommandWith(PutCommand, {
      Item: expect.objectContaining({ PK: 'REPORTS#daily#2026-11-27', SK: 'AUDIENCE#management', type: 'report' }),
    });
    expect(documents).toReceiveCommandWith(PutCommand, {
      Item: expect.objectContaining({ PK: 'REPORTCURSOR#daily', periodId: '2026-11-27' }),
    });
  });

  it('continues after the stored cursor, so no day is skipped', async () => {
    // Arrange: the last run reported the 24th
    documents
      .on(GetCommand, { Key: { PK: 'REPORTCURSOR#daily', SK: 'CURSOR' } })
      .resolves({ Item: { periodId: '2026-11-24' } });

    // Act
    const result = await createHandler(env)(
      { report: 'daily', scheduledTime: '2026-11-28T05:00:00Z' },
      contextFactory(),
    );

    // Assess
    expect(result.periods.map((p) => p.period)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
  });

  it('runs the weekly schedule on the last complete ISO week', async () => {
    const result = await createHandler(env)(
      { report: 'weekly', scheduledTime: '2026-11-30T06:00:00Z' },
      contextFactory(),
    );

    expect(result.periods.map((p) => p.period)).toEqual(['2026-W48']);
    expect(documents).toReceiveCommandWith(PutCommand, {
      Item: expect.objectContaining({ PK: 'REPORTS#weekly#2026-W48', SK: 'AUDIENCE#service' }),
    });
  });

  it('refuses an input that is not a report request and writes nothing', async () => {
    await expect(createHandler(env)({ report: 'weekly', day: '2026-11-27' }, contextFactory())).rejects.toThrow(
      'not a report request',
    );
    await expect(
      createHandler(env)({ report: 'monthly', scheduledTime: '2026-11-28T05:00:00Z' }, contextFactory()),
    ).rejects.toThrow('not a report request');
    expect(documents).not.toHaveReceivedCommand(PutCommand);
  });
});
