import { describe, expect, it } from 'vitest';
import {
  generateHistory,
  hourStartsOf,
  type History,
  type HistoryMentionEvent,
} from '../../../infra/local/history/generate.ts';
import { accountsOf, platformsOf, startHistoryOf } from '../../../infra/local/history/start.ts';
import { dayIn } from '../../../shared/domain/time.ts';
import { demoConfig } from '../../factories/config.ts';

const TZ = 'Europe/Berlin';
const PLATFORMS = ['facebook', 'instagram', 'x', 'linkedin', 'youtube', 'tiktok', 'generic'] as const;
const options = { seed: 11, lastDay: '2026-12-02', timezone: TZ, platforms: PLATFORMS };
// One six-week history for the tests that only read it (generating takes a few hundred ms).
const history = generateHistory(options);
const mentions = history.events.filter((e): e is HistoryMentionEvent => e.type === 'mention');
const customer = mentions.filter((e) => !e.truth.followUp);

function perDay(events: readonly HistoryMentionEvent[], days: readonly string[]): number {
  const inDays = events.filter((e) => days.includes(dayIn(new Date(e.at), TZ)));
  return inDays.length / days.length;
}

function daysOf(h: History): string[] {
  const days = new Set(h.events.map((e) => dayIn(new Date(e.at), TZ)));
  return [...days].sort();
}

