import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { RateObservation, SpikeDimension } from '../../domain/insights.ts';
import { SPIKE_DIMENSIONS } from '../../domain/insights.ts';
import type { RateCount } from '../../domain/spikes/detector.ts';
import type { DimensionValue, RateClaim, RateMember, RateStore } from '../../domain/spikes/ports.ts';
import { hourlyCountsOf } from '../../domain/spikes/record-mention-rates.ts';
import { getAll, queryAll } from './query-all.ts';
import { conditionalWrite, keys } from './keys.ts';

/** Prefix of a counter attribute: `n#<dimension>#<value>`. */
const COUNTER_PREFIX = 'n#';
/** Day partitions read at once when loading a baseline's weeks. */
const CONCURRENT_DAYS = 6;
const DAY_MS = 86_400_000;

/**
 * Hours whose claims a store keeps in memory (those read last; mentions arrive for the latest
 * hours): at most {@link RATE_CLAIMS_PER_HOUR} claims each. An hour dropped is read again (its
 * claims' key range only) when needed.
 */
const CACHED_HOURS = 6;
/** Claims of one hour tried before giving up (each refusal means another batch claimed first). */
const MAX_CLAIM_ATTEMPTS = 25;
/** The first wait after a lost claim number (at most, random below it), doubled after each loss. */
const CLAIM_BACKOFF_MS = 5;
/** The longest wait between two attempts: 25 attempts stay within a few seconds of the 30 s timeout. */
const MAX_CLAIM_BACKOFF_MS = 200;

/**
 * Claims an hour holds at most; its later mentions are noted one item each (note mode), as
 * before round w13. Why 256: a quiet or busy hour of a company fits (the bench's 200 mentions
 * make 18 claims; 2,000 mentions an hour in batches of about 10 make about 200), so it keeps
 * the saving of one write per batch instead of one per mention; and it bounds what the claims
 * cost at crisis volume (docs/capacity.md: 2,000 mentions/s, 10 instances): an instance new
 * to an hour reads at most 256 claims (about 1.2 KB each at 11 mentions: about 300 KB, 75 read
 * units, one or two query pages) and keeps at most 256 per cached hour, and the batches racing
 * for the next number race only until the 256th claim is written (seconds into a crisis
 * hour), after which there is nothing left to race for: a note is one item per mention.
 */
export const RATE_CLAIMS_PER_HOUR = 256;

/** A claim's entry for one mention: [mentionId, caseId, department, category, platform, themeId or '']. */
export type ClaimEntry = readonly [string, string, string, string, string, string];

/** What a store knows of an hour's claims: every claim up to `last`, read from the table. */
interface HourClaims {
  last: number;
  /** Entries of each claim, by its number (kept to add them to the counters). */
  readonly entries: Map<number, ClaimEntry[]>;
  /** By mention id: what the claims hold (counted, with the theme). */
  readonly claims: Map<string, RateClaim>;
  /** The hour is capped and its counters hold every claim: nothing of the claims is left to read or add. */
  settled: boolean;
  /**
   * Notes looked up by `claimsOf` (a note, or null: none) and not yet used by `countOnce`: the
   * batch's count then needs no second look (a batch asks for its mentions first, then counts).
   */
  readonly checked: Map<string, RateClaim | null>;
}

/** Looked-up notes an hour keeps for its count at most (a batch whose count never came leaves its own). */
const MAX_CHECKED_NOTES = 10_000;

