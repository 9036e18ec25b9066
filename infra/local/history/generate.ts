import { instantOf } from '../../../shared/domain/business-time.ts';
import type { Category, Mention, Platform } from '../../../shared/domain/mention.ts';
import { previousDay } from '../../../shared/domain/time.ts';
import { seededRandom, type Random } from './random.ts';
import {
  AGENTS,
  COMPLAINT_THEMES,
  FIRST_NAMES,
  FOLLOW_UPS,
  IDEAS,
  KEY_ACCOUNT_LEADS,
  LAST_NAMES,
  LEGAL,
  OTHER,
  OTHER_COMPLAINTS,
  PRAISE,
  PRESS,
  PROJECTS,
  QUESTIONS,
  REPLIES,
  SALES_LEADS,
  SLOTS,
  SURGE_PHRASES,
  type Language,
  type Phrases,
} from './texts.ts';

/**
 * The six-week history behind `npm start -- --history`, made up but lifelike: a pure,
 * seeded generator (same options, same history) of customer mentions, the company's replies
 * and resolutions, in the company's timezone. play.ts puts it through the domain code.
 *
 * What it holds, so that the reports have something to show:
 * - every category in realistic proportions, German and English, on several platforms,
 *   more by day than by night and on weekdays than on Sundays (hour-of-week seasonality),
 *   repeat authors, now and then a key account;
 * - two recurring complaint themes phrased in many ways: `repair` ("Reparatur dauert
 *   Wochen"), fixed on `plan.fixedTheme.fixDate` (its daily rate drops to a fifth), and
 *   `invoice` ("Rechnung falsch"), which goes on and slowly rises;
 * - product ideas backed by several authors (with reactions), community projects naming an
 *   organisation and a place;
 * - one surge in the last week: a public crisis (failing brakes, category legal risk /
 *   crisis) on one platform, for a few hours at many times the usual hourly rate;
 * - replies (some late enough to breach the SLA, some never), resolutions, and customers
 *   who write again after resolution (their case reopens).
 */

export interface HistoryOptions {
  /** The same seed gives the same history. */
  readonly seed: number;
  /** The last day of the history (`YYYY-MM-DD`, company calendar): yesterday, for `npm start`. */
  readonly lastDay: string;
  /** Days of history (default 42: six weeks). */
  readonly days?: number;
  readonly timezone: string;
  /** Platforms the company receives mentions from; the history uses these only. */
  readonly platforms: readonly Platform[];
  /** The company's own account id per platform (the author of its replies). */
  readonly accounts?: Partial<Record<Platform, string>>;
  /** Average customer mentions per day (default 60). */
  readonly mentionsPerDay?: number;
  /** The day the `repair` theme's fix takes effect (default: the middle day). */
  readonly fixDay?: string;
  /** The source of `generic` mentions (a configured review or form source; default `trustpilot`). */
  readonly genericSource?: string;
}

/** Where a mention comes from in the history: its intended category and theme (ground truth, for measuring). */
export interface HistoryTruth {
  readonly intent: Category;
  readonly language: Language;
  /** `repair`, `invoice`, `surge`, `idea:<key>`, `project:<key>`; absent for everyday mentions. */
  readonly theme?: string;
  /** The customer wrote again after resolution. */
  readonly followUp?: boolean;
}

/** A customer's mention, at its `createdAt`. */
export interface HistoryMentionEvent {
  readonly type: 'mention';
  readonly at: string;
  readonly mention: Mention;
  readonly truth: HistoryTruth;
  /** Likes, shares and replies the post got (ideas and projects; 0 elsewhere). */
  readonly reactions: number;
}

/** The company answers the mention `to` in its thread: `mention` is its own public reply. */
export interface HistoryReplyEvent {
  readonly type: 'reply';
  readonly at: string;
  readonly to: string;
  readonly mention: Mention;
}

/** The department resolves the case of the mention `of`. */
export interface HistoryResolveEvent {
  readonly type: 'resolve';
  readonly at: string;
  readonly of: string;
}

