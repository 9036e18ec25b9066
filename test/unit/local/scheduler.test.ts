/**
 * Expression syntax and DST behaviour as described in the EventBridge Scheduler user guide:
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 * (cron fields, 1=SUN..7=SAT, L and #; "When the time shifts forward in Spring, your schedule
 * invocation gets skipped if the cron expression falls on a non-existent date and time. When
 * the time shifts back in the Fall, your schedule runs only once").
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  compileSchedule,
  renderPayload,
  ScheduleExpressionError,
  startScheduler,
  type LocalScheduler,
} from '../../../infra/local/scheduler.ts';
import type { ScheduleSpec } from '../../../infra/topology.ts';

const BERLIN = 'Europe/Berlin';

/** The next `count` fire times after `from`, as ISO strings. */
function fireTimes(expression: string, from: string, count: number, timezone = BERLIN): string[] {
  const schedule = compileSchedule(expression, timezone);
  const times: string[] = [];
  let cursor = new Date(from);
  for (let i = 0; i < count; i++) {
    const next = schedule.nextFireTime(cursor);
    if (!next) break;
    times.push(next.toISOString());
    cursor = next;
  }
  return times;
}

function scheduleSpec(overrides: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return {
    id: 'daily-report',
    name: 'bc-demo-daily-report',
    expression: 'cron(0 6 * * ? *)',
    timezone: BERLIN,
    targetFunction: 'build-report',
    deadLetterQueue: 'schedule-daily-report-dlq',
    retry: { retryAttempts: 3, maxEventAgeSeconds: 3600 },
    payload: { report: 'daily', scheduledTime: '<aws.scheduler.scheduled-time>' },
    ...overrides,
  };
}

