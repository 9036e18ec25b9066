import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInsightsBatch, type RecordInsightsDeps } from '../../functions/record-insights/handler.ts';
import { buildTopology } from '../../infra/topology.ts';
import type { DynamoThemeRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { MentionRouted } from '../../shared/domain/events.ts';
import { demoConfig } from '../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { mentionRoutedFactory, routedEnvelope, sqsRecordFactory } from '../factories/mention.ts';
import { startInsightsTable } from '../support/insights-table.ts';
import type { startLocalTable } from '../support/local-table.ts';

/**
 * A redelivered mention that its theme no longer remembers (the theme remembers its last 50
 * ids and its open day) through the real record-insights handler against dynalite: the theme's
 * all-time `mentions`, its examples and its term vector must not count it again (before round
 * w20 they did: 100 early redeliveries of 8,000 made `mentions` 8,100), and its day stays exact.
 */
describe('record-insights: a redelivery the theme no longer remembers', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let deps: RecordInsightsDeps;
  let themes: DynamoThemeRepository;

  const texts: Record<string, string> = {
    a: 'Lieferung kommt nicht an, das Paket hängt seit Tagen im Verteilzentrum fest',
    b: 'Rechnung doppelt abgebucht, der Kundendienst antwortet nicht auf meine Mails',
  };
  const mention = (tag: string, n: number, day: string) =>
    mentionRoutedFactory({
      mentionId: `facebook:1029384756102938_${tag}${String(n).padStart(8, '0')}`,
      authorId: `author-${tag}-${n}`,
      text: `${texts[tag]} (${n})`,
      createdAt: `${day}T${String(8 + Math.floor(n / 100)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00.000Z`,
      routedAt: `${day}T20:00:00.000Z`,
    });
  const batch = (details: readonly MentionRouted[], tag: string) =>
    recordInsightsBatch(
      sqsEventFactory(details.map((d, i) => sqsRecordFactory(routedEnvelope(d), `${tag}-${i}`))),
      contextFactory(),
      deps,
    );
  const deliver = async (details: readonly MentionRouted[], tag: string) => {
    const failures: unknown[] = [];
    for (let i = 0; i < details.length; i += 50)
      failures.push(...(await batch(details.slice(i, i + 50), `${tag}${i}`)).batchItemFailures);
    return failures;
  };
  const themeOf = async (d: MentionRouted) => {
    const id = (await themes.assignmentOf(d.mentionId, d.createdAt)) as string;
    return (await themes.theme(id))!;
  };

  beforeAll(async () => {
    ({ local, themes, deps } = await startInsightsTable(config, topology, '2026-11-20T22:00:00Z'));
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('does not count an early mention again on a day past its open day (closed onto its day items)', async () => {
    const day = '2026-11-10';
    // More than an open day holds (200): the first ones are on the day's items, forgotten by the theme.
    const mentions = Array.from({ length: 230 }, (_, n) => mention('a', n, day));
    const failures = await deliver(mentions, 'a');
    const before = await themeOf(mentions[0]!);

    // Neither among its last ids nor on its open day (the first 20 happen to be among the ids it remembers).
    failures.push(...(await deliver(mentions.slice(100, 105), 'ra')));
    const after = await themeOf(mentions[0]!);

    expect(failures).toEqual([]);
    expect(before.mentions).toBe(mentions.length);
    expect(after.mentions).toBe(mentions.length);
    expect(after.vector).toEqual(before.vector);
    expect(after.examples).toEqual(before.examples);
    expect((await themes.themeDays(before.id, [day])).get(day)).toBe(mentions.length);
  }, 300_000);

  it('does not count a mention of a closed day again after a later day opened', async () => {
    const [first, next] = ['2026-11-12', '2026-11-13'];
    const early = Array.from({ length: 60 }, (_, n) => mention('b', n, first));
    const later = [mention('b', 500, next)];
    const failures = [...(await deliver(early, 'b')), ...(await deliver(later, 'c'))];
    const before = await themeOf(early[0]!);

    // Forgotten: the theme remembers the later day's mention and 49 of the closed day's, not these.
    failures.push(...(await deliver(early.slice(55, 58), 'rb')));
    const after = await themeOf(early[0]!);

    expect(failures).toEqual([]);
    expect(before.mentions).toBe(61);
    expect(after.mentions).toBe(61);
    expect(after.vector).toEqual(before.vector);
    expect(await themes.themeDays(before.id, [first, next])).toEqual(
      new Map([
        [first, 60],
        [next, 1],
      ]),
    );
  }, 300_000);

  it('writes nothing from a batch past its function timeout: its records are not started (locally a run is not stopped)', async () => {
    const late = mention('a', 9, '2026-11-14');
    const outOfTime = { ...contextFactory(), getRemainingTimeInMillis: () => 0 };

    const answer = await recordInsightsBatch(
      sqsEventFactory([sqsRecordFactory(routedEnvelope(late), 'late-0')]),
      outOfTime,
      deps,
    ).catch((error: unknown) => error);

    expect(answer).toBeInstanceOf(Error);
    expect(await themes.assignmentOf(late.mentionId, late.createdAt)).toBeUndefined();
    expect(await themes.dayCounts(['2026-11-14'])).toEqual([]);
  });
});