export type HistoryEvent = HistoryMentionEvent | HistoryReplyEvent | HistoryResolveEvent;

/** What the history was made to contain, for the hooks (the defect marking) and the tests. */
export interface HistoryPlan {
  readonly seed: number;
  readonly from: string;
  readonly to: string;
  readonly timezone: string;
  /** The theme marked as a known defect, fixed on `fixDate`. */
  readonly fixedTheme: {
    readonly key: 'repair';
    readonly labels: Readonly<Record<Language, string>>;
    readonly fixDate: string;
    readonly owner: string;
  };
  readonly ongoingTheme: { readonly key: 'invoice'; readonly labels: Readonly<Record<Language, string>> };
  /** The surge: `hours` hours from `start` (ISO, an hour's start) of `category` on `platform`. */
  readonly surge: {
    readonly platform: Platform;
    readonly category: Category;
    readonly start: string;
    readonly hours: number;
    readonly perHour: readonly number[];
  };
  readonly ideas: readonly string[];
  readonly projects: readonly { readonly key: string; readonly organisation: string; readonly place: string }[];
}

export interface History {
  readonly plan: HistoryPlan;
  /** Every event, oldest first. */
  readonly events: readonly HistoryEvent[];
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Share of each hour of the day in a day's mentions: quiet nights, busy days, an evening peak. */
const CONSUMER_HOURS = [
  0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 0.8, 1.8, 2.6, 3, 3.2, 3.4, 3.6, 3.4, 3.2, 3.2, 3.4, 3.8, 4.2, 4.4, 4, 3, 1.8, 0.9,
];
/** Leads and press write in office hours. */
const OFFICE_HOURS = [
  0, 0, 0, 0, 0, 0, 0.1, 0.6, 2.5, 4, 4, 3.6, 2.4, 3.4, 3.8, 3.4, 2.4, 1.2, 0.5, 0.2, 0.1, 0.1, 0, 0,
];
/** Day-of-week factor, Sunday first (Date#getUTCDay). */
const WEEKDAY = [0.65, 1.15, 1.1, 1.05, 1, 0.95, 0.8];
const OFFICE_WEEKDAY = [0.05, 1.2, 1.1, 1.1, 1, 0.9, 0.1];

interface Stream {
  readonly intent: Category;
  /** Mentions per day at scale 1. */
  readonly perDay: (dayIndex: number, day: string) => number;
  readonly office?: boolean;
  readonly phrases: (random: Random) => { phrases: Phrases; theme?: string; reactions?: number };
  /** Platform weights replacing the default ones. */
  readonly platforms?: Partial<Record<Platform, number>>;
  readonly english?: number;
}

const DEFAULT_PLATFORMS: Record<Platform, number> = {
  facebook: 30,
  instagram: 22,
  x: 18,
  linkedin: 6,
  youtube: 6,
  tiktok: 8,
  generic: 10,
  mastodon: 3,
  bluesky: 3,
};

/** Average customer mentions per day of the streams below at scale 1 (about 60). */
const BASE_PER_DAY = 60.5;

/**
 * Makes the history.
 * @throws Error when no platform is given or the fix day lies outside the history
 */
export function generateHistory(options: HistoryOptions): History {
  if (options.platforms.length === 0) throw new Error('the history needs at least one platform');
  const random = seededRandom(options.seed);
  const totalDays = options.days ?? 42;
  const days: string[] = [options.lastDay];
  while (days.length < totalDays) days.unshift(previousDay(days[0] as string));
  const fixDay = options.fixDay ?? (days[Math.floor(days.length / 2)] as string);
  const fixIndex = days.indexOf(fixDay);
  if (fixIndex < 0) throw new Error(`the fix day ${fixDay} is not within ${days[0]}..${options.lastDay}`);
  const scale = (options.mentionsPerDay ?? BASE_PER_DAY) / BASE_PER_DAY;
  const tz = options.timezone;
  const platformOf = (weights: Partial<Record<Platform, number>> | undefined): Platform => {
    const choices = options.platforms
      // A platform added since these weights were chosen gets a small share of its own.
      .map((p) => [p, weights?.[p] ?? DEFAULT_PLATFORMS[p] ?? 1] as const)
      .filter(([, w]) => w > 0);
    // A stream none of whose platforms the company has still arrives, on its first platform.
    return choices.length > 0 ? random.weighted(choices) : (options.platforms[0] as Platform);
  };

  const streams: Stream[] = [
    // The fixed theme: steady, then a fifth of it from the fix day on.
    {
      intent: 'complaint',
      perDay: (i) => (i < fixIndex ? 6 : 1.2),
      phrases: () => ({ phrases: COMPLAINT_THEMES.repair.phrases, theme: 'repair' }),
      english: 0.25,
    },
    // The ongoing theme rises by a third over the history.
    {
      intent: 'complaint',
      perDay: (i) => 3.5 * (1 + i / days.length / 3),
      phrases: () => ({ phrases: COMPLAINT_THEMES.invoice.phrases, theme: 'invoice' }),
      platforms: { generic: 20 },
      english: 0.2,
    },
    {
      intent: 'complaint',
      perDay: () => 7,
      phrases: () => ({ phrases: OTHER_COMPLAINTS }),
      platforms: { generic: 18 },
    },
    { intent: 'question', perDay: () => 13, phrases: () => ({ phrases: QUESTIONS }) },
    {
      intent: 'praise',
      perDay: () => 10,
      phrases: () => ({ phrases: PRAISE }),
      platforms: { instagram: 30, generic: 16 },
    },
    {
      intent: 'sales_lead',
      perDay: () => 3.2,
      office: true,
      phrases: () => ({ phrases: SALES_LEADS }),
      platforms: { linkedin: 40, facebook: 15, x: 5, instagram: 5, tiktok: 0, youtube: 0 },
    },
    {
      intent: 'sales_lead',
      perDay: () => 0.4,
      office: true,
      phrases: () => ({ phrases: KEY_ACCOUNT_LEADS, theme: 'key-account' }),
      platforms: { linkedin: 40, facebook: 10, x: 10, instagram: 0, tiktok: 0, youtube: 0, generic: 0 },
    },
    {
      intent: 'product_idea',
      perDay: () => 5,
      phrases: (r) => {
        const idea = r.weighted(IDEAS.map((i) => [i, i.weight] as const));
        return {
          phrases: idea.phrases,
          theme: `idea:${idea.key}`,
          reactions: Math.round(r.logNormal(6 * idea.weight, 0.9)),
        };
      },
      platforms: { instagram: 30, facebook: 30, generic: 4 },
    },
    {
      intent: 'community_project',
      perDay: () => 2.4,
      phrases: (r) => {
        const project = r.weighted(PROJECTS.map((p) => [p, p.weight] as const));
        return {
          phrases: project.phrases,
          theme: `project:${project.key}`,
          reactions: Math.round(r.logNormal(8 * project.weight, 0.8)),
        };
      },
      platforms: { facebook: 45, instagram: 25, generic: 0 },
      english: 0.1,
    },
    {
      intent: 'press_inquiry',
      perDay: () => 1.2,
      office: true,
      phrases: () => ({ phrases: PRESS }),
      platforms: { x: 30, linkedin: 20, facebook: 15, instagram: 3, tiktok: 0, youtube: 0, generic: 10 },
    },
    { intent: 'legal_risk', perDay: () => 0.3, phrases: () => ({ phrases: LEGAL }) },
    {
      intent: 'other',
      perDay: () => 8.5,
      phrases: () => ({ phrases: OTHER }),
      platforms: { instagram: 30, tiktok: 20, youtube: 12, generic: 0 },
    },
  ];

  const surgePlatform: Platform = options.platforms.includes('x') ? 'x' : (options.platforms[0] as Platform);
  // The surge: in the last week (three days before the end), from 14:00 for three hours.
  const surgeDay = days[Math.max(0, days.length - 4)] as string;
  const surgeStart = instantOf(surgeDay, 14 * 60, tz);
  const surgePerHour = [9, 16, 11].map((n) => Math.max(3, Math.round(n * Math.sqrt(scale))));

  const people = createPeople(random);
  const events: HistoryEvent[] = [];
  let sequence = 0;
  const prefix = `hist-${options.seed}-${options.lastDay.replaceAll('-', '')}`;
  const context: Context = {
    random,
    options,
    events,
    people,
    prefix,
    nextId: () => ++sequence,
    endMs: instantOf(options.lastDay, 24 * 60, tz),
    platformOf,
  };

  for (const [dayIndex, day] of days.entries()) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    const hours = hourStartsOf(day, tz);
    for (const stream of streams) {
      const profile = stream.office ? OFFICE_HOURS : CONSUMER_HOURS;
      const dayFactor = (stream.office ? OFFICE_WEEKDAY : WEEKDAY)[weekday] ?? 1;
      const perDay = stream.perDay(dayIndex, day) * scale * dayFactor;
      const profileTotal = profile.reduce((a, b) => a + b, 0);
      for (const [hour, startMs] of hours.entries()) {
        const count = random.poisson((perDay * (profile[hour] ?? 0)) / profileTotal);
        for (let n = 0; n < count; n++) {
          const chosen = stream.phrases(random);
          const at = startMs + random.int(0, HOUR_MS - 1000);
          conversation(context, {
            at,
            intent: stream.intent,
            phrases: chosen.phrases,
            platform: platformOf(stream.platforms),
            english: stream.english ?? 0.3,
            ...(chosen.theme ? { theme: chosen.theme } : {}),
            reactions: chosen.reactions ?? 0,
          });
        }
      }
    }
    if (day === surgeDay) {
      for (const [h, count] of surgePerHour.entries()) {
        for (let n = 0; n < count; n++) {
          const at = surgeStart + h * HOUR_MS + random.int(0, HOUR_MS - 1000);
          conversation(context, {
            at,
            intent: 'legal_risk',
            phrases: SURGE_PHRASES,
            platform: surgePlatform,
            english: 0.2,
            theme: 'surge',
            reactions: random.int(0, 40),
          });
        }
      }
    }
  }

  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return {
    plan: {
      seed: options.seed,
      from: days[0] as string,
      to: options.lastDay,
      timezone: tz,
      fixedTheme: { key: 'repair', labels: COMPLAINT_THEMES.repair.label, fixDate: fixDay, owner: 'Aylin Demir' },
      ongoingTheme: { key: 'invoice', labels: COMPLAINT_THEMES.invoice.label },
      surge: {
        platform: surgePlatform,
        category: 'legal_risk',
        start: new Date(surgeStart).toISOString(),
        hours: surgePerHour.length,
        perHour: surgePerHour,
      },
      ideas: IDEAS.map((i) => i.key),
      projects: PROJECTS.map(({ key, organisation, place }) => ({ key, organisation, place })),
    },
    events,
  };
}

