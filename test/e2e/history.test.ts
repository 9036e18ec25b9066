import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../../infra/local/backends.ts';
import { adminEnv } from '../../infra/local/demo.ts';
import type { HistoryMentionEvent } from '../../infra/local/history/generate.ts';
import type { HistoryHooks, PlayTotals } from '../../infra/local/history/hooks.ts';
import {
  HISTORY_MARKER_FILE,
  startHistory,
  startHistoryOf,
  type StartHistoryOutcome,
} from '../../infra/local/history/start.ts';
import { buildTopology } from '../../infra/topology.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import {
  DynamoCaseRepository,
  DynamoMentionRepository,
  DynamoMetricRepository,
} from '../../shared/adapters/dynamodb/index.ts';
import { casePolicyOf } from '../../shared/config/case-policy.ts';
import type { Case } from '../../shared/domain/case.ts';
import type { MentionRouted } from '../../shared/domain/events.ts';
import { dayIn } from '../../shared/domain/time.ts';
import { demoConfig } from '../factories/config.ts';
import { startLocalTable } from '../support/local-table.ts';

const config = demoConfig();
const TZ = config.company.timezone;
const NOW = new Date('2026-12-03T09:00:00Z');
const WEEKS = 1;
const PER_DAY = 18;

/**
 * One week of history (fewer mentions a day than `npm start -- --history`) played into a
 * real local table through the functions' domain code, as `npm start -- --history` does.
 */
