import { describe, expect, it } from 'vitest';
import { recordRoutedMention } from '../../../shared/domain/record-routed-mention.ts';
import { countersOfTally } from '../../../shared/domain/reports/tallies.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';
import { fixedClock, InMemoryCases } from '../../fakes/in-memory.ts';
import { InMemoryTallies } from '../../fakes/reports.ts';

function setup() {
  const cases = new InMemoryCases();
  const tallies = new InMemoryTallies();
  return {
    cases,
    tallies,
    deps: { timezone: 'Europe/Berlin', retentionDays: 30, cases, tallies, clock: fixedClock('2026-11-28T10:00:00Z') },
  };
}

describe('recordRoutedMention', () => {
  it('records the mention on the case and counts it in the tally of the company day', async () => {
    // Arrange
    const { deps, cases, tallies } = setup();
    // 23:30 UTC is already the next day in Berlin.
    const event = mentionRoutedFactory({ createdAt: '2026-11-27T23:30:00.000Z' });

    // Act
    const recorded = await recordRoutedMention(event, deps);

    // Assess
    expect(recorded).toBe(true);
    expect(await cases.mentionsOf(event.caseId)).toEqual([event]);
    const [tally] = await tallies.talliesOf('2026-11-28');
    expect(tally && countersOfTally(tally)).toEqual([
      { day: '2026-11-28', department: 'service', category: 'complaint', count: 1 },
    ]);
  });

  it('writes one tally item per mention and no separate category counter', async () => {
    // Arrange
    const { deps, tallies } = setup();

    // Act
    await recordRoutedMention(mentionRoutedFactory(), deps);

    // Assess
    expect(tallies.writes).toBe(1);
  });

  it('does not count a redelivered event twice', async () => {
    // Arrange
    const { deps, tallies } = setup();
    const event = mentionRoutedFactory();
    await recordRoutedMention(event, deps);

    // Act
    const recorded = await recordRoutedMention(event, deps);

    // Assess
    expect(recorded).toBe(false);
    expect((await tallies.talliesOf('2026-11-28'))[0]?.fields['category.complaint']).toBe(1);
  });
});