describe('the history generator', () => {
  it('makes the same history from the same seed', () => {
    // Act
    const again = generateHistory(options);

    // Assess
    expect(again.events).toEqual(history.events);
    expect(again.plan).toEqual(history.plan);
  });

  it('makes another history from another seed', () => {
    // Act
    const other = generateHistory({ ...options, seed: 12 });

    // Assess
    expect(other.events.map((e) => e.at)).not.toEqual(history.events.map((e) => e.at));
  });

  it('covers six weeks ending on the last day, oldest event first', () => {
    // Act
    const days = daysOf(history);

    // Assess
    expect(history.plan.from).toBe('2026-10-22');
    expect(history.plan.to).toBe('2026-12-02');
    expect(days[0]).toBe('2026-10-22');
    expect(days.at(-1)).toBe('2026-12-02');
    expect(days).toHaveLength(42);
    expect(history.events.map((e) => e.at)).toEqual([...history.events.map((e) => e.at)].sort());
  });

  it('gives every mention a unique id and a schema-valid shape with the history time as createdAt', () => {
    // Act
    const ids = history.events.flatMap((e) => (e.type === 'resolve' ? [] : [e.mention.id]));

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
    for (const event of history.events) {
      if (event.type !== 'resolve') expect(event.mention.createdAt).toBe(event.at);
    }
  });

  it('holds every category, German and English, on every platform, with repeat authors', () => {
    // Act
    const categories = new Set(customer.map((e) => e.truth.intent));
    const languages = new Set(customer.map((e) => e.truth.language));
    const platforms = new Set(customer.map((e) => e.mention.platform));
    const byAuthor = new Map<string, number>();
    for (const e of customer) byAuthor.set(e.mention.author.id, (byAuthor.get(e.mention.author.id) ?? 0) + 1);

    // Assess
    expect([...categories].sort()).toEqual([
      'community_project',
      'complaint',
      'legal_risk',
      'other',
      'praise',
      'press_inquiry',
      'product_idea',
      'question',
      'sales_lead',
    ]);
    expect([...languages].sort()).toEqual(['de', 'en']);
    expect([...platforms].sort()).toEqual([...PLATFORMS].sort());
    expect(Math.max(...byAuthor.values())).toBeGreaterThanOrEqual(10);
    expect(customer.filter((e) => e.truth.theme === 'key-account').length).toBeGreaterThan(0);
  });

  it('phrases both recurring complaint themes in many different ways', () => {
    // Act
    const repair = customer.filter((e) => e.truth.theme === 'repair');
    const invoice = customer.filter((e) => e.truth.theme === 'invoice');

    // Assess
    expect(repair.length).toBeGreaterThan(100);
    expect(invoice.length).toBeGreaterThan(100);
    expect(new Set(repair.map((e) => e.mention.text)).size).toBeGreaterThan(repair.length * 0.6);
    expect(new Set(invoice.map((e) => e.mention.text)).size).toBeGreaterThan(invoice.length * 0.6);
  });

  it('drops the fixed theme to at most half its daily rate from the fix date on, while the other goes on', () => {
    // Arrange
    const days = daysOf(history);
    const fix = history.plan.fixedTheme.fixDate;
    const before = days.filter((d) => d < fix);
    const after = days.filter((d) => d >= fix);
    const repair = customer.filter((e) => e.truth.theme === 'repair');
    const invoice = customer.filter((e) => e.truth.theme === 'invoice');

    // Act
    const repairBefore = perDay(repair, before);
    const repairAfter = perDay(repair, after);

    // Assess
    expect(fix).toBe('2026-11-12');
    expect(repairAfter).toBeLessThanOrEqual(repairBefore / 2);
    expect(perDay(invoice, after)).toBeGreaterThanOrEqual(perDay(invoice, before));
  });

  it('has ideas backed by several authors with reactions, and projects naming their organisation and place', () => {
    // Act
    const ideas = customer.filter((e) => e.truth.theme?.startsWith('idea:'));
    const projects = customer.filter((e) => e.truth.theme?.startsWith('project:'));
    const authorsOf = (theme: string) =>
      new Set(customer.filter((e) => e.truth.theme === theme).map((e) => e.mention.author.id)).size;

    // Assess
    for (const key of history.plan.ideas) expect(authorsOf(`idea:${key}`)).toBeGreaterThanOrEqual(3);
    expect(ideas.every((e) => e.reactions >= 0) && ideas.some((e) => e.reactions > 10)).toBe(true);
    for (const project of history.plan.projects) {
      const texts = customer
        .filter((e) => e.truth.theme === `project:${project.key}`)
        .map((e) => e.mention.text.toLowerCase());
      expect(texts.length).toBeGreaterThan(0);
      expect(
        texts.some((t) => t.includes(project.organisation.toLowerCase()) || t.includes(project.place.toLowerCase())),
      ).toBe(true);
    }
    expect(projects.length).toBeGreaterThan(50);
  });

  it('surges one platform and category for a few hours in the last week at many times its usual hourly rate', () => {
    // Arrange
    const { surge } = history.plan;
    const start = Date.parse(surge.start);
    const inHour = (e: HistoryMentionEvent, from: number) =>
      Date.parse(e.at) >= from && Date.parse(e.at) < from + 3_600_000;
    const matching = customer.filter((e) => e.mention.platform === surge.platform && e.truth.intent === surge.category);
    // The same hours of the week in the weeks before: the surge's own baseline.
    const baselineHours = [1, 2, 3, 4, 5].flatMap((weeksBack) =>
      Array.from({ length: surge.hours }, (_, h) => start + h * 3_600_000 - weeksBack * 7 * 86_400_000),
    );
    const usual =
      baselineHours.reduce((sum, from) => sum + matching.filter((e) => inHour(e, from)).length, 0) /
      baselineHours.length;

    // Act
    const surged = Array.from(
      { length: surge.hours },
      (_, h) => matching.filter((e) => inHour(e, start + h * 3_600_000)).length,
    );

    // Assess
    expect(Date.parse(surge.start)).toBeGreaterThanOrEqual(Date.parse('2026-11-26T00:00:00Z'));
    expect(surge.hours).toBeGreaterThanOrEqual(2);
    for (const count of surged) expect(count).toBeGreaterThanOrEqual(Math.max(5 * usual, 5));
  });

  it('writes more by day than by night and more on weekdays than on Sundays', () => {
    // Arrange
    const hourOf = (e: HistoryMentionEvent) =>
      Number(
        new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' }).format(new Date(e.at)),
      );
    const weekdayOf = (e: HistoryMentionEvent) => new Date(`${dayIn(new Date(e.at), TZ)}T12:00:00Z`).getUTCDay();
    const plain = customer.filter((e) => e.truth.theme !== 'surge');

    // Act
    const night = plain.filter((e) => hourOf(e) >= 1 && hourOf(e) < 5).length;
    const afternoon = plain.filter((e) => hourOf(e) >= 13 && hourOf(e) < 17).length;
    const sundays = plain.filter((e) => weekdayOf(e) === 0).length / 6;
    const tuesdays = plain.filter((e) => weekdayOf(e) === 2).length / 6;

    // Assess
    expect(afternoon).toBeGreaterThan(night * 10);
    expect(tuesdays).toBeGreaterThan(sundays * 1.3);
  });

  it('answers most conversations, some only days later, some never, and reopens some after resolution', () => {
    // Arrange
    const at = new Map(mentions.map((e) => [e.mention.id, Date.parse(e.at)]));

    // Act
    const replies = history.events.filter((e) => e.type === 'reply');
    const delays = replies.map((r) => (Date.parse(r.at) - (at.get(r.to) as number)) / 60_000);
    const answered = new Set(replies.map((r) => r.to));

    // Assess
    expect(
      replies.every(
        (r) =>
          r.mention.isOwnAccount &&
          r.mention.threadId === mentions.find((m) => m.mention.id === r.to)?.mention.threadId,
      ),
    ).toBe(true);
    expect(answered.size / mentions.length).toBeGreaterThan(0.6);
    expect(answered.size / mentions.length).toBeLessThan(0.95);
    expect(delays.filter((d) => d > 1440).length).toBeGreaterThan(20);
    expect(delays.every((d) => d > 0)).toBe(true);
    expect(mentions.filter((e) => e.truth.followUp).length).toBeGreaterThan(20);
    expect(history.events.filter((e) => e.type === 'resolve').length).toBeGreaterThan(replies.length * 0.7);
  });

  it('lets nothing happen after the last day', () => {
    // Act
    const end = Date.parse('2026-12-02T23:00:00Z');

    // Assess
    expect(history.events.every((e) => Date.parse(e.at) < end)).toBe(true);
  });

  it('counts 23 and 25 hours on the days the clocks change', () => {
    // Act
    const spring = hourStartsOf('2026-03-29', TZ);
    const autumn = hourStartsOf('2026-10-25', TZ);

    // Assess
    expect(spring).toHaveLength(23);
    expect(autumn).toHaveLength(25);
  });

  it('refuses a fix day outside the history', () => {
    // Act
    const act = () => generateHistory({ ...options, days: 7, fixDay: '2026-10-01' });

    // Assess
    expect(act).toThrow(/2026-10-01 is not within 2026-11-26..2026-12-02/);
  });

  it("uses the company's platforms and own accounts, ending yesterday in its timezone", () => {
    // Arrange
    const config = demoConfig();

    // Act
    const started = startHistoryOf(config, new Date('2026-12-02T23:30:00Z'), 1);

    // Assess
    expect(platformsOf(config)).toEqual(['facebook', 'instagram', 'x', 'linkedin', 'youtube', 'tiktok', 'generic']);
    expect(accountsOf(config)).toMatchObject({ facebook: '104729381726354', x: '1529483711625383936' });
    // 23:30 UTC is already the 3rd in Berlin: yesterday is the 2nd.
    expect(started.plan.to).toBe('2026-12-02');
    expect(started.plan.from).toBe('2026-11-26');
    const reply = started.events.find((e) => e.type === 'reply' && e.mention.platform === 'facebook');
    expect(reply?.type === 'reply' ? reply.mention.accountId : undefined).toBe('104729381726354');
  });
});
