import { beforeEach, describe, expect, it } from 'vitest';
import type { Notification, NotificationTarget } from '../../../shared/domain/notification.ts';
import type { Notifier } from '../../../shared/domain/notify-department.ts';
import type { Category, Platform } from '../../../shared/domain/mention.ts';
import {
  addHours,
  BatchRates,
  baselineOf,
  countNotedRates,
  DEFAULT_SPIKE_PARAMETERS,
  detectSpikes,
  evaluateSpikes,
  HOUR_MS,
  recordMentionRates,
  spikeTag,
  upperTailProbability,
  utcSeason,
  WEEK_HOURS,
  type EvaluateSpikesDeps,
} from '../../../shared/domain/spikes/index.ts';
import { SpikeDetectedSchema } from '../../../shared/domain/events.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { InMemoryCaseEvents, InMemoryCases, InMemoryNotificationClaims } from '../../fakes/in-memory.ts';
import { InMemoryRateStore, InMemorySpikeRepository, RecordingSpikeEvents } from '../../fakes/spikes.ts';
import { steadyHistory, surge, type SyntheticMention } from '../../support/rate-history.ts';

class RecordingNotifier implements Notifier {
  readonly sent: { notification: Notification; target: NotificationTarget }[] = [];
  async send(notification: Notification, target: NotificationTarget): Promise<void> {
    this.sent.push({ notification, target });
  }
}

const poissonTail = (x: number, lambda: number) => {
  let cdf = 0;
  let term = Math.exp(-lambda);
  for (let k = 0; k < x; k++) {
    cdf += term;
    term *= lambda / (k + 1);
  }
  return 1 - cdf;
};

describe('spike detector', () => {
  it('has the Poisson tail when the baseline is certain, and a wider one when it is not', () => {
    // Arrange
    const expected = 4;

    // Act
    const certain = upperTailProbability(12, expected * 1e6, 1e6);
    const thin = upperTailProbability(12, expected * 2, 2);

    // Assess
    expect(Math.abs(certain / poissonTail(12, expected) - 1)).toBeLessThan(1e-4);
    expect(thin).toBeGreaterThan(certain * 5);
  });

  it('judges an hour by the same hour of the week in the weeks before', () => {
    // Arrange: 10 mentions every Monday 10:00, 1 at every other hour, for six weeks
    const monday10 = Date.parse('2026-11-30T10:00:00.000Z');
    const series = new Map<number, number>();
    for (let h = monday10 - 6 * WEEK_HOURS * HOUR_MS; h < monday10; h += HOUR_MS)
      series.set(h, (monday10 - h) % (WEEK_HOURS * HOUR_MS) === 0 ? 10 : 1);

    // Act
    const baseline = baselineOf(series, monday10, 0, DEFAULT_SPIKE_PARAMETERS, utcSeason);

    // Assess: six weeks of 10 outweigh the prior of the hour of day
    expect(baseline.weeksSeen).toBe(6);
    expect(baseline.expected).toBeGreaterThan(7);
    expect(baseline.expected).toBeLessThan(10);
  });

  it('does not call 2 mentions of a value with a baseline of 0.1 per hour a spike, but 12 of them', () => {
    // Arrange: a theme with one mention every ten hours for two weeks
    const hour = '2026-11-30T10:00:00.000Z';
    const history = Array.from({ length: (2 * WEEK_HOURS) / 10 }, (_, i) => ({
      dimension: 'theme' as const,
      value: 'th_a',
      hour: addHours(hour, -10 * (i + 1)),
      count: 1,
    }));

    // Act
    const two = detectSpikes(
      hour,
      [...history, { dimension: 'theme', value: 'th_a', hour, count: 2 }],
      history.at(-1)!.hour,
      DEFAULT_SPIKE_PARAMETERS,
      utcSeason,
    );
    const twelve = detectSpikes(
      hour,
      [...history, { dimension: 'theme', value: 'th_a', hour, count: 12 }],
      history.at(-1)!.hour,
      DEFAULT_SPIKE_PARAMETERS,
      utcSeason,
    );

    // Assess
    expect(two[0]).toMatchObject({ value: 'th_a', observed: 2, spike: false });
    expect(twelve[0]).toMatchObject({ value: 'th_a', observed: 12, spike: true });
    expect(twelve[0]?.expected).toBeCloseTo(0.1, 1);
  });
});

