import { createHash } from 'node:crypto';
import { changeCase, type ChangeCaseDeps } from '../change-case.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { SpikeDetected } from '../events.ts';
import type { SpikeDimension } from '../insights.ts';
import { notifyDepartment, type NotifyDepartmentDeps } from '../notify-department.ts';
import type { NotificationOptions, NotificationTarget, NotifiedDepartment } from '../notification.ts';
import type { Clock } from '../ports.ts';
import { expiresAtEpochSeconds } from '../time.ts';
import {
  addHours,
  detectInSeries,
  HOUR_MS,
  seasonOfHourIn,
  seriesOf,
  WEEK_HOURS,
  type SpikeParameters,
  type SpikeTest,
} from './detector.ts';
import type { RateStore, SpikeEventPublisher, SpikeRepository, StoredSpike } from './ports.ts';
import { notificationForSpike } from './spike-notification.ts';

/** Cases a spike tags and lists, at most (the rest of a big surge is in its counts). */
export const SPIKE_CASE_LIMIT = 200;
/** A surge that goes on longer than this is announced again as a new spike, so a day-long crisis is not one stale alarm. */
export const MAX_SPIKE_HOURS = 24;

/** A department as the spike's notifications see it: who leads it and where it is told. */
export interface SpikeNotifiedDepartment extends NotifiedDepartment {
  readonly notify?: readonly NotificationTarget[] | undefined;
}

export interface EvaluateSpikesDeps {
  readonly companyId: string;
  readonly timezone: string;
  readonly params: SpikeParameters;
  readonly rates: Pick<RateStore, 'counts' | 'membersOf'>;
  readonly spikes: SpikeRepository;
  readonly events: SpikeEventPublisher;
  readonly clock: Clock;
  /** Days a spike is kept (the company's retention). */
  readonly retentionDays: number;
  /** The case-change path, for the `spike:<id>` tags. */
  readonly change: ChangeCaseDeps;
  /** Every department of the company, with its leads and targets. */
  readonly departments: readonly SpikeNotifiedDepartment[];
  /** The press department, told of every spike (absent: only the departments involved). */
  readonly press?: string;
  readonly notificationOptions: NotificationOptions;
  readonly notify: Omit<NotifyDepartmentDeps, 'expiresAt' | 'clock'>;
  /** A theme's readable label (the themes part); without it a theme spike is labelled by its id. */
  readonly themeLabel?: (themeId: string) => Promise<string | undefined>;
  /** Hours a run catches up at most (default: the baseline's weeks): older hours have no counters left to judge. */
  readonly maxCatchUpHours?: number;
}

/**
 * Which hours to evaluate: every hour after the cursor up to `through` (the schedule); every
 * hour from `from` to `through` (a replayed history, a catch-up by hand: the cursor moves
 * too); or one `hour` by hand (the cursor stays).
 */
export type EvaluateSpikesRequest = { readonly through: string; readonly from?: string } | { readonly hour: string };

export interface EvaluateSpikesResult {
  /** The hours evaluated, oldest first. */
  readonly hours: readonly string[];
  /** Hours after the cursor that were too old to evaluate (an outage longer than the counters' history). */
  readonly skippedHours: number;
  /** Spikes announced in this run. */
  readonly detected: readonly StoredSpike[];
  /** Surging hours added to a spike announced before (no second alarm). */
  readonly continued: number;
  /**
   * Surges of a category or platform whose cases mostly belong to a more specific spike of
   * the same hour (a theme's surge lifts its category and platform too): not announced again.
   */
  readonly covered: number;
  /** Cases tagged now. */
  readonly tagged: number;
}

/**
 * Evaluates the hourly rates for spikes.
 *
 * 1. the hours: every hour after the cursor up to `through` (none skipped after an outage, up
 *    to `maxCatchUpHours`; the first run starts at `through`), every hour from `from`, or the
 *    one `hour` asked for
 * 2. load the counters of those hours and of the baseline's weeks before them, once
 * 3. per hour, oldest first: test every value with mentions (detector.ts); for a spike
 *    - the same value surged within `cooldownHours` before: add the hour to that spike and
 *      tag its cases (no second alarm)
 *    - a category or platform whose cases are mostly in a theme's spike of that hour: the
 *      same surge, seen from further away: not announced again
 *    - else store the spike (its id comes from value and hour, so a retry finds it), tag
 *      its cases `spike:<id>`, notify press and the leads of the departments involved,
 *      publish `Spike Detected`, mark it published
 * 4. move the cursor past the hour (not for a single `hour` by hand)
 *
 * A failure throws before the cursor moves, so the retry evaluates the hour again; every
 * step of a spike is idempotent (tags by transition id, notifications by their log, the
 * spike by its id and its published mark), so nobody hears of a spike twice.
 */