/**
 * Hourly rate counters and the claims behind them (keys.ts). A batch's mentions of one hour
 * are claimed in one item, numbered per hour and written on the condition that its number is
 * free (`attribute_not_exists`): the hour's claims form a log that every batch reads before it
 * claims, and a mention found there (or in a note) is not claimed again. Two batches claiming
 * the same number: one write wins, the other reads the winner's claim and claims what is left
 * under the next number, so concurrent copies of a mention count once.
 *
 * The log is capped at {@link RATE_CLAIMS_PER_HOUR}: a batch that finds the cap reached (it has
 * then read the whole log, and no claim is written after it) notes each of its mentions not
 * claimed there in an item of its own with a conditional put (note mode, the rate mention of
 * releases before w13), then adds the noted ones to the counters. So neither mode counts a
 * mention the other counted: a claim is written only below the cap, before any note-mode
 * note, and a note-mode batch leaves out every mention the complete log holds.
 *
 * The counters hold `applied`, the last claim whose mentions they count: claims are added in
 * order, each by one `ADD` on the condition that `applied` is below its number (set to it in
 * the same write), so each is added exactly once, by the batch that made it or by any later
 * batch of the hour should the first fail or die after claiming. Notes are added by a plain
 * `ADD` (as releases before w13 did): a note whose count was refused is marked `uncounted`
 * and noted again by its redelivery; a batch that dies between its notes and that `ADD` loses
 * those counts (the crash window of releases before w13, now only in an hour past the cap).
 *
 * Reads are bounded by the cap: an hour's first read is the claims' key range (at most 256
 * items), later reads only the claims after those known (none once capped). Notes (note mode,
 * and those an earlier release wrote) are found per mention: one consistent query of one
 * item tells whether the hour holds any note, and only then a consistent BatchGetItem of the
 * batch's own note keys; never a query of the hour's notes.
 */
export class DynamoRateStore implements RateStore {
  private readonly hours = new Map<string, HourClaims>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimsOf(hour: string, mentionIds: readonly string[]): Promise<ReadonlyMap<string, RateClaim>> {
    const known = await this.refresh(hour);
    const result = new Map<string, RateClaim>();
    const unclaimed: string[] = [];
    for (const id of new Set(mentionIds)) {
      const claim = known.claims.get(id);
      if (claim) result.set(id, claim);
      else unclaimed.push(id);
    }
    const notes = await this.notesOf(hour, unclaimed);
    if (known.checked.size + unclaimed.length > MAX_CHECKED_NOTES) known.checked.clear();
    for (const id of unclaimed) {
      const note = notes.get(id);
      known.checked.set(id, note ?? null);
      if (note) result.set(id, note);
    }
    return result;
  }

  /** The theme claims an earlier release wrote for the mentions, if any (read eventually: they are old; 100 keys per request). */
  async legacyThemesOf(mentionIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const items = await getAll(
      this.client,
      this.tableName,
      [...new Set(mentionIds)].map((id) => keys.themeOfMention(id)),
      { ProjectionExpression: 'PK, themeId' },
    );
    const prefix = keys.themeOfMention('').PK;
    const themes = new Map<string, string>();
    for (const item of items)
      if (typeof item.themeId === 'string') themes.set(String(item.PK).slice(prefix.length), item.themeId);
    return themes;
  }

