import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarOf } from '../../../shared/config/calendar.ts';
import {
  addBusinessDuration,
  addBusinessMinutes,
  businessMinutesBetween,
  dueAtFor,
  instantOf,
  isWithinBusinessHours,
  type BusinessCalendar,
} from '../../../shared/domain/business-time.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { demoConfig } from '../../factories/config.ts';

// Europe/Berlin is UTC+1 (CET) in winter and UTC+2 (CEST) from 2026-03-29 02:00 to 2026-10-25 03:00.
const config = demoConfig();
/** The demo company: weekdays 08:00-17:00, Hamburg's public holidays of 2026. */
const office = calendarOf(config, 'press');
/** The demo service desk: weekdays 08:00-18:00 and Saturdays 10:00-16:00, with the company's holidays. */
const serviceDesk = calendarOf(config, 'service');
const aroundTheClock: BusinessCalendar = { timezone: 'Europe/Berlin', holidays: ['2026-03-29'] };

const at = (iso: string) => new Date(iso);

describe('addBusinessMinutes', () => {
  it('counts minutes within one working day', () => {
    // Act
    const due = addBusinessMinutes(at('2026-01-13T08:00:00Z'), 120, office); // Tue 09:00 CET

    // Assess
    expect(due.toISOString()).toBe('2026-01-13T10:00:00.000Z'); // 11:00
  });

  it('continues the next morning when the day closes first', () => {
    // Act
    const due = addBusinessMinutes(at('2026-01-13T15:30:00Z'), 60, office); // Tue 16:30

    // Assess
    expect(due.toISOString()).toBe('2026-01-14T07:30:00.000Z'); // Wed 08:30
  });

  it('skips the weekend', () => {
    // Act
    const due = addBusinessMinutes(at('2026-01-16T15:00:00Z'), 120, office); // Fri 16:00

    // Assess
    expect(due.toISOString()).toBe('2026-01-19T08:00:00.000Z'); // Mon 09:00
  });

  it('starts counting at the next opening when a case opens at night', () => {
    // Act
    const due = addBusinessMinutes(at('2026-01-17T21:00:00Z'), 30, office); // Sat 22:00

    // Assess
    expect(due.toISOString()).toBe('2026-01-19T07:30:00.000Z'); // Mon 08:30
  });

  it('lets a due time fall exactly on the closing time', () => {
    // Act
    const due = addBusinessMinutes(at('2026-01-13T15:00:00Z'), 60, office); // Tue 16:00

    // Assess
    expect(due.toISOString()).toBe('2026-01-13T16:00:00.000Z'); // 17:00, not Wed 08:00
  });

  it('counts the Saturday hours of the service desk', () => {
    // Act
    const due = addBusinessMinutes(at('2026-01-16T16:30:00Z'), 60, serviceDesk); // Fri 17:30

    // Assess
    expect(due.toISOString()).toBe('2026-01-17T09:30:00.000Z'); // Sat 10:30
  });

  it("goes from the service desk's Saturday to Monday, skipping Sunday", () => {
    // Act
    const due = addBusinessMinutes(at('2026-01-17T14:30:00Z'), 60, serviceDesk); // Sat 15:30

    // Assess
    expect(due.toISOString()).toBe('2026-01-19T07:30:00.000Z'); // Mon 08:30
  });

  it('skips the Easter holidays and the weekend between them', () => {
    // Act: Thursday before Good Friday (2026-04-03) and Easter Monday (2026-04-06)
    const due = addBusinessMinutes(at('2026-04-02T14:00:00Z'), 120, office); // Thu 16:00 CEST

    // Assess
    expect(due.toISOString()).toBe('2026-04-07T07:00:00.000Z'); // Tue 09:00 CEST
  });

  it('keeps the company holidays for a department with its own hours', () => {
    // Act: the service desk works Saturdays, but not on Good Friday
    const due = addBusinessMinutes(at('2026-04-02T15:00:00Z'), 120, serviceDesk); // Thu 17:00 CEST

    // Assess
    expect(due.toISOString()).toBe('2026-04-04T09:00:00.000Z'); // Sat 11:00 CEST
  });

  it('lands on the Monday after the spring DST switch in summer time', () => {
    // Act: Friday in CET, Monday in CEST; a naive UTC count would give 07:30Z
    const due = addBusinessMinutes(at('2026-03-27T15:30:00Z'), 60, office); // Fri 16:30 CET

    // Assess
    expect(due.toISOString()).toBe('2026-03-30T06:30:00.000Z'); // Mon 08:30 CEST
  });

  it('lands on the Monday after the autumn DST switch in winter time', () => {
    // Act
    const due = addBusinessMinutes(at('2026-10-23T14:30:00Z'), 60, office); // Fri 16:30 CEST

    // Assess
    expect(due.toISOString()).toBe('2026-10-26T07:30:00.000Z'); // Mon 08:30 CET
  });

  it('runs around the clock, holidays included, without business hours', () => {
    // Act: 24 real hours across the spring switch (the wall clock moves 25)
    const due = addBusinessMinutes(at('2026-03-28T11:00:00Z'), 1440, aroundTheClock);

    // Assess
    expect(due.toISOString()).toBe('2026-03-29T11:00:00.000Z');
  });

  it('gives the start for zero minutes', () => {
    // Act
    const due = addBusinessMinutes(at('2026-01-17T21:00:00Z'), 0, office);

    // Assess
    expect(due.toISOString()).toBe('2026-01-17T21:00:00.000Z');
  });

  it('rejects negative minutes', () => {
    // Act / Assess
    expect(() => addBusinessMinutes(at('2026-01-13T08:00:00Z'), -5, office)).toThrow(ValidationError);
  });

  it('throws a clear error when the calendar never works', () => {
    // Arrange
    const never: BusinessCalendar = {
      timezone: 'Europe/Berlin',
      hours: [{ days: [], from: '08:00', to: '17:00' }],
      holidays: [],
    };

    // Act / Assess
    expect(() => addBusinessMinutes(at('2026-01-13T08:00:00Z'), 30, never)).toThrow(/no working minute in 400 days/);
  });

  it('throws a clear error when every working day is a holiday', () => {
    // Arrange: Mondays only, and every Monday of two years is a holiday
    const mondays = Array.from({ length: 110 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 5 + 7 * i)).toISOString().slice(0, 10),
    );
    const closed: BusinessCalendar = {
      timezone: 'Europe/Berlin',
      hours: [{ days: ['mon'], from: '08:00', to: '17:00' }],
      holidays: mondays,
    };

    // Act / Assess
    expect(() => addBusinessMinutes(at('2026-01-05T08:00:00Z'), 30, closed)).toThrow(ValidationError);
  });

  it('rejects an opening time that is not HH:MM', () => {
    // Arrange
    const sloppy: BusinessCalendar = {
      timezone: 'Europe/Berlin',
      hours: [{ days: ['mon'], from: '8:00', to: '17:00' }],
      holidays: [],
    };

    // Act / Assess
    expect(() => addBusinessMinutes(at('2026-01-05T08:00:00Z'), 30, sloppy)).toThrow(/HH:MM/);
  });
});