export async function evaluateSpikes(
  request: EvaluateSpikesRequest,
  deps: EvaluateSpikesDeps,
): Promise<EvaluateSpikesResult> {
  const { hours, skippedHours } = await hoursToEvaluate(request, deps);
  if (hours.length === 0) return { hours, skippedHours, detected: [], continued: 0, covered: 0, tagged: 0 };
  const first = hours[0] as string;
  const last = hours[hours.length - 1] as string;
  const counts = await deps.rates.counts(addHours(first, -deps.params.weeks * WEEK_HOURS), last);
  const series = seriesOf(counts);
  // Hours before the first counter are unknown (counting had not begun), not quiet.
  const historyStartMs = counts.reduce((min, c) => Math.min(min, Date.parse(c.hour)), Date.parse(first));
  const seasonOf = seasonOfHourIn(deps.timezone);
  const recent = await deps.spikes.spikesBetween(addHours(first, -(MAX_SPIKE_HOURS + deps.params.cooldownHours)), last);
  const detected: StoredSpike[] = [];
  let continued = 0;
  let tagged = 0;
  let covered = 0;
  for (const hour of hours) {
    // The most specific first: a theme's surge also lifts its category and platform.
    const tests = detectInSeries(Date.parse(hour), series, historyStartMs, deps.params, seasonOf)
      .filter((t) => t.spike)
      .sort((a, b) => SPECIFICITY.indexOf(a.dimension) - SPECIFICITY.indexOf(b.dimension));
    for (const test of tests) {
      const outcome = await handleSpike(test, recent, deps);
      tagged += outcome.tagged;
      if (outcome.kind === 'covered') covered++;
      if (outcome.kind === 'continued') continued++;
      if (outcome.kind === 'new' && outcome.spike) {
        detected.push(outcome.spike);
        recent.push(outcome.spike);
      }
    }
    if ('through' in request) await deps.spikes.advanceCursor(hour);
  }
  return { hours, skippedHours, detected, continued, covered, tagged };
}

/** Dimensions from the most specific: a surge is announced where it is most precise. */
const SPECIFICITY: readonly SpikeDimension[] = ['theme', 'category', 'platform'];
/** Share of a surge's cases that, held by a spike of the same hour, make it that spike's echo. */
const COVERED_SHARE = 0.5;

async function hoursToEvaluate(
  request: EvaluateSpikesRequest,
  deps: EvaluateSpikesDeps,
): Promise<{ hours: string[]; skippedHours: number }> {
  if ('hour' in request) return { hours: [request.hour], skippedHours: 0 };
  const cursor = request.from ? undefined : await deps.spikes.cursor();
  const through = Date.parse(request.through);
  let from = request.from ? Date.parse(request.from) : cursor ? Date.parse(cursor) + HOUR_MS : through;
  const cap = deps.maxCatchUpHours ?? deps.params.weeks * WEEK_HOURS;
  const earliest = through - (cap - 1) * HOUR_MS;
  const skippedHours = Math.max(0, Math.round((earliest - from) / HOUR_MS));
  from = Math.max(from, earliest);
  const hours: string[] = [];
  for (let h = from; h <= through; h += HOUR_MS) hours.push(new Date(h).toISOString());
  return { hours, skippedHours };
}

type SpikeOutcome = { kind: 'new' | 'continued' | 'known' | 'covered'; spike?: StoredSpike; tagged: number };