  async countOnce(
    hour: string,
    observations: readonly RateObservation[],
    expiresAt: number,
    claimsExpireAt = expiresAt,
  ): Promise<RateObservation[]> {
    let known = await this.refresh(hour);
    const seen = new Set<string>();
    let fresh = observations.filter((o) => {
      if (seen.has(o.mentionId) || known.claims.get(o.mentionId)?.counted) return false;
      seen.add(o.mentionId);
      return true;
    });
    let counted: RateObservation[] = [];
    /** The claim this call wrote, if any. */
    let own: number | undefined;
    if (fresh.length > 0 && known.last < RATE_CLAIMS_PER_HOUR) {
      // Below the cap only an earlier release writes notes (note mode needs the cap reached first);
      // looked up by this batch's claimsOf a moment ago, or now.
      const ids = fresh.map((o) => o.mentionId);
      const notes = ids.every((id) => known.checked.has(id))
        ? new Map(ids.map((id) => [id, known.checked.get(id)]))
        : await this.notesOf(hour, ids);
      fresh = fresh.filter((o) => !notes.get(o.mentionId)?.counted);
    }
    for (const o of observations) known.checked.delete(o.mentionId);
    for (let attempt = 0; fresh.length > 0 && known.last < RATE_CLAIMS_PER_HOUR; attempt++) {
      if (attempt >= MAX_CLAIM_ATTEMPTS)
        throw new Error(`the rate claims of ${hour} changed under ${MAX_CLAIM_ATTEMPTS} attempts`);
      const seq = known.last + 1;
      const entries = fresh.map(entryOf);
      const claimed = await conditionalWrite(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...keys.rateClaim(hour, seq),
              type: 'rate-claim',
              hour,
              seq,
              entries,
              expiresAt: claimsExpireAt,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      );
      if (claimed) {
        // Only when nobody wrote it first: a refused number is read from the table.
        if (known.last === seq - 1) remember(known, seq, entries);
        own = seq;
        counted = fresh;
        fresh = [];
        break;
      }
      // Lost the number to another batch: wait a random while (longer after each loss) so that racing
      // batches spread out instead of meeting again in lock-step (seen in the crisis test: one batch
      // lost 25 times in a row to three others without it), then read the winner's claim.
      await sleep(Math.random() * Math.min(MAX_CLAIM_BACKOFF_MS, CLAIM_BACKOFF_MS * 2 ** attempt));
      known = await this.refresh(hour);
      const claims = known.claims;
      fresh = fresh.filter((o) => !claims.get(o.mentionId)?.counted);
    }
    await this.addClaims(known, hour, expiresAt, own);
    // Left over only when the cap is reached: the complete log was read, the rest is noted.
    if (fresh.length > 0) counted = await this.noteEach(hour, fresh, expiresAt, claimsExpireAt);
    return counted;
  }

  /**
   * Note mode: notes each mention in an item of its own (a conditional put; a note released
   * before is noted again), then adds those noted now to the counters in one write. A refused
   * counter write releases the notes (`uncounted`: the redelivery notes them again) and throws.
   */
  private async noteEach(
    hour: string,
    observations: readonly RateObservation[],
    expiresAt: number,
    notesExpireAt: number,
  ): Promise<RateObservation[]> {
    const noted = await Promise.all(observations.map((o) => this.note(hour, o, notesExpireAt)));
    const fresh = observations.filter((_, i) => noted[i]);
    if (fresh.length === 0) return [];
    try {
      await this.addToCounters(hour, fresh, expiresAt);
    } catch (error) {
      await Promise.all(fresh.map((o) => this.release(hour, o.mentionId)));
      throw error;
    }
    return fresh;
  }

