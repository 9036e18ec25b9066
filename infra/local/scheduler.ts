import { CronExpressionParser, type CronExpression } from 'cron-parser';
import type { ScheduleSpec } from '../topology.ts';
import { wallClockOf } from '../../shared/domain/business-time.ts';

/**
 * The local EventBridge Scheduler: fires the topology's schedules in their timezone and
 * invokes the target function with the schedule's payload.
 *
 * Expressions are EventBridge Scheduler cron expressions, `cron(min hour dom month dow year)`
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html). They are
 * translated to cron-parser, which shifts a wall-clock time that does not exist (spring
 * forward) and repeats one that exists twice (fall back); Scheduler instead skips the
 * invocation in spring and runs once in the fall, so both cases are filtered here.
 */

/** The placeholder EventBridge Scheduler replaces with the scheduled time of an invocation. */
export const SCHEDULED_TIME_PLACEHOLDER = '<aws.scheduler.scheduled-time>';

/** An expression the local scheduler cannot fire the way EventBridge Scheduler would. */
export class ScheduleExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
    readonly schedule?: string,
  ) {
    super(`${schedule ? `schedule "${schedule}": ` : ''}cannot use "${expression}": ${reason}`);
    this.name = 'ScheduleExpressionError';
  }
}

/** A compiled cron schedule in one timezone. */
export interface CronSchedule {
  readonly expression: string;
  readonly timezone: string;
  /** The first fire time strictly after `after`, or undefined when the schedule has ended. */
  nextFireTime(after: Date): Date | undefined;
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const YEAR_MIN = 1970;
const YEAR_MAX = 2199;

/**
 * Compiles an EventBridge Scheduler cron expression for a timezone.
 * @throws ScheduleExpressionError for rate(...), at(...) and anything that is not a
 *   six-field cron(...) expression, and for the W wildcard, which cron-parser lacks
 * @example compileSchedule('cron(0 6 * * ? *)', 'Europe/Berlin').nextFireTime(new Date())
 */
export function compileSchedule(expression: string, timezone: string): CronSchedule {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) {
    throw new ScheduleExpressionError(
      expression,
      'the local scheduler fires cron(min hour day-of-month month day-of-week year) expressions only',
    );
  }
  const fields = (match[1] as string).trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleExpressionError(
      expression,
      `a cron expression has 6 fields (min hour day-of-month month day-of-week year), got ${fields.length}`,
    );
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new ScheduleExpressionError(expression, 'exactly one of day-of-month and day-of-week must be "?"');
  }
  if (/W/i.test(dayOfMonth)) {
    throw new ScheduleExpressionError(
      expression,
      'the W (nearest weekday) wildcard is not supported by the local scheduler',
    );
  }
  const years = parseYears(year, expression);
  const translated = `0 ${minute} ${hour} ${dayOfMonth === '?' ? '*' : dayOfMonth} ${month} ${dayOfWeek === '?' ? '*' : translateDayOfWeek(dayOfWeek, expression)}`;
  let cron: CronExpression;
  try {
    cron = CronExpressionParser.parse(translated, { tz: timezone });
  } catch (error) {
    throw new ScheduleExpressionError(expression, (error as Error).message);
  }
  return {
    expression,
    timezone,
    nextFireTime: (after) => nextFireTime(cron, years, timezone, after),
  };
}

function nextFireTime(
  cron: CronExpression,
  years: readonly number[] | undefined,
  timezone: string,
  after: Date,
): Date | undefined {
  cron.reset(after);
  // Each pass either returns, moves to a later allowed year, or skips one DST artefact.
  for (let guard = 0; guard < 100_000; guard++) {
    if (!cron.hasNext()) return undefined;
    const candidate = cron.next().toDate();
    const year = Number(wallClockOf(candidate, timezone).slice(0, 4));
    if (years && !years.includes(year)) {
      const nextYear = years.find((y) => y > year);
      if (nextYear === undefined) return undefined;
      // Restart just before the new year in any timezone; the iterator only moves forward.
      cron.reset(new Date(Date.UTC(nextYear, 0, 1) - 15 * 3_600_000));
      continue;
    }
    // Spring forward: cron-parser moved a wall-clock time that does not exist.
    if (!cron.includesDate(candidate)) continue;
    // Fall back: this wall-clock time already happened once (30 min, 1 h or 2 h earlier).
    const wall = wallClockOf(candidate, timezone);
    if (
      [1_800_000, 3_600_000, 7_200_000].some(
        (shift) => wallClockOf(new Date(candidate.getTime() - shift), timezone) === wall,
      )
    )
      continue;
    return candidate;
  }
  return undefined;
}