describe('recordMentionRates', () => {
  it('counts a mention once in its category, platform and theme, however often it is delivered', async () => {
    // Arrange
    const rates = new InMemoryRateStore();
    const observation = {
      mentionId: 'x:1',
      caseId: 'case_1',
      createdAt: '2026-12-03T10:42:17.000Z',
      category: 'complaint' as const,
      platform: 'x' as const,
      department: 'service',
      themeId: 'th_repair_weeks',
    };

    // Act
    const first = await recordMentionRates(observation, { rates, expiresAt: 0 });
    const again = await recordMentionRates(observation, { rates, expiresAt: 0 });

    // Assess
    expect([first, again]).toEqual([true, false]);
    expect(await rates.counts('2026-12-03T10:00:00.000Z', '2026-12-03T10:00:00.000Z')).toEqual([
      { hour: '2026-12-03T10:00:00.000Z', dimension: 'category', value: 'complaint', count: 1 },
      { hour: '2026-12-03T10:00:00.000Z', dimension: 'platform', value: 'x', count: 1 },
      { hour: '2026-12-03T10:00:00.000Z', dimension: 'theme', value: 'th_repair_weeks', count: 1 },
    ]);
    // One claim and one counter write; the redelivery writes nothing.
    expect(rates.writes).toBe(2);
  });
});

describe('countNotedRates', () => {
  const observationAt = (n: number, createdAt: string, themeId?: string) => ({
    mentionId: `x:${n}`,
    caseId: `case_${n}`,
    createdAt,
    category: 'complaint' as const,
    platform: 'x' as const,
    department: 'service',
    ...(themeId ? { themeId } : {}),
  });
  const batch = [
    observationAt(1, '2026-12-03T10:05:00.000Z', 'th_a'),
    observationAt(2, '2026-12-03T10:40:00.000Z', 'th_a'),
    observationAt(3, '2026-12-03T10:59:00.000Z'),
    observationAt(4, '2026-12-03T11:01:00.000Z', 'th_b'),
  ];

  it('counts the mentions of a batch in each hour with one claim and one counter write per hour', async () => {
    // Arrange
    const rates = new InMemoryRateStore();

    // Act
    const uncounted = await countNotedRates(batch, { rates, expiresAt: 0 });

    // Assess
    expect(uncounted).toEqual([]);
    expect(rates.writes).toBe(4);
    expect(await rates.counts('2026-12-03T10:00:00.000Z', '2026-12-03T11:00:00.000Z')).toEqual([
      { hour: '2026-12-03T10:00:00.000Z', dimension: 'category', value: 'complaint', count: 3 },
      { hour: '2026-12-03T10:00:00.000Z', dimension: 'platform', value: 'x', count: 3 },
      { hour: '2026-12-03T10:00:00.000Z', dimension: 'theme', value: 'th_a', count: 2 },
      { hour: '2026-12-03T11:00:00.000Z', dimension: 'category', value: 'complaint', count: 1 },
      { hour: '2026-12-03T11:00:00.000Z', dimension: 'platform', value: 'x', count: 1 },
      { hour: '2026-12-03T11:00:00.000Z', dimension: 'theme', value: 'th_b', count: 1 },
    ]);
  });

  it('keeps the claims of an hour whose counter write fails, and their redelivery adds them once', async () => {
    // Arrange
    const rates = new InMemoryRateStore();
    const tenOClock = batch.slice(0, 3);
    rates.failNextAdd = true;

    // Act
    const [uncounted] = await countNotedRates(tenOClock, { rates, expiresAt: 0 });
    const countedWhileRefused = await rates.counts('2026-12-03T10:00:00.000Z', '2026-12-03T10:00:00.000Z');
    const again = await countNotedRates(tenOClock, { rates, expiresAt: 0 });
    const twice = await countNotedRates(tenOClock, { rates, expiresAt: 0 });

    // Assess
    expect(uncounted?.hour).toBe('2026-12-03T10:00:00.000Z');
    expect(uncounted?.observations.map((o) => o.mentionId)).toEqual(['x:1', 'x:2', 'x:3']);
    expect(countedWhileRefused).toEqual([]);
    expect([again, twice]).toEqual([[], []]);
    const counts = await rates.counts('2026-12-03T10:00:00.000Z', '2026-12-03T10:00:00.000Z');
    expect(counts.find((c) => c.dimension === 'category')?.count).toBe(3);
  });
});

