import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInsightsBatch, type RecordInsightsDeps } from '../../functions/record-insights/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoThemeRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { MentionRouted } from '../../shared/domain/events.ts';
import { eraseThemeTraces } from '../../shared/domain/themes/erase-theme-traces.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionRoutedFactory, routedEnvelope, sqsRecordFactory, storedOfRouted } from '../factories/mention.ts';
import { startInsightsTable } from '../support/insights-table.ts';
import type { startLocalTable } from '../support/local-table.ts';

/**
 * A theme in a crisis (docs/capacity.md): more mentions of one theme on one day than one
 * DynamoDB item can list (400 KB), with redeliveries and an erasure among them, against dynalite:
 * through the real record-insights batch handler (1,250 mentions: the open day, the day's root
 * item and the tree below it; batches of 250 messages where Lambda's are 10, to keep it short),
 * and through the repository's path onto the day's items past 400 KB (before w20: a
 * ValidationException, the theme's records failing until the DLQ).
 */
describe('record-insights on a hot theme against dynalite', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  const day = '2026-11-20';
  const total = 3_000;
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let deps: RecordInsightsDeps;
  let themes: DynamoThemeRepository;

  // Ids and authors as long as real ones (a Facebook comment id, a numeric user id).
  const mention = (n: number, authorId = `10002938475610${String(n).padStart(5, '0')}`) =>
    mentionRoutedFactory({
      mentionId: `facebook:1029384756102938_10${String(n).padStart(12, '0')}`,
      authorId,
      text: `Zahlung abgelehnt, die Kreditkarte wird im Shop nicht akzeptiert (${n})`,
      createdAt: `${day}T${String(8 + Math.floor(n / 1000)).padStart(2, '0')}:00:00.000Z`,
      routedAt: `${day}T18:00:00.000Z`,
    });
  const batch = (details: readonly MentionRouted[], tag: string) =>
    recordInsightsBatch(
      sqsEventFactory(details.map((d, i) => sqsRecordFactory(routedEnvelope(d), `${tag}-${i}`))),
      contextFactory(),
      deps,
    );

  beforeAll(async () => {
    ({ local, themes, deps } = await startInsightsTable(config, topology, '2026-11-20T18:00:00Z'));
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it("counts a hot theme's day exactly through the handler, over the day's tree of items, with redeliveries and an erased author", async () => {
    // One author writes every 500th mention: erased at the end.
    const erased = 'erased-author-4711';
    const mentions = Array.from({ length: 1_250 }, (_, n) => mention(n, n % 500 === 7 ? erased : undefined));
    const authors = new Set(mentions.map((m) => m.authorId)).size;

    const failures: unknown[] = [];
    for (let i = 0; i < mentions.length; i += 250) {
      const result = await batch(mentions.slice(i, i + 250), `b${i}`);
      failures.push(...result.batchItemFailures);
      // Redeliveries: an early batch again (its mentions on the day's items by now) and the batch just written.
      if (i === 750 || i === mentions.length - 250) {
        const again = await batch([...mentions.slice(100, 150), ...mentions.slice(i, i + 50)], `r${i}`);
        failures.push(...again.batchItemFailures);
      }
    }
    const themeId = (await themes.assignmentOf(mentions[0]!.mentionId, mentions[0]!.createdAt)) as string;
    const before = await themes.authorsOf(themeId, day, day);
    await eraseThemeTraces(mentions.filter((m) => m.authorId === erased).map(storedOfRouted), themes);

    expect(failures).toEqual([]);
    // The redelivered early mentions (forgotten by the theme, on the day's items) are not added again.
    expect((await themes.theme(themeId))?.mentions).toBe(mentions.length);
    expect((await themes.themeDays(themeId, [day])).get(day)).toBe(mentions.length);
    expect((await themes.dayCounts([day])).filter((c) => c.themeId === themeId).map((c) => c.count)).toEqual([
      mentions.length,
    ]);
    expect(before).toBe(authors);
    expect(await themes.authorsOf(themeId, day, day)).toBe(authors - 1);
  }, 300_000);

  it("counts more mentions of one theme day than one item's 400 KB holds, each once, and erases an author among them", async () => {
    // The handler's path onto the day's items (a close of a full open day: 200 at once), without
    // the grouping in front of it. Fast: ids of 150 characters fill one item's 400 KB with 3,000
    // mentions (real ids of 20-50 characters with about 7,000, as the test above shows at its scale).
    const themeId = 'th_complaint_de_c0ffee000001';
    const erasedHash = 'e'.repeat(20);
    const counts = Array.from({ length: total }, (_, n) => ({
      themeId,
      day: '2026-11-21',
      mentionId: `youtube:${'Ugw'.padEnd(130, 'x')}.${String(n).padStart(12, '0')}`,
      department: n % 3 === 0 ? 'service' : 'product',
      reactions: n % 2,
      authorHash: n % 500 === 7 ? erasedHash : String(n).padStart(20, 'a'),
    }));
    const authors = new Set(counts.map((c) => c.authorHash)).size;

    let counted = 0;
    for (let i = 0; i < total; i += 200) counted += (await themes.countMentions(counts.slice(i, i + 200))).size;
    // Redelivered: early ones (on full nodes by now) among the last ones, and all of them once more.
    const again = await themes.countMentions([...counts.slice(0, 300), ...counts.slice(-300)]);
    const fresh = new DynamoThemeRepository(local.documents, topology.table.name);
    const afresh = await fresh.countMentions(counts.slice(1_000, 1_400));
    const before = await themes.authorsOf(themeId, '2026-11-21', '2026-11-21');
    await themes.removeAuthorMarks(themeId, erasedHash, '2026-11-21T12:00:00.000Z');

    expect([counted, again.size, afresh.size]).toEqual([total, 0, 0]);
    expect((await fresh.themeDays(themeId, ['2026-11-21'])).get('2026-11-21')).toBe(total);
    const [day] = await fresh.dayCounts(['2026-11-21']);
    expect(day).toEqual({
      day: '2026-11-21',
      themeId,
      count: total,
      reactions: total / 2,
      departments: ['product', 'service'],
    });
    expect(before).toBe(authors);
    expect(await fresh.authorsOf(themeId, '2026-11-21', '2026-11-21')).toBe(authors - 1);
  }, 300_000);
  it('reads no theme item for a day whose open day moved on, and still the theme whose open day it is', async () => {
    const early = { ...mention(90_001), createdAt: '2026-11-22T09:00:00.000Z' };
    const later = { ...mention(90_002), createdAt: '2026-11-23T09:00:00.000Z' };
    await batch([early], 'm1');
    await batch([later], 'm2');
    const themeId = (await themes.assignmentOf(early.mentionId, early.createdAt)) as string;
    const batchGets: number[] = [];
    local.documents.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchGetItemCommand') batchGets.push(1);
        return next(args);
      },
      { step: 'initialize', name: 'countBatchGets' },
    );

    const movedOn = await themes.dayCounts([early.createdAt.slice(0, 10)]);
    const readsMovedOn = batchGets.length;
    const open = await themes.dayCounts(['2026-11-23']);
    local.documents.middlewareStack.remove('countBatchGets');

    expect(movedOn.filter((c) => c.themeId === themeId).map((c) => c.count)).toEqual([1]);
    expect(open.filter((c) => c.themeId === themeId).map((c) => c.count)).toEqual([1]);
    expect([readsMovedOn, batchGets.length]).toEqual([0, 1]);
  });
  it('counts each mention once when two processes count the same hot day at once', async () => {
    const themeId = 'th_complaint_de_c0ffee000002';
    const counts = Array.from({ length: 900 }, (_, n) => ({
      themeId,
      day: '2026-11-24',
      mentionId: `x:1874650293847561${String(n).padStart(4, '0')}`,
      department: 'service',
      reactions: 1,
      authorHash: String(n % 300).padStart(20, 'b'),
    }));
    const one = new DynamoThemeRepository(local.documents, topology.table.name);
    const other = new DynamoThemeRepository(local.documents, topology.table.name);

    const counted = await Promise.all([
      (async () => {
        let ids = 0;
        for (let i = 0; i < 900; i += 150) ids += (await one.countMentions(counts.slice(i, i + 150))).size;
        return ids;
      })(),
      (async () => {
        let ids = 0;
        for (let i = 750; i >= 0; i -= 150) ids += (await other.countMentions(counts.slice(i, i + 150))).size;
        return ids;
      })(),
    ]);

    expect(counted[0] + counted[1]).toBe(900);
    expect((await themes.themeDays(themeId, ['2026-11-24'])).get('2026-11-24')).toBe(900);
    expect(await themes.authorsOf(themeId, '2026-11-24', '2026-11-24')).toBe(300);
  }, 300_000);
});
