import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateObservation, SpikeDimension } from '../../domain/insights.ts';
import { SPIKE_DIMENSIONS } from '../../domain/insights.ts';
import type { RateCount } from '../../domain/spikes/detector.ts';
import type { DimensionValue, RateClaim, RateMember, RateStore } from '../../domain/spikes/ports.ts';
import { hourlyCountsOf } from '../../domain/spikes/record-mention-rates.ts';
import { queryAll } from './query-all.ts';
import { conditionalWrite, keys } from './keys.ts';

/** Prefix of a counter attribute: `n#<dimension>#<value>`. */
const COUNTER_PREFIX = 'n#';
/** Day partitions read at once when loading a baseline's weeks. */
const CONCURRENT_DAYS = 6;
const DAY_MS = 86_400_000;

/**
 * Hours whose claims a store keeps in memory (those read last; mentions arrive for the latest
 * hours): about 150 bytes per mention, so a few hours of even a busy company stay small. An
 * hour dropped is read again, whole, when needed.
 */
const CACHED_HOURS = 6;
/** Claims of one hour tried before giving up (each refusal means another batch claimed first). */
const MAX_CLAIM_ATTEMPTS = 25;

/** A claim's entry for one mention: [mentionId, caseId, department, category, platform, themeId or '']. */
type ClaimEntry = readonly [string, string, string, string, string, string];

/** What a store knows of an hour's claims: every claim up to `last`, read from the table. */
interface HourClaims {
  last: number;
  /** Entries of each claim, by its number (kept to add them to the counters). */
  readonly entries: Map<number, ClaimEntry[]>;
  /** By mention id: the claims of the batches, and the old notes (rate mentions). */
  readonly claims: Map<string, RateClaim>;
}

/**
 * Hourly rate counters and the claims behind them (keys.ts). A batch's mentions of one hour
 * are claimed in one item, numbered per hour and written on the condition that its number is
 * free (`attribute_not_exists`): the hour's claims form a log that every batch reads before it
 * claims, and a mention found there (or in an old note) is not claimed again. Two batches
 * claiming the same number: one write wins, the other reads the winner's claim and claims
 * what is left under the next number, so concurrent copies of a mention count once.
 *
 * The counters hold `applied`, the last claim whose mentions they count: claims are added in
 * order, each by one `ADD` on the condition that `applied` is below its number (set to it in
 * the same write), so each is added exactly once, by the batch that made it or by any later batch of the hour should the first
 * fail or die after claiming (a redelivery of its records makes such a call). Counts lag a
 * claim whose batch died until the hour is counted again; they never count it twice.
 *
 * Claims, once written, never change: a store keeps those it read in memory and reads only
 * newer ones. Old notes (one item per mention, the claims of releases before w13; a note
 * marked `uncounted` was released and counts again) are read in the same query (on an hour's
 * first read: while a deployment runs, a note an old instance writes after it is not seen)
 * until they expire, and erasure and spike members read both.
 */
export class DynamoRateStore implements RateStore {
  private readonly hours = new Map<string, HourClaims>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimsOf(hour: string): Promise<ReadonlyMap<string, RateClaim>> {
    return new Map((await this.refresh(hour)).claims);
  }

