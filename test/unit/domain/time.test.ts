import { describe, expect, it } from 'vitest';
import { dayIn, isDay, previousDay } from '../../../shared/domain/time.ts';

describe('time', () => {
  it('gives the company day of an instant', () => {
    expect(dayIn(new Date('2026-11-27T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-28');
    expect(dayIn(new Date('2026-11-27T23:30:00Z'), 'America/New_York')).toBe('2026-11-27');
  });

  it('steps back over month and year ends', () => {
    expect(previousDay('2026-03-01')).toBe('2026-02-28');
    expect(previousDay('2027-01-01')).toBe('2026-12-31');
  });

  it('accepts only real calendar days', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('28.02.2026')).toBe(false);
  });

  it('refuses a month that does not exist instead of throwing', () => {
    expect(isDay('2026-13-01')).toBe(false);
  });
});
