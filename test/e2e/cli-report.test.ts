import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb } from '../../infra/local/backends.ts';
import { createTable } from '../../infra/local/table.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoCaseRepository, DynamoMetricRepository } from '../../shared/adapters/dynamodb/index.ts';
import { recordRoutedMention } from '../../shared/domain/record-routed-mention.ts';
import type { Report } from '../../shared/domain/reports/report.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionRoutedFactory } from '../factories/mention.ts';

/**
 * `backchannel report` as a user runs it: from a project directory whose runtime is
 * stopped, so the CLI opens the persisted table itself. The mentions are recorded by the
 * same use case handle-department runs, so the CLI reads the tallies the pipeline writes.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('backchannel report on the persisted local table', () => {
  const config = demoConfig();
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-report-cli-'));
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), ...args], { cwd });

  beforeAll(async () => {
    // Arrange: two service complaints (one with a cc to press) in 2026-W48, one press inquiry the week before
    mkdirSync(path.join(cwd, 'companies'));
    writeFileSync(path.join(cwd, 'companies/demo.yaml'), readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8'));
    const backend = await startDynamoDb({ dataDir: path.join(cwd, '.backchannel/demo/dynamodb') });
    try {
      const client = new DynamoDBClient({
        region: LOCAL_REGION,
        endpoint: backend.endpoint,
        credentials: LOCAL_CREDENTIALS,
      });
      const table = buildTopology(config).table;
      await createTable(client, table);
      const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
      const metrics = new DynamoMetricRepository(documents, table.name);
      const deps = {
        timezone: 'Europe/Berlin',
        retentionDays: 30,
        cases: new DynamoCaseRepository(documents, table.name),
        metrics,
        tallies: metrics,
        clock: { now: () => new Date() },
      };
      await recordRoutedMention(
        mentionRoutedFactory({ mentionId: 'x:1', createdAt: '2026-11-24T09:00:00.000Z' }),
        deps,
      );
      await recordRoutedMention(
        mentionRoutedFactory({
          mentionId: 'x:1',
          department: 'press',
          role: 'cc',
          createdAt: '2026-11-24T09:00:00.000Z',
        }),
        deps,
      );
      await recordRoutedMention(
        mentionRoutedFactory({ mentionId: 'x:2', platform: 'x', createdAt: '2026-11-27T09:00:00.000Z' }),
        deps,
      );
      await recordRoutedMention(
        mentionRoutedFactory({
          mentionId: 'x:3',
          department: 'press',
          category: 'press_inquiry',
          createdAt: '2026-11-18T09:00:00.000Z',
        }),
        deps,
      );
    } finally {
      await backend.stop();
    }
  }, 60_000);

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('prints the weekly management report as JSON with the previous week beside', async () => {
    // Act
    const { stdout } = await run('report', '--week', '2026-W48', '--format', 'json');

    // Assess
    const report = JSON.parse(stdout) as Report;
    expect(report).toMatchObject({
      kind: 'weekly',
      audience: 'management',
      period: { id: '2026-W48' },
      total: 2,
      cc: 1,
      byPlatform: { facebook: 1, x: 1 },
    });
    expect(report.departments.find((d) => d.id === 'service')).toMatchObject({
      total: 2,
      byCategory: { complaint: 2 },
      responseMinutes: { p50: null, p90: null },
      slaCompliance: null,
    });
    expect(report.previous).toMatchObject({ period: { id: '2026-W47' }, total: 1, byCategory: { press_inquiry: 1 } });
  }, 60_000);

  it("prints one department's daily report as text", async () => {
    const { stdout } = await run('report', '--day', '2026-11-24', '--department', 'press');

    expect(stdout).toContain('Daily report 2026-11-24');
    expect(stdout).toMatch(/Presse & Kommunikation\s+0\s+1\s/);
  }, 60_000);

  it('writes the HTML report with its charts to a file and prints the path', async () => {
    const { stdout } = await run('report', '--week', '2026-W48', '--format', 'html', '--out', 'w48.html');

    expect(stdout.trim()).toBe(path.join(cwd, 'w48.html'));
    const html = readFileSync(path.join(cwd, 'w48.html'), 'utf8');
    expect(html).toContain('<img src="data:image/png;base64,');
  }, 60_000);

  it.each([
    [['--week', '2026-W54'], '--week takes an ISO week'],
    [['--day', '2026-02-30'], '--day takes a real calendar day'],
    [['--day', '2026-11-24', '--week', 'latest'], 'give one of --day'],
    [['--week', 'latest', '--format', 'pdf'], '--format takes text, html or json'],
    [['--week', 'latest', '--department', 'marketing'], 'has no department "marketing"'],
  ])(
    'exits 2 with a clear message on %j',
    async (args, message) => {
      const failed = run('report', ...args);

      await expect(failed).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining(message) });
    },
    60_000,
  );
});