  /** The theme claim an earlier release wrote for the mention, if any (read eventually: it is old). */
  async legacyThemeOf(mentionId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.themeOfMention(mentionId),
        ProjectionExpression: 'themeId',
      }),
    );
    return typeof Item?.themeId === 'string' ? Item.themeId : undefined;
  }

  async countOnce(
    hour: string,
    observations: readonly RateObservation[],
    expiresAt: number,
    claimsExpireAt = expiresAt,
  ): Promise<RateObservation[]> {
    let counted: RateObservation[] = [];
    for (let attempt = 0; ; attempt++) {
      const known = await this.refresh(hour);
      const seen = new Set<string>();
      const fresh = observations.filter((o) => {
        if (seen.has(o.mentionId) || known.claims.get(o.mentionId)?.counted) return false;
        seen.add(o.mentionId);
        return true;
      });
      if (fresh.length === 0) break;
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
        counted = fresh;
        break;
      }
    }
    await this.addClaims(hour, expiresAt);
    return counted;
  }

  /** Adds every claim of the hour that the counters do not hold yet, in order, each once. */
  private async addClaims(hour: string, expiresAt: number): Promise<void> {
    const known = await this.refresh(hour);
    let applied = await this.appliedOf(hour);
    for (let next = applied + 1; next <= known.last; next = applied + 1) {
      const entries = known.entries.get(next);
      // Gone (expired with its hour): nothing of it to add.
      if (!entries) {
        applied = next;
        continue;
      }
      const added = await this.addClaim(hour, next, entries, expiresAt);
      applied = added ? next : Math.max(applied, await this.appliedOf(hour));
    }
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

  /** Adds one claim's mentions to the counters if the claim before it is the last they hold; false when another batch added it. */
  private addClaim(hour: string, seq: number, entries: readonly ClaimEntry[], expiresAt: number): Promise<boolean> {
    const names: Record<string, string> = { '#type': 'type', '#hour': 'hour' };
    const amounts: Record<string, number> = {};
    const counts = hourlyCountsOf(entries.map((e) => observationOf(e, hour))).get(hour) ?? [];
    counts.forEach((v, i) => {
      names[`#v${i}`] = `${COUNTER_PREFIX}${v.dimension}#${v.value}`;
      amounts[`:n${i}`] = v.count ?? 1;
    });
    const adds = Object.keys(amounts).map((_, i) => `#v${i} :n${i}`);
    return conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateCounters(hour),
          UpdateExpression: `ADD ${adds.join(', ')} SET #type = :type, #hour = :hour, expiresAt = :expiresAt, applied = :seq`,
          // Claims are added in order, so the counters hold claim n-1 when n is added. A counter item
          // that expired took its `applied` with it: the claims left of its hour are added again.
          ConditionExpression: 'attribute_not_exists(applied) OR applied < :seq',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ...amounts,
            ':type': 'rate-counters',
            ':hour': hour,
            ':expiresAt': expiresAt,
            ':seq': seq,
          },
        }),
      ),
    );
  }

  /**
   * The hour's claims as stored now: what this store read before, and the claims after it
   * (one consistent query; on the first read of an hour, its old notes too).
   */
  private async refresh(hour: string): Promise<HourClaims> {
    let known = this.hours.get(hour);
    const first = !known;
    if (known) this.hours.delete(hour);
    known ??= { last: 0, entries: new Map(), claims: new Map() };
    // Re-inserted: the map's order is the order of use, the first key the one used longest ago.
    this.hours.set(hour, known);
    while (this.hours.size > CACHED_HOURS) this.hours.delete(this.hours.keys().next().value as string);
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.rates(hour),
        ':from': first ? keys.rateMentionsOf(hour) : keys.rateClaim(hour, known.last + 1).SK,
        ':to': `${keys.rateClaimsOf(hour)}~`,
      },
      ConsistentRead: true,
    });
    for (const item of items) {
      if (item.type === 'rate-claim') {
        const seq = Number(item.seq);
        if (seq > known.last) remember(known, seq, entriesOf(item));
      } else if (item.type === 'rate-mention' && typeof item.mentionId === 'string') {
        if (known.claims.get(item.mentionId)?.counted) continue;
        known.claims.set(item.mentionId, {
          counted: item.uncounted !== true,
          ...(typeof item.themeId === 'string' ? { themeId: item.themeId } : {}),
        });
      }
    }
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
    // The hour's claims and old notes (a released note's mention is not counted: not a member);
    // read whole: an hour's claims are a few items of about 100 bytes per mention.
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.rates(hour), ':prefix': keys.rateMentionsOf(hour) },
    });
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
    for (const item of items) {
      if (item.type === 'rate-claim') for (const entry of entriesOf(item)) consider(observationOf(entry, hour));
      else if (item.type === 'rate-mention' && item.uncounted !== true) consider(noteObservationOf(item));
    }
    return members;
  }
}

/** Whether a mention counts toward the value. */
function matches(o: RateObservation, value: DimensionValue): boolean {
  if (value.dimension === 'theme') return o.themeId === value.value;
  return value.dimension === 'category' ? o.category === value.value : o.platform === value.value;
}

function entryOf(o: RateObservation): ClaimEntry {
  return [o.mentionId, o.caseId, o.department, o.category, o.platform, o.themeId ?? ''];
}

function entriesOf(item: Record<string, unknown>): ClaimEntry[] {
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
    const before = known.claims.get(mentionId);
    if (before?.counted) continue;
    // A released old note's theme stays the mention's theme.
    const theme = before?.themeId ?? (themeId || undefined);
    known.claims.set(mentionId, { counted: true, ...(theme ? { themeId: theme } : {}) });
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
