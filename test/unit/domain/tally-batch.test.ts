import { describe, expect, it } from 'vitest';
import { TallyBatch } from '../../../shared/domain/reports/tally-batch.ts';
import { countersOfTally } from '../../../shared/domain/reports/tallies.ts';
import { InMemoryTallies } from '../../fakes/reports.ts';

const noPause = async () => undefined;

/** Tallies whose first `failures` writes throw. */
class FlakyTallies extends InMemoryTallies {
  constructor(private failures: number) {
    super();
  }
  override async tally(day: string, department: string, fields: Readonly<Record<string, number>>): Promise<void> {
    if (this.failures-- > 0) throw new Error('ProvisionedThroughputExceededException');
    await super.tally(day, department, fields);
  }
}

describe('TallyBatch', () => {
  it('writes the sums of a batch once per day and department', async () => {
    // Arrange
    const batch = new TallyBatch();
    const tallies = new InMemoryTallies();
    await batch.tally('2026-11-28', 'service', { mentions: 1, 'category.complaint': 1 });
    await batch.tally('2026-11-28', 'service', { mentions: 1, 'category.question': 1 });
    await batch.tally('2026-11-28', 'legal', { cc: 1, 'ccCategory.legal_risk': 1 });
    await batch.tally('2026-11-29', 'service', { mentions: 1, 'category.complaint': 1 });

    // Act
    await batch.flush(tallies, [], noPause);

    // Assess
    expect(tallies.writes).toBe(3);
    expect((await tallies.talliesOf('2026-11-28')).find((t) => t.department === 'service')?.fields).toEqual({
      mentions: 2,
      'category.complaint': 1,
      'category.question': 1,
    });
  });

  it('leaves out fields that sum to zero and writes nothing for a batch that added nothing', async () => {
    // Arrange
    const batch = new TallyBatch();
    const tallies = new InMemoryTallies();
    await batch.tally('2026-11-28', 'service', { mentions: 1 });
    await batch.tally('2026-11-28', 'service', { mentions: -1 });

    // Act
    await batch.flush(tallies, [], noPause);

    // Assess
    expect(batch.take()).toEqual([]);
    expect(tallies.writes).toBe(0);
  });

  it('writes a failed sum again after a pause and empties the batch', async () => {
    // Arrange
    const batch = new TallyBatch();
    const tallies = new FlakyTallies(2);
    await batch.tally('2026-11-28', 'service', { mentions: 3 });

    // Act
    await batch.flush(tallies, [1, 1], noPause);

    // Assess
    expect((await tallies.talliesOf('2026-11-28'))[0]?.fields).toEqual({ mentions: 3 });
    expect(batch.take()).toEqual([]);
  });

  it('throws once the pauses are spent, after trying every other sum', async () => {
    // Arrange
    const batch = new TallyBatch();
    const tallies = new FlakyTallies(2);
    await batch.tally('2026-11-28', 'service', { mentions: 1 });
    await batch.tally('2026-11-28', 'legal', { mentions: 1 });

    // Act
    const flushed = batch.flush(tallies, [1], noPause);

    // Assess
    await expect(flushed).rejects.toThrow('1 of 2 tally writes failed');
    expect((await tallies.talliesOf('2026-11-28')).map((t) => t.department)).toEqual(['legal']);
  });
});

describe('countersOfTally', () => {
  it('hands out its sums once, zeros left out, and writes only the ones it is given back', async () => {
    // Arrange: a reroute's -1/+1 leave one department at zero.
    const batch = new TallyBatch();
    const tallies = new InMemoryTallies();
    await batch.tally('2026-11-28', 'service', { mentions: 2, 'category.complaint': 2 });
    await batch.tally('2026-11-28', 'sales', { mentions: -1 });
    await batch.tally('2026-11-28', 'sales', { mentions: 1 });
    await batch.tally('2026-11-28', 'legal', { cc: 1 });

    // Act: the legal sum is written elsewhere (with the batch's settlements), the rest as before.
    const sums = batch.take();
    await batch.flush(
      tallies,
      [],
      noPause,
      sums.filter((t) => t.department !== 'legal'),
    );

    // Assess
    expect(sums).toEqual([
      { day: '2026-11-28', department: 'service', fields: { mentions: 2, 'category.complaint': 2 } },
      { day: '2026-11-28', department: 'legal', fields: { cc: 1 } },
    ]);
    expect(batch.take()).toEqual([]);
    expect(tallies.writes).toBe(1);
    expect((await tallies.talliesOf('2026-11-28')).map((t) => t.department)).toEqual(['service']);
  });

  it('counts primary and cc mentions of a category together, as the counter items did', () => {
    // Act
    const counters = countersOfTally({
      day: '2026-11-28',
      department: 'legal',
      fields: { mentions: 2, 'category.legal_risk': 2, cc: 1, 'ccCategory.legal_risk': 1, 'platform.x': 2 },
    });

    // Assess
    expect(counters).toEqual([{ day: '2026-11-28', department: 'legal', category: 'legal_risk', count: 3 }]);
  });
});
