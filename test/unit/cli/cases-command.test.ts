import { describe, expect, it } from 'vitest';
import { duration, parseDueBefore, parseStates, slaMarks } from '../../../bin/commands/cases.ts';
import { caseFactory } from '../../factories/case.ts';

const NOW = new Date('2026-11-30T12:00:00.000Z');

describe('backchannel cases options', () => {
  it('reads open as the four open states, and a comma list as those states', () => {
    expect(parseStates('open')).toEqual(['new', 'assigned', 'waiting', 'responded']);
    expect(parseStates('new,resolved')).toEqual(['new', 'resolved']);
  });

  it('refuses an unknown state', () => {
    expect(parseStates('open,closed')).toBeUndefined();
  });

  it('reads --due-before as a time from now or an ISO time', () => {
    expect(parseDueBefore('2h', NOW)).toBe('2026-11-30T14:00:00.000Z');
    expect(parseDueBefore('0m', NOW)).toBe(NOW.toISOString());
    expect(parseDueBefore('2026-12-01T08:00:00+01:00', NOW)).toBe('2026-12-01T07:00:00.000Z');
  });

  it('refuses a --due-before that is neither', () => {
    expect(parseDueBefore('tomorrow', NOW)).toBeUndefined();
    expect(parseDueBefore('2026-13-45T00:00:00Z', NOW)).toBeUndefined();
  });
});

describe('slaMarks', () => {
  it('marks a case past due without a response as overdue, with the sweep marks', () => {
    const c = caseFactory({
      state: 'assigned',
      dueAt: '2026-11-30T11:00:00.000Z',
      breachedAt: '2026-11-30T11:05:00.000Z',
      escalatedAt: '2026-11-30T11:05:00.000Z',
    });

    expect(slaMarks(c, NOW)).toEqual(['overdue', 'breached', 'escalated']);
  });

  it('does not mark a responded case overdue', () => {
    expect(slaMarks(caseFactory({ state: 'responded', dueAt: '2026-11-30T11:00:00.000Z' }), NOW)).toEqual([]);
  });

  it('marks a warned case that is not yet due', () => {
    expect(
      slaMarks(
        caseFactory({ state: 'new', dueAt: '2026-11-30T12:20:00.000Z', slaWarnedAt: '2026-11-30T11:50:00.000Z' }),
        NOW,
      ),
    ).toEqual(['warned']);
  });
});

describe('duration', () => {
  it('prints minutes, hours and days', () => {
    expect([duration(45), duration(185), duration(3000)]).toEqual(['45 min', '3 h 05 min', '2 d 2 h']);
  });
});