/** AWS numbers days of the week 1=SUN..7=SAT, cron-parser 0=SUN..6=SAT. */
function translateDayOfWeek(field: string, expression: string): string {
  if (field.includes('/')) throw new ScheduleExpressionError(expression, 'day-of-week takes no "/" increments');
  const numbered = field.toUpperCase().replace(/[A-Z]{3}/g, (name) => {
    const index = DAY_NAMES.indexOf(name);
    if (index < 0) throw new ScheduleExpressionError(expression, `unknown day of week "${name}"`);
    return String(index + 1);
  });
  return numbered
    .split(',')
    .map((item) => {
      if (item === '*') return item;
      // A lone L is the last day of the week: Saturday.
      if (item === 'L') return '6';
      const nth = /^(\d)#(\d)$/.exec(item);
      if (nth) return `${shiftDay(nth[1] as string, expression)}#${nth[2]}`;
      const last = /^(\d)L$/.exec(item);
      if (last) return `${shiftDay(last[1] as string, expression)}L`;
      const range = /^(\d)-(\d)$/.exec(item);
      if (range) return `${shiftDay(range[1] as string, expression)}-${shiftDay(range[2] as string, expression)}`;
      if (/^\d$/.test(item)) return shiftDay(item, expression);
      throw new ScheduleExpressionError(expression, `cannot read day-of-week "${item}"`);
    })
    .join(',');
}

function shiftDay(day: string, expression: string): string {
  const n = Number(day);
  if (n < 1 || n > 7)
    throw new ScheduleExpressionError(expression, `day-of-week values are 1-7 (1 = Sunday), got ${n}`);
  return String(n - 1);
}

/** The allowed years, ascending; undefined for every year. */
function parseYears(field: string, expression: string): number[] | undefined {
  if (field === '*') return undefined;
  const years = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^(\*|\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(item);
    if (!m) throw new ScheduleExpressionError(expression, `cannot read year "${item}"`);
    const from = m[1] === '*' ? YEAR_MIN : Number(m[1]);
    const to = m[2] ? Number(m[2]) : m[3] || m[1] === '*' ? YEAR_MAX : from;
    const step = m[3] ? Number(m[3]) : 1;
    if (from < YEAR_MIN || to > YEAR_MAX || from > to || step < 1) {
      throw new ScheduleExpressionError(expression, `years lie between ${YEAR_MIN} and ${YEAR_MAX}, got "${item}"`);
    }
    for (let y = from; y <= to; y += step) years.add(y);
  }
  return [...years].sort((a, b) => a - b);
}

/**
 * Compiles every schedule of a topology.
 * @throws ScheduleExpressionError naming the first schedule whose expression cannot be used
 */
export function compileSchedules(
  schedules: readonly ScheduleSpec[],
): Map<string, { schedule: ScheduleSpec; cron: CronSchedule }> {
  return new Map(
    schedules.map((schedule) => {
      try {
        return [schedule.id, { schedule, cron: compileSchedule(schedule.expression, schedule.timezone) }] as const;
      } catch (error) {
        if (error instanceof ScheduleExpressionError)
          throw new ScheduleExpressionError(schedule.expression, error.reason, schedule.id);
        throw error;
      }
    }),
  );
}

/** The time as EventBridge Scheduler writes it into a payload: ISO 8601, whole seconds. */
export function formatScheduledTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A schedule's payload with the scheduled-time placeholder replaced. */
export function renderPayload(payload: Readonly<Record<string, string>>, time: Date): Record<string, string> {
  const stamp = formatScheduledTime(time);
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [key, value.split(SCHEDULED_TIME_PLACEHOLDER).join(stamp)]),
  );
}