/** The instant each hour of a company day starts (23 or 25 of them on the days the clocks change). */
export function hourStartsOf(day: string, timezone: string): number[] {
  const starts: number[] = [];
  const end = instantOf(day, 24 * 60, timezone);
  for (let t = instantOf(day, 0, timezone); t < end; t += HOUR_MS) starts.push(t);
  return starts;
}

interface Person {
  readonly id: string;
  readonly language: Language;
  readonly first: string;
  readonly name: string;
  readonly handle: string;
  readonly followers: number;
}

interface Context {
  readonly random: Random;
  readonly options: HistoryOptions;
  readonly events: HistoryEvent[];
  readonly people: Readonly<Record<Language, readonly Person[]>>;
  readonly nextId: () => number;
  /** Of every id the history makes: seed and last day, so a later history never reuses an id of this one. */
  readonly prefix: string;
  /** The end of the history: nothing happens after it. */
  readonly endMs: number;
  readonly platformOf: (weights: Partial<Record<Platform, number>> | undefined) => Platform;
}

/** A crowd of customers per language; a few of them write again and again. */
function createPeople(random: Random): Record<Language, Person[]> {
  const make = (language: Language, count: number): Person[] =>
    Array.from({ length: count }, (_, i) => {
      const first = random.pick(FIRST_NAMES[language]);
      const last = random.pick(LAST_NAMES[language]);
      const handle =
        `${first}${last}`
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z]/g, '') + (random.chance(0.5) ? String(random.int(1, 99)) : '');
      // Most have a few hundred followers; one in fifty has a large following.
      const followers = random.chance(0.02) ? random.int(20_000, 120_000) : Math.round(random.logNormal(180, 1.1));
      return { id: `hist-${language}-${i + 1}`, language, first, name: `${first} ${last}`, handle, followers };
    });
  return { de: make('de', 600), en: make('en', 180) };
}