  /** Writes a mention's note; false when it was noted (and not released) before. */
  private async note(hour: string, o: RateObservation, expiresAt: number): Promise<boolean> {
    const put = await conditionalWrite(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.rateMention(hour, o.mentionId),
            type: 'rate-mention',
            hour,
            mentionId: o.mentionId,
            caseId: o.caseId,
            department: o.department,
            category: o.category,
            platform: o.platform,
            ...(o.themeId ? { themeId: o.themeId } : {}),
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
    if (put) return true;
    // Noted before: counted, unless its count was refused then (released, `uncounted`).
    return conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateMention(hour, o.mentionId),
          UpdateExpression: 'REMOVE uncounted',
          ConditionExpression: 'uncounted = :true',
          ExpressionAttributeValues: { ':true': true },
        }),
      ),
    );
  }

  /** Marks a note whose count was refused: its theme stays, its redelivery notes it again. */
  private async release(hour: string, mentionId: string): Promise<void> {
    await conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateMention(hour, mentionId),
          UpdateExpression: 'SET uncounted = :true',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':true': true },
        }),
      ),
    );
  }

  /**
   * The notes of these mentions in the hour, by mention id: one consistent query of one item
   * says whether the hour holds any note (most hours below the cap hold none), and only then
   * one consistent BatchGetItem of their keys (100 a call).
   */
  private async notesOf(hour: string, mentionIds: readonly string[]): Promise<Map<string, RateClaim>> {
    const notes = new Map<string, RateClaim>();
    if (mentionIds.length === 0) return notes;
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        // Notes sort before the claims (`~`): the range up to `~` holds notes only.
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.rates(hour),
          ':from': keys.rateMentionsOf(hour),
          ':to': keys.rateClaimsOf(hour),
        },
        ProjectionExpression: 'SK',
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    if (!Items?.length) return notes;
    const items = await getAll(
      this.client,
      this.tableName,
      mentionIds.map((id) => keys.rateMention(hour, id)),
      { ProjectionExpression: 'mentionId, themeId, uncounted', ConsistentRead: true },
    );
    for (const item of items)
      notes.set(String(item.mentionId), {
        counted: item.uncounted !== true,
        ...(typeof item.themeId === 'string' ? { themeId: item.themeId } : {}),
      });
    return notes;
  }

  /**
   * Adds every claim of the hour up to the last one known (read or written by this call; a later
   * one is added by its own batch or the next) that the counters do not hold yet, in order, each once.
   *
   * `own`, the claim this call wrote, when it is the last known: usually every claim before it
   * was added by its own batch, so it is added on the condition that the counters hold exactly
   * the claim before it, without reading `applied` first (one consistent read less per batch and
   * hour). Refused (a claim before it not added yet, or added by another batch), `applied` is read
   * and the claims are added in order as without it.
   */
  private async addClaims(known: HourClaims, hour: string, expiresAt: number, own?: number): Promise<void> {
    if (known.settled || known.last === 0) return;
    const ownEntries = own === known.last && own !== undefined ? known.entries.get(own) : undefined;
    if (own !== undefined && ownEntries) {
      const observations = ownEntries.map((e) => observationOf(e, hour));
      if (await this.addToCounters(hour, observations, expiresAt, own, true)) {
        if (own >= RATE_CLAIMS_PER_HOUR) known.settled = true;
        return;
      }
    }
    let applied = await this.appliedOf(hour);
    for (let next = applied + 1; next <= known.last; next = applied + 1) {
      const entries = known.entries.get(next);
      // Gone (expired with its hour): nothing of it to add.
      if (!entries) {
        applied = next;
        continue;
      }
      const added = await this.addToCounters(
        hour,
        entries.map((e) => observationOf(e, hour)),
        expiresAt,
        next,
      );
      applied = added ? next : Math.max(applied, await this.appliedOf(hour));
    }
    // Capped and all added: no claim will come, none is left to add (no more reads of `applied`).
    if (known.last >= RATE_CLAIMS_PER_HOUR && applied >= RATE_CLAIMS_PER_HOUR) known.settled = true;
  }

  /** The last claim the hour's counters hold (0: none; counters of releases before w13 hold none). */
  private async appliedOf(hour: string): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.rateCounters(hour),
        ProjectionExpression: 'applied',
        ConsistentRead: true,
      }),
    );
    return typeof Item?.applied === 'number' ? Item.applied : 0;
  }

  /**
   * Adds mentions to the hour's counters in one write. With `seq` (a claim's mentions) only if
   * the counters hold no later claim (with `next`: only if they hold exactly the claim before it);
   * false when refused. Without (notes), unconditionally, leaving `applied` alone.
   */
  private addToCounters(
    hour: string,
    observations: readonly RateObservation[],
    expiresAt: number,
    seq?: number,
    next = false,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#type': 'type', '#hour': 'hour' };
    const amounts: Record<string, number> = {};
    const counts = hourlyCountsOf(observations.map((o) => ({ ...o, createdAt: hour }))).get(hour) ?? [];
    counts.forEach((v, i) => {
      names[`#v${i}`] = `${COUNTER_PREFIX}${v.dimension}#${v.value}`;
      amounts[`:n${i}`] = v.count ?? 1;
    });
    const adds = Object.keys(amounts).map((_, i) => `#v${i} :n${i}`);
    const values = { ...amounts, ':type': 'rate-counters', ':hour': hour, ':expiresAt': expiresAt };
    const set = 'SET #type = :type, #hour = :hour, expiresAt = :expiresAt';
    if (seq === undefined)
      return this.client
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.rateCounters(hour),
            UpdateExpression: `ADD ${adds.join(', ')} ${set}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        )
        .then(() => true);
    return conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateCounters(hour),
          UpdateExpression: `ADD ${adds.join(', ')} ${set}, applied = :seq`,
          // Claims are added in order, so the counters hold claim n-1 when n is added. A counter item
          // that expired took its `applied` with it: the claims left of its hour are added again.
          ConditionExpression: next
            ? seq === 1
              ? 'attribute_not_exists(applied)'
              : 'applied = :previous'
            : 'attribute_not_exists(applied) OR applied < :seq',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':seq': seq, ...(next && seq > 1 ? { ':previous': seq - 1 } : {}) },
        }),
      ),
    );
  }

  /**
   * The hour's claims as stored now: what this store read before, and the claims after it (one
   * consistent query of the claims' key range, at most {@link RATE_CLAIMS_PER_HOUR} items on an
   * hour's first read; none once the cap is known to be reached: no claim comes after it).
   */
  private async refresh(hour: string): Promise<HourClaims> {
    let known = this.hours.get(hour);
    if (known) this.hours.delete(hour);
    known ??= { last: 0, entries: new Map(), claims: new Map(), settled: false, checked: new Map() };
    // Re-inserted: the map's order is the order of use, the first key the one used longest ago.
    this.hours.set(hour, known);
    while (this.hours.size > CACHED_HOURS) this.hours.delete(this.hours.keys().next().value as string);
    if (known.last >= RATE_CLAIMS_PER_HOUR) return known;
    const items = await hourClaims(this.client, this.tableName, hour, { from: known.last + 1, consistent: true });
    const read = items
      .filter((item) => item.type === 'rate-claim')
      .map((item) => ({ seq: Number(item.seq), entries: entriesOf(item) }))
      .sort((a, b) => a.seq - b.seq);
    for (const { seq, entries } of read) if (seq > known.last) remember(known, seq, entries);
    return known;
  }

  async counts(fromHour: string, toHour: string): Promise<RateCount[]> {
    const days: string[] = [];
    for (let d = Date.parse(fromHour.slice(0, 10)); d <= Date.parse(toHour.slice(0, 10)); d += DAY_MS)
      days.push(new Date(d).toISOString());
    const counts: RateCount[] = [];
    for (let i = 0; i < days.length; i += CONCURRENT_DAYS) {
      const pages = await Promise.all(
        days.slice(i, i + CONCURRENT_DAYS).map((day) =>
          queryAll(this.client, {
            TableName: this.tableName,
            KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': keys.rates(day),
              ':from': `COUNT#${fromHour}`,
              ':to': `COUNT#${toHour}`,
            },
          }),
        ),
      );
      for (const item of pages.flat()) counts.push(...countsOf(item));
    }
    return counts;
  }

  async membersOf(hour: string, value: DimensionValue, limit: number): Promise<RateMember[]> {
    const members: RateMember[] = [];
    const mentions = new Set<string>();
    const cases = new Set<string>();
    const consider = (o: RateObservation) => {
      if (mentions.has(o.mentionId) || !matches(o, value)) return;
      if (!cases.has(o.caseId) && cases.size >= limit) return;
      mentions.add(o.mentionId);
      cases.add(o.caseId);
      members.push({ mentionId: o.mentionId, caseId: o.caseId, department: o.department });
    };
    // The claims (at most RATE_CLAIMS_PER_HOUR items), then the notes of the value (note mode and
    // earlier releases; a released note's mention is not counted: not a member) page by page
    // until `limit` cases are found, as releases before w13 read them.
    const claims = await hourClaims(this.client, this.tableName, hour);
    for (const item of claims)
      if (item.type === 'rate-claim') for (const entry of entriesOf(item)) consider(observationOf(entry, hour));
    const attribute = value.dimension === 'theme' ? 'themeId' : value.dimension;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    while (cases.size < limit) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          FilterExpression: '#attribute = :value AND attribute_not_exists(uncounted)',
          ExpressionAttributeNames: { '#attribute': attribute },
          ExpressionAttributeValues: {
            ':pk': keys.rates(hour),
            ':from': keys.rateMentionsOf(hour),
            ':to': keys.rateClaimsOf(hour),
            ':value': value.value,
          },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) if (item.type === 'rate-mention') consider(noteObservationOf(item));
      ExclusiveStartKey = page.LastEvaluatedKey;
      if (!ExclusiveStartKey) break;
    }
    return members;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a mention counts toward the value. */