export interface SchedulerOptions {
  readonly schedules: readonly ScheduleSpec[];
  /** Invokes the schedule's target function with the rendered payload. */
  readonly invoke: (schedule: ScheduleSpec, payload: Record<string, string>) => Promise<unknown>;
  /** Whether to arm timers; without, schedules fire only through `fireSchedule`. */
  readonly start?: boolean;
  readonly log?: (line: string) => void;
  /** Where each timer fire goes (`schedule <id> fired for ...`): routine, so not `log`. */
  readonly debug?: (line: string) => void;
  readonly now?: () => Date;
}

export interface LocalScheduler {
  /** The next planned fire time of each schedule (absent when stopped or ended). */
  nextFireTimes(): Record<string, Date | undefined>;
  /**
   * Fires a schedule now, as if it were due at `time`, and resolves with the target's result.
   * @throws Error for an unknown schedule id, or what the target threw
   */
  fireSchedule(id: string, time?: Date): Promise<unknown>;
  /** Arms the timers of a scheduler made with `start: false` (once; later calls change nothing). */
  start(): void;
  /** Number of invocations still running. */
  inFlight(): number;
  /** Disarms every timer and waits for running invocations. */
  stop(): Promise<void>;
}

// setTimeout takes at most 2^31-1 ms; longer waits are re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Compiles every schedule, then arms a timer per schedule.
 * @throws ScheduleExpressionError naming the schedule when any expression cannot be used
 */
export function startScheduler(options: SchedulerOptions): LocalScheduler {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const debug = options.debug ?? (() => {});
  const compiled = compileSchedules(options.schedules);
  const timers = new Map<string, NodeJS.Timeout>();
  const planned = new Map<string, Date | undefined>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  const run = (schedule: ScheduleSpec, time: Date): Promise<unknown> => {
    const payload = renderPayload(schedule.payload, time);
    const invocation = options.invoke(schedule, payload);
    running.add(invocation);
    void invocation.then(
      () => running.delete(invocation),
      () => running.delete(invocation),
    );
    return invocation;
  };

  const arm = (id: string, after: Date): void => {
    const entry = compiled.get(id);
    if (!entry || stopped) return;
    const next = entry.cron.nextFireTime(after);
    planned.set(id, next);
    if (!next) {
      log(`schedule ${id}: ${entry.schedule.expression} has no further fire times`);
      return;
    }
    const wait = () => {
      const delay = next.getTime() - now().getTime();
      const timer = setTimeout(
        () => {
          if (stopped) return;
          if (next.getTime() > now().getTime()) return wait();
          // Every 5 minutes for the SLA sweep: what it changed shows as case lines, the fire itself is routine.
          debug(`schedule ${id} fired for ${formatScheduledTime(next)} -> ${entry.schedule.targetFunction}`);
          run(entry.schedule, next).catch((error: unknown) =>
            log(
              `schedule ${id} -> ${entry.schedule.targetFunction} failed: ${(error as Error).stack ?? String(error)}`,
            ),
          );
          arm(id, next);
        },
        Math.min(Math.max(delay, 0), MAX_TIMER_MS),
      );
      timer.unref();
      timers.set(id, timer);
    };
    wait();
  };

  let armed = false;
  const start = () => {
    if (armed || stopped) return;
    armed = true;
    for (const id of compiled.keys()) arm(id, now());
  };
  if (options.start ?? true) start();

  return {
    nextFireTimes: () => Object.fromEntries(planned),
    fireSchedule: (id, time = now()) => {
      const entry = compiled.get(id);
      if (!entry)
        return Promise.reject(
          new Error(`unknown schedule "${id}"; the topology has: ${[...compiled.keys()].join(', ')}`),
        );
      return run(entry.schedule, time);
    },
    start,
    inFlight: () => running.size,
    stop: async () => {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      planned.clear();
      await Promise.allSettled([...running]);
    },
  };
}