/** Someone of the crowd, the regulars far more often than the rest. */
function personOf(context: Context, language: Language): Person {
  const crowd = context.people[language];
  return crowd[Math.floor(crowd.length * context.random.next() ** 2.2)] as Person;
}

interface Opening {
  readonly at: number;
  readonly intent: Category;
  readonly phrases: Phrases;
  readonly platform: Platform;
  readonly english: number;
  readonly theme?: string;
  readonly reactions: number;
}

/**
 * How a department deals with a new conversation of a category: how often it answers, how
 * fast (median minutes), how often it resolves an answered case, and how often it closes
 * an unanswered one (praise that needs no answer is closed the same day, other categories
 * days later); the rest stays open.
 */
const HANDLING: Readonly<
  Record<
    Category,
    {
      readonly respond: number;
      readonly medianMinutes: number;
      readonly resolve: number;
      readonly closeUnanswered: number;
      readonly closeSoon?: boolean;
    }
  >
> = {
  complaint: { respond: 0.9, medianMinutes: 50, resolve: 0.93, closeUnanswered: 0.5 },
  question: { respond: 0.92, medianMinutes: 40, resolve: 0.97, closeUnanswered: 0.6 },
  praise: { respond: 0.5, medianMinutes: 90, resolve: 1, closeUnanswered: 0.97, closeSoon: true },
  sales_lead: { respond: 0.9, medianMinutes: 120, resolve: 0.85, closeUnanswered: 0.5 },
  press_inquiry: { respond: 0.95, medianMinutes: 45, resolve: 0.9, closeUnanswered: 0.5 },
  product_idea: { respond: 0.6, medianMinutes: 600, resolve: 0.85, closeUnanswered: 0.7 },
  community_project: { respond: 0.8, medianMinutes: 300, resolve: 0.8, closeUnanswered: 0.6 },
  legal_risk: { respond: 0.95, medianMinutes: 90, resolve: 0.85, closeUnanswered: 0.5 },
  other: { respond: 0.3, medianMinutes: 240, resolve: 0.95, closeUnanswered: 0.95, closeSoon: true },
};

