import { describe, expect, it } from 'vitest';
import { mergeListed } from '../../../shared/adapters/dynamodb/case-repository.ts';

const entry = (due: string, caseId: string) => ({ sortKey: `${due}#${caseId}`, caseId });

describe('mergeListed (a cc listing over GSI1 refs and GSI3 case entries)', () => {
  it('merges both indexes by sort key and ends the partition when both reached its end', () => {
    // Arrange
    const refs = { entries: [entry('09', 'b'), entry('11', 'd')] };
    const cases = { entries: [entry('08', 'a'), entry('10', 'c')] };

    // Act
    const merged = mergeListed([refs, cases], 10);

    // Assess
    expect(merged).toEqual({ entries: [entry('08', 'a'), entry('09', 'b'), entry('10', 'c'), entry('11', 'd')] });
  });

  it('takes an entry both indexes hold once, and continues after the last one taken', () => {
    // Arrange
    const refs = { entries: [entry('08', 'a'), entry('09', 'b')] };
    const cases = { entries: [entry('08', 'a'), entry('10', 'c')] };

    // Act
    const merged = mergeListed([refs, cases], 2);

    // Assess
    expect(merged).toEqual({ entries: [entry('08', 'a'), entry('09', 'b')], next: '09#b' });
  });

  it('stops where an index that has more stopped: nothing of it past that point is known yet', () => {
    // Arrange: GSI1 stopped at 09 (its page was full); GSI3 reached the end with entries past it.
    const refs = { entries: [entry('08', 'a'), entry('09', 'b')], stoppedAt: '09#b' };
    const cases = { entries: [entry('10', 'c'), entry('12', 'e')] };

    // Act
    const merged = mergeListed([refs, cases], 5);

    // Assess
    expect(merged).toEqual({ entries: [entry('08', 'a'), entry('09', 'b')], next: '09#b' });
  });
});