describe('BatchRates', () => {
  it("reads an hour's claims once per batch, for every mention of the batch in that hour, and counts through the store", async () => {
    // Arrange
    const store = new InMemoryRateStore();
    const observation = {
      mentionId: 'x:9',
      caseId: 'case_9',
      createdAt: '2026-12-03T10:42:00.000Z',
      category: 'complaint' as const,
      platform: 'x' as const,
      department: 'service',
      themeId: 'th_a',
    };
    await store.countOnce('2026-12-03T10:00:00.000Z', [observation]);
    let reads = 0;
    const counting = Object.assign(Object.create(store) as InMemoryRateStore, {
      claimsOf: (hour: string, mentionIds: readonly string[]) => {
        reads++;
        asked.push([...mentionIds]);
        return store.claimsOf(hour, mentionIds);
      },
    });
    const asked: string[][] = [];
    const batch = new BatchRates(counting, new Map([['2026-12-03T10:00:00.000Z', ['x:9', 'x:10']]]));

    // Act
    const first = await batch.claimsOf('2026-12-03T10:00:00.000Z', ['x:9']);
    const second = await batch.claimsOf('2026-12-03T10:00:00.000Z', ['x:10']);
    const counted = await batch.countOnce('2026-12-03T10:00:00.000Z', [observation], 0);

    // Assess
    expect(reads).toBe(1);
    expect(asked).toEqual([['x:9', 'x:10']]);
    expect(first.get('x:9')).toEqual({ counted: true, themeId: 'th_a' });
    expect(second.has('x:10')).toBe(false);
    expect(counted).toEqual([]);
  });
});

describe('BatchRates and the theme claims of an earlier release', () => {
  it("reads the earlier release's theme claims of every mention of the batch in one read, and a mention outside the batch on its own", async () => {
    // Arrange
    const store = new InMemoryRateStore();
    store.legacyThemes.set('x:10', 'th_old');
    store.legacyThemes.set('x:99', 'th_other');
    const asked: string[][] = [];
    const counting = Object.assign(Object.create(store) as InMemoryRateStore, {
      legacyThemesOf: (mentionIds: readonly string[]) => {
        asked.push([...mentionIds]);
        return store.legacyThemesOf(mentionIds);
      },
    });
    const batch = new BatchRates(
      counting,
      new Map([
        ['2026-12-03T10:00:00.000Z', ['x:9', 'x:10']],
        ['2026-12-03T11:00:00.000Z', ['x:11']],
      ]),
    );

    // Act
    const found = await Promise.all(['x:9', 'x:10', 'x:11', 'x:99'].map((id) => batch.legacyThemesOf([id])));

    // Assess
    expect(asked).toEqual([['x:9', 'x:10', 'x:11'], ['x:99']]);
    expect(found.map((themes) => [...themes])).toEqual([[], [['x:10', 'th_old']], [], [['x:99', 'th_other']]]);
  });

  it('reads the earlier theme claims only of the mentions it is told can feed a theme', async () => {
    // Arrange
    const store = new InMemoryRateStore();
    store.legacyThemes.set('x:10', 'th_old');
    const asked: string[][] = [];
    const counting = Object.assign(Object.create(store) as InMemoryRateStore, {
      legacyThemesOf: (mentionIds: readonly string[]) => {
        asked.push([...mentionIds]);
        return store.legacyThemesOf(mentionIds);
      },
    });
    const batch = new BatchRates(counting, new Map([['2026-12-03T10:00:00.000Z', ['x:9', 'x:10', 'x:11']]]), ['x:10']);

    // Act
    const found = await batch.legacyThemesOf(['x:10']);

    // Assess
    expect(asked).toEqual([['x:10']]);
    expect([...found]).toEqual([['x:10', 'th_old']]);
  });
});