/** A customer opens a conversation; the company replies and resolves it, and sometimes the customer writes again. */
function conversation(context: Context, opening: Opening): void {
  const { random } = context;
  if (opening.at >= context.endMs) return;
  const language: Language = random.chance(opening.english) ? 'en' : 'de';
  const person = personOf(context, language);
  const thread = `${context.prefix}-t${context.nextId()}`;
  const first = customerMention(context, {
    ...opening,
    language,
    person,
    thread,
    text: fill(random, random.pick(opening.phrases[language]), language),
  });
  context.events.push(first);
  const handling = HANDLING[opening.intent];
  let replyTo = first;
  for (let round = 0; round < 2; round++) {
    const responded = random.chance(handling.respond);
    if (!responded) {
      if (!random.chance(handling.closeUnanswered)) return;
      const closeAt = handling.closeSoon
        ? workingTime(context, Date.parse(replyTo.at) + random.int(10, 180) * MINUTE_MS)
        : Date.parse(replyTo.at) + random.int(2, 10) * 1440 * MINUTE_MS;
      push(context, { type: 'resolve', at: iso(closeAt), of: replyTo.mention.id });
      return;
    }
    // One answer in nine comes days late: the SLA is breached.
    const late = random.chance(1 / 9);
    const delay = late ? random.int(1, 3) * 1440 + random.int(0, 300) : random.logNormal(handling.medianMinutes, 0.8);
    const replyAt = workingTime(context, Date.parse(replyTo.at) + delay * MINUTE_MS);
    if (
      !push(context, {
        type: 'reply',
        at: iso(replyAt),
        to: replyTo.mention.id,
        mention: ownReply(context, replyTo, replyAt, language, person),
      })
    )
      return;
    if (!random.chance(handling.resolve)) return;
    const resolveAt = workingTime(context, replyAt + random.logNormal(240, 1.3) * MINUTE_MS);
    if (!push(context, { type: 'resolve', at: iso(resolveAt), of: replyTo.mention.id })) return;
    // Some complaints and questions come back: the customer writes in the thread again, the case reopens.
    if (round > 0 || !(opening.intent === 'complaint' || opening.intent === 'question') || !random.chance(0.08)) return;
    const againAt = resolveAt + random.int(2 * 60, 4 * 1440) * MINUTE_MS;
    if (againAt >= context.endMs) return;
    const again = customerMention(context, {
      ...opening,
      at: againAt,
      language,
      person,
      thread,
      text: fill(random, random.pick(FOLLOW_UPS[language]), language),
      inReplyTo: replyTo.mention.externalId,
      followUp: true,
      reactions: 0,
    });
    context.events.push(again);
    replyTo = again;
  }
}

