import { describe, expect, it } from 'vitest';
import { recordRoutedMention } from '../../../shared/domain/record-routed-mention.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';
import { fixedClock, InMemoryCases, InMemoryMetrics } from '../../fakes/in-memory.ts';

function setup() {
  const cases = new InMemoryCases();
  const metrics = new InMemoryMetrics();
  return {
    cases,
    metrics,
    deps: { timezone: 'Europe/Berlin', retentionDays: 30, cases, metrics, clock: fixedClock('2026-11-28T10:00:00Z') },
  };
}

describe('recordRoutedMention', () => {
  it('records the mention on the case and counts it on the company day', async () => {
    const { deps, cases, metrics } = setup();
    // 23:30 UTC is already the next day in Berlin.
    const event = mentionRoutedFactory({ createdAt: '2026-11-27T23:30:00.000Z' });

    const recorded = await recordRoutedMention(event, deps);

    expect(recorded).toBe(true);
    expect(await cases.mentionsOf(event.caseId)).toEqual([event]);
    expect(await metrics.countersOf('2026-11-28')).toEqual([
      { day: '2026-11-28', department: 'service', category: 'complaint', count: 1 },
    ]);
  });

  it('does not count a redelivered event twice', async () => {
    const { deps, metrics } = setup();
    const event = mentionRoutedFactory();
    await recordRoutedMention(event, deps);

    const recorded = await recordRoutedMention(event, deps);

    expect(recorded).toBe(false);
    expect((await metrics.countersOf('2026-11-28'))[0]?.count).toBe(1);
  });
});