describe('playing a history into the local table', () => {
  const table = buildTopology(config).table;
  let backend: LocalBackend;
  let dataDir: string;
  let outcome: StartHistoryOutcome;
  const routed: { event: MentionRouted; at: string }[] = [];
  const hours: string[] = [];
  const days: { day: string; at: string }[] = [];
  let after: PlayTotals | undefined;
  const history = startHistoryOf(config, NOW, WEEKS, PER_DAY);
  const customerMentions = history.events.filter((e): e is HistoryMentionEvent => e.type === 'mention');
  let repositories: { mentions: DynamoMentionRepository; cases: DynamoCaseRepository; metrics: DynamoMetricRepository };

  beforeAll(async () => {
    const local = await startLocalTable(table);
    backend = local.backend;
    dataDir = await mkdtemp(path.join(tmpdir(), 'backchannel-history-'));
    const hooks: HistoryHooks = {
      onMentionRouted: async (event, context) => {
        routed.push({ event, at: context.clock.now().toISOString() });
      },
      onHourPassed: async (hourStart) => {
        hours.push(hourStart);
      },
      onDay: async (day, context) => {
        days.push({ day, at: context.clock.now().toISOString() });
      },
      afterPlay: async (totals) => {
        after = totals;
      },
    };
    outcome = await startHistory({
      config,
      region: 'eu-central-1',
      dynamodbEndpoint: backend.endpoint,
      tableName: table.name,
      dataDir,
      weeks: WEEKS,
      mentionsPerDay: PER_DAY,
      log: () => {},
      hooks,
      now: NOW,
    });
    const documents = createDocumentClient(adminEnv('eu-central-1', backend.endpoint));
    repositories = {
      mentions: new DynamoMentionRepository(documents, table.name),
      cases: new DynamoCaseRepository(documents, table.name),
      metrics: new DynamoMetricRepository(documents, table.name),
    };
    // A week of mentions through the domain code: over the 60 s hook timeout on a loaded CI machine.
  }, 180_000);

  afterAll(async () => {
    await backend?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** The cases of the history's customer mentions, each once. */
  async function casesOfHistory(): Promise<Case[]> {
    const ids = new Set<string>();
    for (const e of customerMentions) {
      const stored = await repositories.mentions.get(e.mention.id);
      if (stored) ids.add(stored.caseId);
    }
    const cases = await Promise.all([...ids].map((id) => repositories.cases.get(id)));
    return cases.filter((c): c is Case => c !== undefined);
  }

  it('stores every customer mention of the history, routed, with its own time', async () => {
    // Act
    const stored = await Promise.all(customerMentions.map((e) => repositories.mentions.get(e.mention.id)));

    // Assess
    expect(outcome.played).toBe(true);
    expect(outcome.result?.mentions).toBe(customerMentions.length);
    expect(stored.every((s) => s?.routedAt !== undefined)).toBe(true);
    expect(stored.map((s) => s?.mention.createdAt)).toEqual(customerMentions.map((e) => e.mention.createdAt));
  });

  it('responds to and resolves cases at the history times, with response times in business minutes', async () => {
    // Arrange
    const policy = casePolicyOf(config);

    // Act
    const cases = await casesOfHistory();
    const responded = cases.filter((c) => c.firstResponseAt !== undefined);
    const resolved = cases.filter((c) => c.state === 'resolved');

    // Assess
    expect(responded.length).toBeGreaterThan(cases.length / 2);
    expect(resolved.length).toBeGreaterThan(cases.length / 3);
    expect(cases.some((c) => c.state !== 'resolved')).toBe(true);
    for (const c of responded) {
      expect(c.firstResponseAt! >= c.openedAt).toBe(true);
      expect(c.firstResponseAt! < NOW.toISOString()).toBe(true);
      // A reply seen on the platform keeps the exact minutes, one marked sent through the API whole ones.
      expect(c.responseBusinessMinutes).toBeCloseTo(
        policy.businessMinutes(c.department, new Date(c.openedAt), new Date(c.firstResponseAt!)),
        0,
      );
    }
    expect(cases.every((c) => c.openedAt >= '2026-11-25T23:00:00.000Z' && c.openedAt < NOW.toISOString())).toBe(true);
  });

  it('goes through approval, SLA breaches and reopening as the departments would', async () => {
    // Act
    const cases = await casesOfHistory();
    const actions = new Set(cases.flatMap((c) => (c.history ?? []).map((h) => h.action)));

    // Assess
    expect(outcome.result?.caseChanges['breach-sla']).toBeGreaterThan(0);
    expect(cases.some((c) => c.breachedAt !== undefined)).toBe(true);
    expect([...actions]).toEqual(expect.arrayContaining(['assign', 'respond', 'resolve', 'breach-sla']));
    expect(cases.some((c) => c.reopenedAt !== undefined)).toBe((outcome.result?.caseChanges.reopen ?? 0) > 0);
    expect(outcome.result?.approvedReplies).toBeGreaterThan(0);
    expect(
      cases.some((c) => c.requireApproval && c.reply?.approvedAt !== undefined && c.reply.sentAt !== undefined),
    ).toBe(true);
  });

  it("counts the days' mentions and the response and resolution histograms on the history's days", async () => {
    // Arrange
    const historyDays = [...new Set(customerMentions.map((e) => dayIn(new Date(e.at), TZ)))];

    const cases = await casesOfHistory();
    const resolutions = cases.reduce(
      (sum, c) => sum + (c.history ?? []).filter((h) => h.action === 'resolve').length,
      0,
    );

    // Act
    const histograms = (await Promise.all(historyDays.map((d) => repositories.metrics.histogramsOf(d)))).flat();
    const counters = (await Promise.all(historyDays.map((d) => repositories.metrics.countersOf(d)))).flat();
    const count = (metric: string) =>
      histograms.filter((h) => h.metric === metric).reduce((sum, h) => sum + h.count, 0);

    // Assess
    expect(historyDays).toHaveLength(7);
    // The first response of each case, and every resolution (a reopened case is resolved again).
    expect(count('response')).toBe(cases.filter((c) => c.firstResponseAt !== undefined).length);
    expect(count('resolution')).toBe(resolutions);
    expect(resolutions).toBe(outcome.result?.caseChanges.resolve);
    expect(counters.reduce((sum, c) => sum + c.count, 0)).toBe(outcome.result?.routedEvents);
  });

  it('calls the hooks with every routed mention, every hour and every day, at history time', () => {
    // Arrange
    const primary = routed.filter((r) => r.event.role === 'primary');

    // Assess
    expect(new Set(primary.map((r) => r.event.mentionId))).toEqual(new Set(customerMentions.map((e) => e.mention.id)));
    expect(routed).toHaveLength(outcome.result?.routedEvents ?? -1);
    expect(routed.every((r) => r.at >= r.event.createdAt && r.at < NOW.toISOString())).toBe(true);
    expect(hours).toHaveLength(7 * 24);
    expect(hours.every((h, i) => i === 0 || Date.parse(h) - Date.parse(hours[i - 1] as string) === 3_600_000)).toBe(
      true,
    );
    expect(hours[0]).toBe('2026-11-25T23:00:00.000Z');
    expect(days.map((d) => d.day)).toEqual([
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
    expect(days[0]?.at).toBe('2026-11-25T23:00:00.000Z');
    expect(after?.mentions).toBe(customerMentions.length);
  });

  it('marks the data directory and does not play the history into it again', async () => {
    // Act
    const again = await startHistory({
      config,
      region: 'eu-central-1',
      dynamodbEndpoint: backend.endpoint,
      tableName: table.name,
      dataDir,
      weeks: WEEKS,
      mentionsPerDay: PER_DAY,
      log: () => {},
      hooks: {
        onMentionRouted: async () => {
          throw new Error('the history was played again');
        },
      },
      now: NOW,
    });
    const marker = JSON.parse(await readFile(path.join(dataDir, HISTORY_MARKER_FILE), 'utf8')) as Record<
      string,
      unknown
    >;

    // Assess
    expect(again.played).toBe(false);
    expect(again.summary).toContain('2026-11-26..2026-12-02');
    expect(marker).toMatchObject({
      company: 'demo',
      from: '2026-11-26',
      to: '2026-12-02',
      mentions: customerMentions.length,
    });
  });
});

describe('npm start -- --history', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;

  it('exits 2 with a message when combined with --demo', async () => {
    // Act
    const act = promisify(execFile)(
      process.execPath,
      ['--import', tsx, path.join(root, 'bin/backchannel.ts'), 'start', '--demo', '--history'],
      { cwd: root },
    );

    // Assess
    await expect(act).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--demo and --history do not go together'),
    });
  });
});