async function handleSpike(test: SpikeTest, recent: StoredSpike[], deps: EvaluateSpikesDeps): Promise<SpikeOutcome> {
  const hourMs = Date.parse(test.hour);
  const same = recent.filter((s) => s.dimension === test.dimension && s.value === test.value);
  // Announced for this very hour, or already extended over it: a retry or an evaluation by hand.
  const known = same.find((s) => s.publishedAt && Date.parse(s.hour) <= hourMs && hourMs <= Date.parse(s.lastHour));
  if (known) return { kind: 'known', spike: known, tagged: 0 };
  const ongoing = same.find(
    (s) =>
      Date.parse(s.hour) < hourMs &&
      Date.parse(s.lastHour) < hourMs &&
      hourMs - Date.parse(s.lastHour) <= deps.params.cooldownHours * HOUR_MS &&
      hourMs - Date.parse(s.hour) < MAX_SPIKE_HOURS * HOUR_MS,
  );
  const members = await deps.rates.membersOf(
    test.hour,
    { dimension: test.dimension, value: test.value },
    SPIKE_CASE_LIMIT,
  );
  const caseIds = unique(members.map((m) => m.caseId)).slice(0, SPIKE_CASE_LIMIT);
  const echo = recent.find(
    (s) =>
      Date.parse(s.hour) <= hourMs &&
      hourMs <= Date.parse(s.lastHour) &&
      SPECIFICITY.indexOf(s.dimension) < SPECIFICITY.indexOf(test.dimension) &&
      covers(s, caseIds),
  );
  if (echo) return { kind: 'covered', tagged: 0 };
  if (ongoing) {
    const newCases = caseIds.filter((id) => !ongoing.caseIds.includes(id));
    const extended = await deps.spikes.extend(ongoing, test.hour, test.observed, newCases);
    const tagged = await tagCases(ongoing, newCases, deps);
    const spike: StoredSpike = extended
      ? {
          ...ongoing,
          lastHour: test.hour,
          hours: ongoing.hours + 1,
          totalObserved: ongoing.totalObserved + test.observed,
          caseIds: unique([...ongoing.caseIds, ...newCases]).slice(0, SPIKE_CASE_LIMIT),
        }
      : ongoing;
    recent[recent.indexOf(ongoing)] = spike;
    return { kind: 'continued', spike, tagged };
  }
  const now = deps.clock.now();
  const candidate: StoredSpike = {
    id: spikeIdOf(test.dimension, test.value, test.hour),
    dimension: test.dimension,
    value: test.value,
    label: await labelOf(test.dimension, test.value, deps),
    hour: test.hour,
    detectedAt: now.toISOString(),
    observed: test.observed,
    expected: round(test.expected),
    probability: test.probability,
    departments: unique(members.map((m) => m.department)).sort(),
    caseIds,
    lastHour: test.hour,
    hours: 1,
    totalObserved: test.observed,
  };
  const { stored: spike } = await deps.spikes.putIfAbsent(candidate, expiresAtEpochSeconds(now, deps.retentionDays));
  if (spike.publishedAt) return { kind: 'known', spike, tagged: 0 };
  const tagged = await tagCases(spike, spike.caseIds, deps);
  await notifySpike(spike, deps);
  await deps.events.publishSpikeDetected([spikeDetectedOf(deps.companyId, spike)]);
  const published = { ...spike, publishedAt: deps.clock.now().toISOString() };
  await deps.spikes.markPublished(spike, published.publishedAt);
  return { kind: 'new', spike: published, tagged };
}

function covers(spike: StoredSpike, caseIds: readonly string[]): boolean {
  if (caseIds.length === 0) return false;
  const held = caseIds.filter((id) => spike.caseIds.includes(id)).length;
  return held / caseIds.length >= COVERED_SHARE;
}

/** The spike's id: the same value surging in the same hour is the same spike, whoever finds it. */
export function spikeIdOf(dimension: SpikeDimension, value: string, hour: string): string {
  return `spk_${createHash('sha256').update(`${dimension}\n${value}\n${hour}`).digest('hex').slice(0, 16)}`;
}

/** The tag a spike puts on its cases. */
export function spikeTag(spikeId: string): string {
  return `spike:${spikeId}`;
}

/** Tags each case through the case-change path (transition `spike:<id>`: once per case); a case gone since is skipped. */
async function tagCases(spike: StoredSpike, caseIds: readonly string[], deps: EvaluateSpikesDeps): Promise<number> {
  let tagged = 0;
  const reason = `${spike.dimension} ${spike.label} surged: ${spike.observed} mentions in an hour where ${round(spike.expected)} are usual`;
  for (const caseId of caseIds) {
    try {
      const outcome = await changeCase(
        caseId,
        { type: 'tag', tags: [spikeTag(spike.id)], reason },
        { transitionId: `spike:${spike.id}`, actor: 'system:detect-spikes' },
        deps.change,
      );
      if (outcome.applied) tagged++;
    } catch (error) {
      // Erased since, or tagged by hand already: nothing to add.
      if (error instanceof NotFoundError || error instanceof ConflictError) continue;
      throw error;
    }
  }
  return tagged;
}

/** Press and every department involved, each once, each target once (the notification log). */
async function notifySpike(spike: StoredSpike, deps: EvaluateSpikesDeps): Promise<void> {
  const recipients = unique([...(deps.press ? [deps.press] : []), ...spike.departments]);
  const expiresAt = expiresAtEpochSeconds(deps.clock.now(), deps.retentionDays);
  for (const id of recipients) {
    const department = deps.departments.find((d) => d.id === id);
    if (!department?.notify || department.notify.length === 0) continue;
    await notifyDepartment(notificationForSpike(spike, department, deps.notificationOptions), department.notify, {
      ...deps.notify,
      clock: deps.clock,
      expiresAt,
    });
  }
}

/** The `Spike Detected` detail of a stored spike. */
export function spikeDetectedOf(companyId: string, spike: StoredSpike): SpikeDetected {
  return {
    companyId,
    spikeId: spike.id,
    dimension: spike.dimension,
    value: spike.value,
    label: spike.label,
    hour: spike.hour,
    detectedAt: spike.detectedAt,
    observed: spike.observed,
    expected: spike.expected,
    probability: spike.probability,
    departments: [...spike.departments],
    caseIds: [...spike.caseIds],
  };
}

async function labelOf(dimension: SpikeDimension, value: string, deps: EvaluateSpikesDeps): Promise<string> {
  if (dimension !== 'theme' || !deps.themeLabel) return value;
  return (await deps.themeLabel(value)) ?? value;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