describe('businessMinutesBetween', () => {
  it('counts only the working hours of a weekend span', () => {
    // Act: Fri 16:00 CET -> Mon 09:00 CET
    const minutes = businessMinutesBetween(at('2026-01-16T15:00:00Z'), at('2026-01-19T08:00:00Z'), office);

    // Assess
    expect(minutes).toBe(120);
  });

  it('is zero over a holiday and when the end is not after the start', () => {
    // Act
    const goodFriday = businessMinutesBetween(at('2026-04-03T06:00:00Z'), at('2026-04-03T15:00:00Z'), office);
    const backwards = businessMinutesBetween(at('2026-01-19T08:00:00Z'), at('2026-01-16T15:00:00Z'), office);

    // Assess
    expect([goodFriday, backwards]).toEqual([0, 0]);
  });

  it('counts a window across the spring switch one hour shorter and across the autumn switch one hour longer', () => {
    // Arrange: a night shift on Sundays 00:00-06:00
    const nightShift: BusinessCalendar = {
      timezone: 'Europe/Berlin',
      hours: [{ days: ['sun'], from: '00:00', to: '06:00' }],
      holidays: [],
    };

    // Act
    const spring = businessMinutesBetween(at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'), nightShift);
    const autumn = businessMinutesBetween(at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'), nightShift);

    // Assess
    expect([spring, autumn]).toEqual([300, 420]);
  });

  it('counts elapsed minutes without business hours', () => {
    // Act: a day across the autumn switch has 25 hours
    const minutes = businessMinutesBetween(at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'), {
      timezone: 'Europe/Berlin',
      holidays: [],
    });

    // Assess
    expect(minutes).toBe(1500);
  });
});

describe('isWithinBusinessHours', () => {
  it('includes the opening minute and excludes the closing minute', () => {
    // Act
    const opening = isWithinBusinessHours(at('2026-01-13T07:00:00Z'), office); // Tue 08:00
    const closing = isWithinBusinessHours(at('2026-01-13T16:00:00Z'), office); // Tue 17:00

    // Assess
    expect([opening, closing]).toEqual([true, false]);
  });

  it('knows the service desk works Saturdays and nobody works on holidays', () => {
    // Act
    const saturday = isWithinBusinessHours(at('2026-01-17T10:00:00Z'), serviceDesk); // Sat 11:00
    const officeSaturday = isWithinBusinessHours(at('2026-01-17T10:00:00Z'), office);
    const easterMonday = isWithinBusinessHours(at('2026-04-06T08:00:00Z'), serviceDesk); // Mon 10:00 CEST

    // Assess
    expect([saturday, officeSaturday, easterMonday]).toEqual([true, false, false]);
  });

  it('uses the local wall clock after the DST switch', () => {
    // Act: 07:30Z is 08:30 CET in winter but 09:30 CEST in summer; 06:30Z is 07:30 CET / 08:30 CEST
    const winter = isWithinBusinessHours(at('2026-03-27T06:30:00Z'), office);
    const summer = isWithinBusinessHours(at('2026-03-30T06:30:00Z'), office);

    // Assess
    expect([winter, summer]).toEqual([false, true]);
  });

  it('is always true without business hours', () => {
    // Act / Assess
    expect(isWithinBusinessHours(at('2026-03-29T01:30:00Z'), aroundTheClock)).toBe(true);
  });
});

describe('instantOf (wall clock to instant)', () => {
  it('maps a wall-clock time in the skipped spring hour to the instant the clocks jump', () => {
    // Act
    const inGap = instantOf('2026-03-29', 2 * 60 + 30, 'Europe/Berlin');

    // Assess
    expect(new Date(inGap).toISOString()).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
  });

  it('maps a wall-clock time of the repeated autumn hour to its first occurrence', () => {
    // Act
    const repeated = instantOf('2026-10-25', 2 * 60 + 30, 'Europe/Berlin');

    // Assess
    expect(new Date(repeated).toISOString()).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
  });

  it('maps ordinary times with the offset of the day', () => {
    // Act
    const winter = instantOf('2026-01-13', 9 * 60, 'Europe/Berlin');
    const summer = instantOf('2026-07-13', 9 * 60, 'Europe/Berlin');
    const newYork = instantOf('2026-07-13', 9 * 60, 'America/New_York');

    // Assess
    expect([winter, summer, newYork].map((t) => new Date(t).toISOString())).toEqual([
      '2026-01-13T08:00:00.000Z',
      '2026-07-13T07:00:00.000Z',
      '2026-07-13T13:00:00.000Z',
    ]);
  });
});

describe('dueAtFor', () => {
  it("is the SLA in the department's business time", () => {
    // Act: a high-priority service complaint (60 min) on Friday evening
    const due = dueAtFor(at('2026-01-16T16:45:00Z'), { days: 0, minutes: 60 }, serviceDesk); // Fri 17:45

    // Assess
    expect(due.toISOString()).toBe('2026-01-17T09:45:00.000Z'); // Sat 10:45
  });
});

describe('addBusinessDuration', () => {
  /** Weekdays 08:00-18:00 except Friday 08:00-14:00, in Berlin, with one holiday. */
  const shortFriday: BusinessCalendar = {
    timezone: 'Europe/Berlin',
    hours: [
      { days: ['mon', 'tue', 'wed', 'thu'], from: '08:00', to: '18:00' },
      { days: ['fri'], from: '08:00', to: '14:00' },
    ],
    holidays: ['2026-01-14'],
  };
  const oneDay = { days: 1, minutes: 0 };

  it('moves a business day to the same time of the next working day, not 24 business hours on', () => {
    // Act: Monday 2026-01-12 11:00 Berlin
    const due = addBusinessDuration(at('2026-01-12T10:00:00Z'), oneDay, shortFriday);

    // Assess: Tuesday 11:00 (24 business hours would be Thursday 15:00)
    expect(due.toISOString()).toBe('2026-01-13T10:00:00.000Z');
  });

  it('skips weekends and holidays when counting days', () => {
    // Act: Tuesday 11:00 + 2 days: Wednesday is a holiday, so Thursday, then Friday
    const due = addBusinessDuration(at('2026-01-13T10:00:00Z'), { days: 2, minutes: 0 }, shortFriday);

    // Assess
    expect(due.toISOString()).toBe('2026-01-16T10:00:00.000Z');
  });

  it("ends a whole day that starts before opening at that day's closing time", () => {
    // Act: Monday 07:00 Berlin
    const due = addBusinessDuration(at('2026-01-12T06:00:00Z'), oneDay, shortFriday);

    // Assess: Monday 18:00
    expect(due.toISOString()).toBe('2026-01-12T17:00:00.000Z');
  });

  it('counts a start after closing from the next working day', () => {
    // Act: Friday 2026-01-16 15:00, after the short Friday closed
    const due = addBusinessDuration(at('2026-01-16T14:00:00Z'), oneDay, shortFriday);

    // Assess: the whole Monday, to 18:00
    expect(due.toISOString()).toBe('2026-01-19T17:00:00.000Z');
  });

  it('stops at the closing time of a shorter day', () => {
    // Act: Thursday 2026-01-15 16:00 (8 hours into the day) + 1 day: Friday has 6 hours
    const due = addBusinessDuration(at('2026-01-15T15:00:00Z'), oneDay, shortFriday);

    // Assess: Friday 14:00
    expect(due.toISOString()).toBe('2026-01-16T13:00:00.000Z');
  });

  it('adds the hours after the days', () => {
    // Act: Thursday 16:00 + 1 day 3 hours: Friday 14:00 (shorter day), then 3 business hours into Monday
    const due = addBusinessDuration(at('2026-01-15T15:00:00Z'), { days: 1, minutes: 180 }, shortFriday);

    // Assess: Monday 11:00
    expect(due.toISOString()).toBe('2026-01-19T10:00:00.000Z');
  });

  it('counts a day as 24 hours around the clock', () => {
    // Act
    const due = addBusinessDuration(
      at('2026-01-12T10:00:00Z'),
      { days: 2, minutes: 30 },
      { timezone: 'Europe/Berlin', holidays: [] },
    );

    // Assess
    expect(due.toISOString()).toBe('2026-01-14T10:30:00.000Z');
  });

  it('refuses a part of a day', () => {
    // Act / Assess
    expect(() => addBusinessDuration(at('2026-01-12T10:00:00Z'), { days: 0.5, minutes: 0 }, shortFriday)).toThrow(
      ValidationError,
    );
  });
});

describe('business time properties', () => {
  // 2026 with both DST switches and the holidays of the demo config.
  const instants = fc.date({
    min: new Date('2026-01-01T00:00:00Z'),
    max: new Date('2026-12-31T00:00:00Z'),
    noInvalidDate: true,
  });

  it('round-trips: the business minutes up to addBusinessMinutes(start, m) are m', () => {
    fc.assert(
      fc.property(
        instants,
        fc.integer({ min: 0, max: 6000 }),
        fc.constantFrom(office, serviceDesk, aroundTheClock),
        (start, minutes, cal) => {
          // Act
          const due = addBusinessMinutes(start, minutes, cal);

          // Assess
          expect(businessMinutesBetween(start, due, cal)).toBe(minutes);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never puts a due time before its start, and a positive SLA ends in or at the end of a working window', () => {
    fc.assert(
      fc.property(
        instants,
        fc.integer({ min: 1, max: 6000 }),
        fc.constantFrom(office, serviceDesk),
        (start, minutes, cal) => {
          // Act
          const due = addBusinessMinutes(start, minutes, cal);

          // Assess
          expect(due.getTime()).toBeGreaterThan(start.getTime());
          expect(isWithinBusinessHours(new Date(due.getTime() - 1), cal)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