describe('BatchRates after a failed read', () => {
  it("asks the table again for an hour whose first read failed, and keeps the batch's other reads", async () => {
    // Arrange
    const store = new InMemoryRateStore();
    const hour = '2026-12-03T11:00:00.000Z';
    await store.countOnce(hour, [
      {
        mentionId: 'x:11',
        caseId: 'case_11',
        createdAt: '2026-12-03T11:05:00.000Z',
        category: 'complaint',
        platform: 'x',
        department: 'service',
      },
    ]);
    let calls = 0;
    const flaky = Object.assign(Object.create(store) as InMemoryRateStore, {
      claimsOf: (h: string, ids: readonly string[]) => {
        calls++;
        return calls === 1 ? Promise.reject(new Error('throttled')) : store.claimsOf(h, ids);
      },
    });
    const batch = new BatchRates(flaky, new Map([[hour, ['x:11', 'x:12']]]));

    // Act
    const failed = await batch.claimsOf(hour, ['x:11']).catch((e: unknown) => e);
    const again = await batch.claimsOf(hour, ['x:11']);
    const other = await batch.claimsOf(hour, ['x:12']);

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(again.get('x:11')).toEqual({ counted: true });
    expect(other.size).toBe(0);
    expect(calls).toBe(2);
  });
});

