import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import {
  DynamoCaseRepository,
  DynamoNotificationClaims,
  DynamoRateStore,
  DynamoSpikeRepository,
} from '../../shared/adapters/dynamodb/index.ts';
import type { Notification, NotificationTarget } from '../../shared/domain/notification.ts';
import type { Notifier } from '../../shared/domain/notify-department.ts';
import {
  addHours,
  recordMentionRates,
  spikeTag,
  WEEK_HOURS,
  type EvaluateSpikesDeps,
} from '../../shared/domain/spikes/index.ts';
import { detectSpikes, pressDepartmentOf, spikeParametersOf } from '../../functions/detect-spikes/handler.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { InMemoryCaseEvents } from '../fakes/in-memory.ts';
import { RecordingSpikeEvents } from '../fakes/spikes.ts';
import { startLocalTable } from '../support/local-table.ts';
import { steadyHistory, surge } from '../support/rate-history.ts';

class RecordingNotifier implements Notifier {
  readonly sent: { notification: Notification; target: NotificationTarget }[] = [];
  async send(notification: Notification, target: NotificationTarget): Promise<void> {
    this.sent.push({ notification, target });
  }
}

/** Rates, spikes, tags and notifications of a spike against a real dynalite table. */
describe('spikes against dynalite', () => {
  const config = demoConfig();
  const topology = buildTopology(config);
  // Thursday 3 December 2026, 14:00 in Hamburg.
  const SURGE = '2026-12-03T13:00:00.000Z';
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let rates: DynamoRateStore;
  let spikes: DynamoSpikeRepository;
  let cases: DynamoCaseRepository;
  let events: RecordingSpikeEvents;
  let notifier: RecordingNotifier;
  let deps: EvaluateSpikesDeps;
  let now = SURGE;
  let n = 0;

  const record = async (
    hour: string,
    category: 'complaint' | 'question' | 'praise' | string,
    platform: string,
    themeId: string | undefined,
    department = 'service',
  ) => {
    const id = ++n;
    const kase = await cases.ensure(caseFactory({ id: `case_${id}`, department }), 2_000_000_000);
    return {
      caseId: kase.id,
      counted: await recordMentionRates(
        {
          mentionId: `${platform}:${id}`,
          caseId: kase.id,
          createdAt: addHours(hour, 0.25),
          category: category as 'complaint',
          platform: platform as 'x',
          department,
          ...(themeId ? { themeId } : {}),
        },
        { rates, expiresAt: 2_000_000_000 },
      ),
    };
  };

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    const table = topology.table.name;
    rates = new DynamoRateStore(local.documents, table);
    spikes = new DynamoSpikeRepository(local.documents, table, config.company.timezone);
    cases = new DynamoCaseRepository(local.documents, table);
    events = new RecordingSpikeEvents();
    notifier = new RecordingNotifier();
    const clock = { now: () => new Date(now) };
    deps = {
      companyId: config.company.id,
      timezone: config.company.timezone,
      params: spikeParametersOf(config),
      rates,
      spikes,
      events,
      clock,
      retentionDays: config.retention.days,
      change: {
        companyId: config.company.id,
        retentionDays: config.retention.days,
        cases,
        events: new InMemoryCaseEvents(),
        clock,
      },
      departments: config.departments,
      press: pressDepartmentOf(config) ?? 'press',
      notificationOptions: { timezone: config.company.timezone },
      notify: {
        notifier,
        log: new DynamoNotificationClaims(local.documents, table),
        heldRecheckDelaysMs: [],
        markRetryDelaysMs: [],
      },
    };
  }, 60_000);

  afterAll(async () => {
    await local.backend.stop();
  });

  it('counts a mention once per hour in its category, platform and theme, and remembers its case', async () => {
    // Arrange
    const hour = '2026-11-01T09:00:00.000Z';
    const first = await record(hour, 'complaint', 'x', 'th_invoice_wrong');

    // Act: the same mention again (a redelivery), then another one without a theme
    const again = await recordMentionRates(
      {
        mentionId: 'x:1',
        caseId: first.caseId,
        createdAt: addHours(hour, 0.25),
        category: 'complaint',
        platform: 'x',
        department: 'service',
        themeId: 'th_invoice_wrong',
      },
      { rates, expiresAt: 2_000_000_000 },
    );
    await record(hour, 'complaint', 'facebook', undefined);

    // Assess
    expect([first.counted, again]).toEqual([true, false]);
    const counts = await rates.counts(hour, hour);
    expect(counts.map((c) => [c.dimension, c.value, c.count]).sort()).toEqual([
      ['category', 'complaint', 2],
      ['platform', 'facebook', 1],
      ['platform', 'x', 1],
      ['theme', 'th_invoice_wrong', 1],
    ]);
    expect(await rates.membersOf(hour, { dimension: 'theme', value: 'th_invoice_wrong' }, 200)).toEqual([
      { mentionId: 'x:1', caseId: first.caseId, department: 'service' },
    ]);
  });

  it('finds a surge after a steady week, stores and lists it, tags its cases in the table, and raises it once', async () => {
    // Arrange: a week of steady mentions (counted through the store), then 15 complaints of one theme in one hour
    const start = addHours(SURGE, -WEEK_HOURS);
    for (const m of steadyHistory({
      start,
      hours: WEEK_HOURS,
      seed: 21,
      timezone: config.company.timezone,
      scale: 0.5,
    })) {
      await rates.countOnce(
        m.hour,
        [
          {
            mentionId: `h:${++n}`,
            caseId: 'case_history',
            createdAt: m.hour,
            category: m.category,
            platform: m.platform,
            department: 'service',
            ...(m.themeId ? { themeId: m.themeId } : {}),
          },
        ],
        2_000_000_000,
      );
    }
    const surgeCases: string[] = [];
    for (const m of surge({ start: SURGE, hours: 1, perHour: 15, themeId: 'th_app_login' }))
      surgeCases.push((await record(m.hour, m.category, m.platform, m.themeId)).caseId);
    await spikes.advanceCursor(addHours(SURGE, -1));
    now = addHours(SURGE, 1.1);

    // Act: the scheduled run at 15:05 in Hamburg, then the same run again
    const result = await detectSpikes({ scheduledTime: '2026-12-03T15:05:00+01:00' }, deps);
    const again = await detectSpikes({ scheduledTime: '2026-12-03T15:05:00+01:00' }, deps);

    // Assess
    expect(result.hours).toEqual([SURGE]);
    expect(result.detected.map((s) => [s.dimension, s.value, s.observed])).toEqual([['theme', 'th_app_login', 15]]);
    expect(again.detected).toEqual([]);
    expect(events.published).toHaveLength(1);
    expect(await spikes.cursor()).toBe(SURGE);
    const listed = await spikes.spikes({ from: '2026-12-03', to: '2026-12-03' });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      dimension: 'theme',
      value: 'th_app_login',
      hour: SURGE,
      observed: 15,
      departments: ['service'],
      hours: 1,
    });
    expect([...(listed[0]?.caseIds ?? [])].sort()).toEqual([...surgeCases].sort());
    expect(await spikes.spikes({ from: '2026-12-04', to: '2026-12-10' })).toEqual([]);
    const tagged = await cases.get(surgeCases[0] as string);
    expect(tagged?.tags).toContain(spikeTag(listed[0]?.id ?? ''));
    expect(tagged?.history?.at(-1)).toMatchObject({ action: 'tag', actor: 'system:detect-spikes' });
    expect(notifier.sent.map((s) => [s.notification.department, s.target.type])).toEqual([
      ['press', 'slack'],
      ['press', 'email'],
      ['service', 'slack'],
      ['service', 'teams'],
    ]);
  }, 120_000);

  it('rejects an input that is neither a scheduled run nor the start of an hour', async () => {
    // Act
    const notAnHour = detectSpikes({ hour: '2026-12-03T13:30:00Z' }, deps);
    const unknown = detectSpikes({ report: 'daily' }, deps);

    // Assess
    await expect(notAnHour).rejects.toThrow(
      'detect-spikes input is neither {scheduledTime}, {hour} nor {from, through}',
    );
    await expect(unknown).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