function matches(o: RateObservation, value: DimensionValue): boolean {
  if (value.dimension === 'theme') return o.themeId === value.value;
  return value.dimension === 'category' ? o.category === value.value : o.platform === value.value;
}

function entryOf(o: RateObservation): ClaimEntry {
  return [o.mentionId, o.caseId, o.department, o.category, o.platform, o.themeId ?? ''];
}

/**
 * An hour's rate claim items from number `from` (default 1) on: a key range of at most
 * RATE_CLAIMS_PER_HOUR items, never the hour's notes. `consistent` reads strongly consistent.
 */
export function hourClaims(
  client: DynamoDBDocumentClient,
  tableName: string,
  hour: string,
  options: { readonly from?: number; readonly consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  return queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': keys.rates(hour),
      ':from': keys.rateClaim(hour, options.from ?? 1).SK,
      ':to': keys.rateClaim(hour, RATE_CLAIMS_PER_HOUR).SK,
    },
    ...(options.consistent ? { ConsistentRead: true } : {}),
  });
}

/** A claim item's entries, `[mentionId, caseId, department, category, platform, themeId | ""]` each. */
export function entriesOf(item: Record<string, unknown>): ClaimEntry[] {
  return Array.isArray(item.entries)
    ? item.entries
        .filter((e): e is ClaimEntry => Array.isArray(e) && e.length === 6)
        .map((e) => e.map(String) as unknown as ClaimEntry)
    : [];
}