describe('evaluateSpikes', () => {
  const config = demoConfig();
  const timezone = config.company.timezone;
  // Six weeks from Monday 19 October 2026, across the end of summer time on 25 October.
  const START = '2026-10-18T22:00:00.000Z';
  const SIX_WEEKS = 6 * WEEK_HOURS;
  // Monday 30 November 2026, 15:00 in Hamburg: a busy hour.
  const SURGE = addHours(START, SIX_WEEKS + 15);
  let now: string;
  let rates: InMemoryRateStore;
  let spikes: InMemorySpikeRepository;
  let events: RecordingSpikeEvents;
  let cases: InMemoryCases;
  let caseEvents: InMemoryCaseEvents;
  let notifier: RecordingNotifier;
  let log: InMemoryNotificationClaims;
  let deps: EvaluateSpikesDeps;
  let mentionNumber = 0;

  beforeEach(() => {
    now = START;
    rates = new InMemoryRateStore();
    spikes = new InMemorySpikeRepository();
    events = new RecordingSpikeEvents();
    cases = new InMemoryCases();
    caseEvents = new InMemoryCaseEvents();
    notifier = new RecordingNotifier();
    log = new InMemoryNotificationClaims();
    const clock = { now: () => new Date(now) };
    deps = {
      companyId: config.company.id,
      timezone,
      params: DEFAULT_SPIKE_PARAMETERS,
      rates,
      spikes,
      events,
      clock,
      retentionDays: config.retention.days,
      change: { companyId: config.company.id, retentionDays: config.retention.days, cases, events: caseEvents, clock },
      departments: config.departments,
      press: 'press',
      notificationOptions: { timezone, caseBaseUrl: 'https://cases.radwerk-hansen.example' },
      notify: { notifier, log, heldRecheckDelaysMs: [], markRetryDelaysMs: [] },
      themeLabel: async (id) => (id === 'th_battery_fire' ? 'Akku brennt' : undefined),
    };
  });

  /** Counts mentions straight into the counters (a long history), or records each with its case (what a spike tags). */
  const play = async (
    mentions: readonly SyntheticMention[],
    options: { record?: { department: (i: number) => string } } = {},
  ) => {
    if (!options.record) {
      for (const m of mentions) {
        rates.add(m.hour, { dimension: 'category', value: m.category }, 1);
        rates.add(m.hour, { dimension: 'platform', value: m.platform }, 1);
        if (m.themeId) rates.add(m.hour, { dimension: 'theme', value: m.themeId }, 1);
      }
      return [];
    }
    const caseIds: string[] = [];
    for (const [i, m] of mentions.entries()) {
      const n = ++mentionNumber;
      const department = options.record.department(i);
      const kase = await cases.ensure(
        caseFactory({
          id: `case_${n}`,
          department,
          category: m.category as Category,
          platform: m.platform as Platform,
        }),
      );
      caseIds.push(kase.id);
      await recordMentionRates(
        {
          mentionId: `${m.platform}:${n}`,
          caseId: kase.id,
          createdAt: addHours(m.hour, 0.5),
          category: m.category,
          platform: m.platform,
          department,
          ...(m.themeId ? { themeId: m.themeId } : {}),
        },
        { rates, expiresAt: 0 },
      );
    }
    return caseIds;
  };

  /** The schedule, once a day: every hour up to `through` is evaluated. */
  const runDaily = async (fromHour: string, hours: number) => {
    for (let day = 1; day <= hours / 24; day++) {
      const through = addHours(fromHour, day * 24 - 1);
      now = addHours(through, 1.1);
      await evaluateSpikes({ through }, deps);
    }
  };

  it('raises no alarm on six steady weeks, then finds a surge in the hour it happened', async () => {
    // Arrange
    await play(steadyHistory({ start: START, hours: SIX_WEEKS + 24, seed: 11, timezone }));
    spikes.lastHour = addHours(START, -1);
    await runDaily(START, SIX_WEEKS);
    const quiet = { events: events.published.length, spikes: spikes.items.size };
    const surgeCases = await play(surge({ start: SURGE, hours: 1, perHour: 14 }), {
      record: { department: (i) => (i < 12 ? 'service' : 'legal') },
    });

    // Act: the next evaluation after the surge's hour
    now = addHours(SURGE, 1.1);
    const result = await evaluateSpikes({ through: SURGE }, deps);

    // Assess
    expect(quiet).toEqual({ events: 0, spikes: 0 });
    expect(result.hours.at(-1)).toBe(SURGE);
    expect(result.detected.map((s) => [s.dimension, s.value, s.hour])).toEqual([['theme', 'th_battery_fire', SURGE]]);
    const [event] = events.published;
    expect(SpikeDetectedSchema.parse(event)).toMatchObject({
      companyId: 'demo',
      dimension: 'theme',
      value: 'th_battery_fire',
      label: 'Akku brennt',
      hour: SURGE,
      observed: 14,
      departments: ['legal', 'service'],
    });
    expect(event?.expected).toBeLessThan(1);
    expect([...(event?.caseIds ?? [])].sort()).toEqual([...surgeCases].sort());
  });

  it('evaluates every hour after the cursor once, none skipped and none twice, across runs and an outage', async () => {
    // Arrange
    await play(steadyHistory({ start: START, hours: 3 * 24, seed: 3, timezone }));
    spikes.lastHour = addHours(START, -1);

    // Act: runs after 5 h, after 6 h, again at the same time, and after a 30-hour outage
    for (const through of [addHours(START, 4), addHours(START, 5), addHours(START, 5), addHours(START, 35)])
      await evaluateSpikes({ through }, deps);

    // Assess
    expect(spikes.cursorMoves).toEqual(Array.from({ length: 36 }, (_, i) => addHours(START, i)));
  });

  it('evaluates a replayed history from a given hour and leaves the cursor at its end', async () => {
    // Arrange: a cursor far in the past, which a replay does not look at
    await play(steadyHistory({ start: START, hours: 24, seed: 4, timezone }));
    spikes.lastHour = addHours(START, -500);

    // Act
    const result = await evaluateSpikes({ from: START, through: addHours(START, 23) }, deps);

    // Assess
    expect(result.hours).toEqual(Array.from({ length: 24 }, (_, i) => addHours(START, i)));
    expect(await spikes.cursor()).toBe(addHours(START, 23));
  });

  it("tags the surge's cases, notifies press and the departments' leads once, and publishes one event when the retry runs again", async () => {
    // Arrange: two weeks of history, a surge in service's cases, and a bus that fails once
    await play(steadyHistory({ start: addHours(SURGE, -2 * WEEK_HOURS), hours: 2 * WEEK_HOURS, seed: 5, timezone }));
    const surgeCases = await play(surge({ start: SURGE, hours: 1, perHour: 20 }), {
      record: { department: () => 'service' },
    });
    events.failNext = true;
    now = addHours(SURGE, 1.1);

    // Act
    await expect(evaluateSpikes({ through: SURGE }, deps)).rejects.toThrow('bus unavailable');
    const retried = await evaluateSpikes({ through: SURGE }, deps);
    const byHand = await evaluateSpikes({ hour: SURGE }, deps);

    // Assess
    expect(retried.detected).toHaveLength(1);
    expect(byHand.detected).toHaveLength(0);
    expect(events.published).toHaveLength(1);
    const spikeId = events.published[0]?.spikeId ?? '';
    for (const id of surgeCases) {
      const kase = await cases.get(id);
      expect(kase?.tags).toEqual([spikeTag(spikeId)]);
      expect(kase?.history?.map((e) => [e.action, e.transitionId, e.actor])).toEqual([
        ['tag', `spike:${spikeId}`, 'system:detect-spikes'],
      ]);
    }
    const told = notifier.sent.map((s) => [s.notification.department, s.target.type, s.notification.kind]);
    expect(told).toEqual([
      ['press', 'slack', 'spike'],
      ['press', 'email', 'spike'],
      ['service', 'slack', 'spike'],
      ['service', 'teams', 'spike'],
    ]);
    expect(
      notifier.sent
        .find((s) => s.notification.department === 'service')
        ?.notification.people.map((p) => [p.name, p.role]),
    ).toEqual([['Aylin Demir', 'lead']]);
    expect(notifier.sent[0]?.notification.title).toMatch(
      /^Spike: 20 mentions of "Akku brennt" in one hour \(\d+\.\dx the usual \d\.\d\)$/,
    );
  });

  it('adds the next surging hours to the spike instead of raising a second alarm', async () => {
    // Arrange
    await play(
      steadyHistory({ start: addHours(SURGE, -2 * WEEK_HOURS), hours: 2 * WEEK_HOURS + 3, seed: 9, timezone }),
    );
    await play(surge({ start: SURGE, hours: 3, perHour: 15 }), { record: { department: () => 'service' } });

    // Act: three hourly runs
    const runs = [];
    for (let i = 0; i < 3; i++) {
      now = addHours(SURGE, i + 1.1);
      runs.push(await evaluateSpikes({ through: addHours(SURGE, i) }, deps));
    }

    // Assess
    expect(runs.map((r) => [r.detected.length, r.continued])).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(events.published).toHaveLength(1);
    const [spike] = spikes.items.values();
    expect(spike).toMatchObject({ hour: SURGE, lastHour: addHours(SURGE, 2), hours: 3 });
    expect(spike?.caseIds).toHaveLength(45);
  });
});