/** Pushes an event that happens within the history; false (nothing pushed) for one after its end. */
function push(context: Context, event: HistoryEvent): boolean {
  if (Date.parse(event.at) >= context.endMs) return false;
  context.events.push(event);
  return true;
}

/** The next moment at or after `ms` when people work: Monday to Friday 08:00-18:00, Saturday 10:00-16:00, company time. */
function workingTime(context: Context, ms: number): number {
  let t = ms;
  for (let i = 0; i < 24 * 8; i++) {
    const { weekday, hour } = wallOf(t, context.options.timezone);
    const open = weekday === 6 ? hour >= 10 && hour < 16 : weekday !== 0 && hour >= 8 && hour < 18;
    if (open) return t;
    // To the next full hour, then a few minutes into it: nobody answers at 08:00:00 sharp.
    t = Math.floor(t / HOUR_MS) * HOUR_MS + HOUR_MS + context.random.int(5, 50) * MINUTE_MS;
  }
  return t;
}

const WALL_FORMATS = new Map<string, Intl.DateTimeFormat>();

function wallOf(ms: number, timezone: string): { weekday: number; hour: number } {
  let format = WALL_FORMATS.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    WALL_FORMATS.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return {
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? ''),
    hour: Number(parts.hour),
  };
}

function customerMention(
  context: Context,
  input: Opening & {
    readonly language: Language;
    readonly person: Person;
    readonly thread: string;
    readonly text: string;
    readonly inReplyTo?: string;
    readonly followUp?: boolean;
  },
): HistoryMentionEvent {
  const externalId = `${context.prefix}-m${context.nextId()}`;
  const at = iso(input.at);
  const mention: Mention = {
    id: `${input.platform}:${externalId}`,
    platform: input.platform,
    kind:
      input.platform === 'generic'
        ? 'review'
        : input.inReplyTo
          ? 'comment'
          : input.platform === 'x' || input.platform === 'linkedin'
            ? 'mention'
            : 'comment',
    externalId,
    threadId: input.thread,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    accountId: context.options.accounts?.[input.platform] ?? `${input.platform}-account`,
    author: {
      id: input.person.id,
      name: input.person.name,
      handle: `@${input.person.handle}`,
      followers: input.person.followers,
    },
    text: input.text,
    ...(input.platform === 'x' ? { language: input.language } : {}),
    isOwnAccount: false,
    rawType: 'history',
    createdAt: at,
    receivedAt: iso(input.at + 2000),
    url: urlOf(input.platform, externalId),
    ...(input.platform === 'generic' ? { source: context.options.genericSource ?? 'trustpilot' } : {}),
  };
  return {
    type: 'mention',
    at,
    mention,
    truth: {
      intent: input.intent,
      language: input.language,
      ...(input.theme ? { theme: input.theme } : {}),
      ...(input.followUp ? { followUp: true } : {}),
    },
    reactions: input.reactions,
  };
}