/** A claim's entry as an observation (its time is its hour's: only the hour matters here). */
function observationOf(
  [mentionId, caseId, department, category, platform, themeId]: ClaimEntry,
  hour: string,
): RateObservation {
  return {
    mentionId,
    caseId,
    department,
    category: category as RateObservation['category'],
    platform: platform as RateObservation['platform'],
    createdAt: hour,
    ...(themeId ? { themeId } : {}),
  };
}

function noteObservationOf(item: Record<string, unknown>): RateObservation {
  return {
    mentionId: String(item.mentionId),
    caseId: String(item.caseId),
    department: String(item.department),
    category: String(item.category) as RateObservation['category'],
    platform: String(item.platform) as RateObservation['platform'],
    createdAt: String(item.hour),
    ...(typeof item.themeId === 'string' ? { themeId: item.themeId } : {}),
  };
}

/** Records a claim read or written: its entries, and each of its mentions as claimed (counted) with its theme. */
function remember(known: HourClaims, seq: number, entries: ClaimEntry[]): void {
  known.last = seq;
  known.entries.set(seq, entries);
  for (const [mentionId, , , , , themeId] of entries) {
    // The first claim of a mention holds its theme (a later one is a copy that raced it).
    if (known.claims.has(mentionId)) continue;
    known.claims.set(mentionId, { counted: true, ...(themeId ? { themeId } : {}) });
  }
}

function countsOf(item: Record<string, unknown>): RateCount[] {
  const hour = String(item.hour);
  const counts: RateCount[] = [];
  for (const [name, count] of Object.entries(item)) {
    if (!name.startsWith(COUNTER_PREFIX) || typeof count !== 'number') continue;
    const rest = name.slice(COUNTER_PREFIX.length);
    const split = rest.indexOf('#');
    const dimension = rest.slice(0, split) as SpikeDimension;
    if (!SPIKE_DIMENSIONS.includes(dimension)) continue;
    counts.push({ hour, dimension, value: rest.slice(split + 1), count });
  }
  return counts;
}