describe('compileSchedule: fire times', () => {
  it('fires a daily 06:00 schedule at 06:00 Berlin time across the spring DST change', () => {
    // Act
    const times = fireTimes('cron(0 6 * * ? *)', '2026-03-27T12:00:00Z', 3);

    // Assess
    expect(times).toEqual(['2026-03-28T05:00:00.000Z', '2026-03-29T04:00:00.000Z', '2026-03-30T04:00:00.000Z']);
  });

  it('fires a daily 06:00 schedule at 06:00 Berlin time across the autumn DST change', () => {
    // Act
    const times = fireTimes('cron(0 6 * * ? *)', '2026-10-24T12:00:00Z', 2);

    // Assess
    expect(times).toEqual(['2026-10-25T05:00:00.000Z', '2026-10-26T05:00:00.000Z']);
  });

  it('skips a wall-clock time that does not exist when the clocks go forward', () => {
    // Act: 02:30 does not exist in Berlin on 2026-03-29
    const times = fireTimes('cron(30 2 * * ? *)', '2026-03-27T12:00:00Z', 2);

    // Assess
    expect(times).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('fires a wall-clock time that happens twice only once when the clocks go back', () => {
    // Act: 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET) on 2026-10-25
    const times = fireTimes('cron(30 2 * * ? *)', '2026-10-24T12:00:00Z', 2);

    // Assess
    expect(times).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('does not repeat half-hourly fire times in the repeated hour', () => {
    // Act
    const times = fireTimes('cron(0/30 * * * ? *)', '2026-10-24T23:45:00Z', 6);

    // Assess: 02:00 and 02:30 CEST, then 03:00 CET; 02:00 and 02:30 CET are repeats
    expect(times).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T02:30:00.000Z',
      '2026-10-25T03:00:00.000Z',
      '2026-10-25T03:30:00.000Z',
    ]);
  });

  it('reads day-of-week numbers as AWS does, 1 = Sunday', () => {
    // Act: 2026-03-01 is a Sunday
    const times = fireTimes('cron(0 9 ? * 2 *)', '2026-03-01T00:00:00Z', 2);

    // Assess: Mondays
    expect(times).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-09T08:00:00.000Z']);
  });

  it('reads day-of-week names and ranges', () => {
    // Act
    const times = fireTimes('cron(0 9 ? * MON-FRI *)', '2026-03-06T12:00:00Z', 2);

    // Assess: Friday 6th is past 09:00, so Monday 9th and Tuesday 10th
    expect(times).toEqual(['2026-03-09T08:00:00.000Z', '2026-03-10T08:00:00.000Z']);
  });

  it('reads the nth weekday of the month with #', () => {
    // Act: 3#2 is the second Tuesday
    const times = fireTimes('cron(0 9 ? * 3#2 *)', '2026-03-01T00:00:00Z', 1);

    // Assess
    expect(times).toEqual(['2026-03-10T08:00:00.000Z']);
  });

  it('reads the last weekday of the month with L', () => {
    // Act: 6L is the last Friday
    const times = fireTimes('cron(0 9 ? * 6L *)', '2026-03-01T00:00:00Z', 1);

    // Assess
    expect(times).toEqual(['2026-03-27T08:00:00.000Z']);
  });

  it('reads the last day of the month with L in day-of-month', () => {
    // Act
    const times = fireTimes('cron(0 18 L * ? *)', '2026-02-01T00:00:00Z', 2);

    // Assess
    expect(times).toEqual(['2026-02-28T17:00:00.000Z', '2026-03-31T16:00:00.000Z']);
  });

  it('fires only in the years of the year field and then ends', () => {
    // Act
    const times = fireTimes('cron(0 6 1 1 ? 2028)', '2026-06-01T00:00:00Z', 3);

    // Assess
    expect(times).toEqual(['2028-01-01T05:00:00.000Z']);
  });

  it('evaluates the expression in the schedule timezone', () => {
    // Act
    const times = fireTimes('cron(0 6 * * ? *)', '2026-07-01T12:00:00Z', 1, 'America/New_York');

    // Assess
    expect(times).toEqual(['2026-07-02T10:00:00.000Z']);
  });
});

describe('compileSchedule: refused expressions', () => {
  it.each([
    ['a rate expression', 'rate(5 minutes)', 'cron(min hour day-of-month month day-of-week year) expressions only'],
    ['a one-time expression', 'at(2026-03-01T10:00:00)', 'expressions only'],
    ['a five-field cron expression', 'cron(0 6 * * ?)', 'has 6 fields'],
    ['values in both day fields', 'cron(0 6 1 * 2 *)', 'exactly one of day-of-month and day-of-week'],
    ['"?" in both day fields', 'cron(0 6 ? * ? *)', 'exactly one of day-of-month and day-of-week'],
    ['the W wildcard', 'cron(0 6 15W * ? *)', 'W (nearest weekday)'],
    ['a year out of range', 'cron(0 6 * * ? 2300)', 'years lie between'],
    ['day-of-week 0', 'cron(0 6 ? * 0 *)', 'day-of-week values are 1-7'],
  ])('refuses %s with a clear message', (_name, expression, message) => {
    // Act & Assess
    expect(() => compileSchedule(expression, BERLIN)).toThrow(ScheduleExpressionError);
    expect(() => compileSchedule(expression, BERLIN)).toThrow(message);
  });

  it('names the schedule when the scheduler refuses to start', () => {
    // Act & Assess
    expect(() =>
      startScheduler({ schedules: [scheduleSpec({ expression: 'rate(1 hour)' })], invoke: async () => undefined }),
    ).toThrow('schedule "daily-report": cannot use "rate(1 hour)"');
  });
});

describe('renderPayload', () => {
  it('replaces the scheduled-time placeholder with the ISO time in whole seconds', () => {
    // Act
    const payload = renderPayload(scheduleSpec().payload, new Date('2026-03-02T05:00:00.123Z'));

    // Assess
    expect(payload).toEqual({ report: 'daily', scheduledTime: '2026-03-02T05:00:00Z' });
  });
});

describe('startScheduler', () => {
  let scheduler: LocalScheduler | undefined;

  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    vi.useRealTimers();
  });

  it('invokes the target at the fire time with the rendered payload', async () => {
    // Arrange
    vi.useFakeTimers({ now: new Date('2026-03-02T04:59:00Z') });
    const invoke = vi.fn(async () => 'ok');
    scheduler = startScheduler({ schedules: [scheduleSpec()], invoke });

    // Act
    await vi.advanceTimersByTimeAsync(60_000);

    // Assess
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke).toHaveBeenCalledWith(expect.objectContaining({ targetFunction: 'build-report' }), {
      report: 'daily',
      scheduledTime: '2026-03-02T05:00:00Z',
    });
  });

  it('does not invoke the target before the fire time', async () => {
    // Arrange
    vi.useFakeTimers({ now: new Date('2026-03-02T04:00:00Z') });
    const invoke = vi.fn(async () => 'ok');
    scheduler = startScheduler({ schedules: [scheduleSpec()], invoke });

    // Act
    await vi.advanceTimersByTimeAsync(59 * 60_000);

    // Assess
    expect(invoke).not.toHaveBeenCalled();
    expect(scheduler.nextFireTimes()['daily-report']?.toISOString()).toBe('2026-03-02T05:00:00.000Z');
  });

  it('fires nothing until a scheduler made without timers is started, then fires from that moment on', async () => {
    // Arrange
    vi.useFakeTimers({ now: new Date('2026-03-02T04:59:00Z') });
    const invoke = vi.fn(async () => 'ok');
    scheduler = startScheduler({ schedules: [scheduleSpec()], invoke, start: false });
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);

    // Act
    scheduler.start();
    scheduler.start();
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);

    // Assess
    expect(invoke.mock.calls.map((call) => (call as unknown[])[1])).toEqual([
      { report: 'daily', scheduledTime: '2026-03-03T05:00:00Z' },
    ]);
  });

  it('arms the next day after firing', async () => {
    // Arrange
    vi.useFakeTimers({ now: new Date('2026-03-02T04:59:00Z') });
    const invoke = vi.fn(async () => 'ok');
    scheduler = startScheduler({ schedules: [scheduleSpec()], invoke });

    // Act
    await vi.advanceTimersByTimeAsync(24 * 3_600_000 + 60_000);

    // Assess
    expect(invoke.mock.calls.map((call) => (call as unknown[])[1])).toEqual([
      { report: 'daily', scheduledTime: '2026-03-02T05:00:00Z' },
      { report: 'daily', scheduledTime: '2026-03-03T05:00:00Z' },
    ]);
  });

  it('keeps firing after a failed invocation and logs the failure', async () => {
    // Arrange
    vi.useFakeTimers({ now: new Date('2026-03-02T04:59:00Z') });
    const log = vi.fn();
    const invoke = vi.fn(async () => {
      throw new Error('table missing');
    });
    scheduler = startScheduler({ schedules: [scheduleSpec()], invoke, log });

    // Act
    await vi.advanceTimersByTimeAsync(24 * 3_600_000 + 60_000);

    // Assess
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining('daily-report -> build-report failed: Error: table missing'),
    );
  });

  it('fires a schedule on demand with the given time and returns the result', async () => {
    // Arrange
    const invoke = vi.fn(async () => ({ reports: 6 }));
    scheduler = startScheduler({ schedules: [scheduleSpec()], invoke, start: false });

    // Act
    const result = await scheduler.fireSchedule('daily-report', new Date('2026-05-01T10:15:00Z'));

    // Assess
    expect(result).toEqual({ reports: 6 });
    expect(invoke).toHaveBeenCalledWith(expect.anything(), { report: 'daily', scheduledTime: '2026-05-01T10:15:00Z' });
  });

  it('rejects an unknown schedule id, listing the known ones', async () => {
    // Arrange
    scheduler = startScheduler({ schedules: [scheduleSpec()], invoke: async () => undefined, start: false });

    // Act & Assess
    await expect(scheduler.fireSchedule('weekly-report')).rejects.toThrow(
      'unknown schedule "weekly-report"; the topology has: daily-report',
    );
  });

  it('stops firing once stopped', async () => {
    // Arrange
    vi.useFakeTimers({ now: new Date('2026-03-02T04:59:00Z') });
    const invoke = vi.fn(async () => 'ok');
    scheduler = startScheduler({ schedules: [scheduleSpec()], invoke });

    // Act
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(2 * 3_600_000);

    // Assess
    expect(invoke).not.toHaveBeenCalled();
  });
});