function ownReply(
  context: Context,
  to: HistoryMentionEvent,
  atMs: number,
  language: Language,
  person: Person,
): Mention {
  const externalId = `${context.prefix}-r${context.nextId()}`;
  const platform = to.mention.platform;
  const account = context.options.accounts?.[platform] ?? `${platform}-account`;
  const text = fill(context.random, context.random.pick(REPLIES[language]), language)
    .replace('{first}', person.first)
    .replace('{agent}', context.random.pick(AGENTS));
  return {
    id: `${platform}:${externalId}`,
    platform,
    kind: platform === 'generic' ? 'review' : 'comment',
    externalId,
    threadId: to.mention.threadId,
    inReplyTo: to.mention.externalId,
    accountId: account,
    author: { id: account, name: 'Radwerk Hansen', handle: '@radwerkhansen' },
    text,
    isOwnAccount: true,
    rawType: 'history',
    createdAt: iso(atMs),
    receivedAt: iso(atMs + 2000),
    url: urlOf(platform, externalId),
    ...(platform === 'generic' ? { source: context.options.genericSource ?? 'trustpilot' } : {}),
  };
}

function urlOf(platform: Platform, externalId: string): string {
  const host: Record<Platform, string> = {
    facebook: 'https://www.facebook.com/radwerkhansen/posts/',
    instagram: 'https://www.instagram.com/p/',
    x: 'https://x.com/i/web/status/',
    linkedin: 'https://www.linkedin.com/feed/update/',
    youtube: 'https://www.youtube.com/watch?v=',
    tiktok: 'https://www.tiktok.com/@radwerkhansen/video/',
    mastodon: 'https://mastodon.social/@radwerkhansen/',
    bluesky: 'https://bsky.app/profile/radwerkhansen/post/',
    generic: 'https://www.trustpilot.com/reviews/',
  };
  return `${host[platform] ?? `https://${platform}.example/`}${externalId}`;
}

/**
 * Fills a template's slots and varies how it is written: all lower case, a typo, no final
 * punctuation, a mention of the company's handle, an emoji.
 */
export function fill(random: Random, template: string, language: Language): string {
  let text = template.replace(/\{(\w+)\}/g, (whole, slot: string) => {
    const values = SLOTS[slot]?.[language];
    return values ? random.pick(values) : whole;
  });
  text = text.replace(/\s+/g, ' ').trim();
  if (random.chance(0.12)) text = text.toLowerCase();
  if (random.chance(0.12)) text = typo(random, text);
  if (random.chance(0.1)) text = text.replace(/[.!]+$/, '');
  if (random.chance(0.08) && !text.includes('@radwerkhansen')) text = `@radwerkhansen ${text}`;
  if (random.chance(0.06)) text = `${text} ${random.pick(['😕', '🚲', '😡', '🙏', '👍'])}`;
  return text;
}

/** Swaps two letters of one longer word, as fast thumbs do. */
function typo(random: Random, text: string): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => /^\p{L}{5,}$/u.test(w));
  if (candidates.length === 0) return text;
  const [word, index] = random.pick(candidates);
  const at = random.int(1, word.length - 3);
  words[index] = word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
  return words.join(' ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
