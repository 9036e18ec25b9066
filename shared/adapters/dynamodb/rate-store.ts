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
import type { DimensionCount, DimensionValue, RateClaim, RateMember, RateStore } from '../../domain/spikes/ports.ts';
import { queryAll } from './query-all.ts';
import { conditionalWrite, isConditionFailed, keys } from './keys.ts';

/** Prefix of a counter attribute: `n#<dimension>#<value>`. */
const COUNTER_PREFIX = 'n#';
/** Day partitions read at once when loading a baseline's weeks. */
const CONCURRENT_DAYS = 6;
const DAY_MS = 86_400_000;

/**
 * Hourly rate counters and the rate mentions behind them (keys.ts): per mention one
 * conditional put (the claim, which records the mention's theme too: no theme claim of its
 * own); per batch and hour one `ADD` to the hour's counter item, which holds every dimension
 * value's count of the hour as its own attribute. A note whose count was refused is marked
 * `uncounted` (not deleted, so its theme stays); the redelivery notes it again.
 */
export class DynamoRateStore implements RateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimMention(hour: string, o: RateObservation, expiresAt: number): Promise<RateClaim> {
    // An earlier release kept the theme claim apart (`THEMEMENTION#<id>`) and deleted a note
    // whose count was refused: its redelivery finds no note here but that claim's theme.
    const themeId = o.themeId === undefined ? undefined : ((await this.legacyThemeOf(o.mentionId)) ?? o.themeId);
    try {
      await this.client.send(
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
            ...(themeId ? { themeId } : {}),
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { noted: true, ...(themeId ? { themeId } : {}) };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.rateMention(hour, o.mentionId),
        ProjectionExpression: 'themeId, uncounted',
        ConsistentRead: true,
      }),
    );
    const recorded =
      typeof Item?.themeId === 'string' ? Item.themeId : await this.recordTheme(hour, o.mentionId, themeId);
    const noted = Item?.uncounted === true ? await this.noteAgain(hour, o.mentionId) : false;
    return { noted, ...(recorded ? { themeId: recorded } : {}) };
  }

  async releaseMention(hour: string, mentionId: string): Promise<void> {
    // Only the count goes: the theme the note records stays for the redelivery (and erasure).
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

  /** The theme claim an earlier release wrote for the mention, if any (read eventually: it is old). */
  private async legacyThemeOf(mentionId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.themeOfMention(mentionId),
        ProjectionExpression: 'themeId',
      }),
    );
    return typeof Item?.themeId === 'string' ? Item.themeId : undefined;
  }

  /** Records a theme on a note written without one (the mention fed no theme then); returns the one recorded. */
  private async recordTheme(hour: string, mentionId: string, themeId: string | undefined): Promise<string | undefined> {
    if (themeId === undefined) return undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateMention(hour, mentionId),
          UpdateExpression: 'SET themeId = if_not_exists(themeId, :themeId)',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':themeId': themeId },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return typeof Attributes?.themeId === 'string' ? Attributes.themeId : themeId;
    } catch (error) {
      // Gone meanwhile (it expired): nothing recorded, the proposed theme stands.
      if (isConditionFailed(error)) return themeId;
      throw error;
    }
  }

  /** Notes a released note again; false when another delivery did first. */
  private noteAgain(hour: string, mentionId: string): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateMention(hour, mentionId),
          UpdateExpression: 'REMOVE uncounted',
          ConditionExpression: 'uncounted = :true',
          ExpressionAttributeValues: { ':true': true },
        }),
      ),
    );
  }

  async addToCounters(hour: string, values: readonly DimensionCount[], expiresAt: number): Promise<void> {
    const names: Record<string, string> = { '#type': 'type', '#hour': 'hour' };
    const amounts: Record<string, number> = {};
    values.forEach((v, i) => {
      names[`#v${i}`] = `${COUNTER_PREFIX}${v.dimension}#${v.value}`;
      amounts[`:n${i}`] = v.count ?? 1;
    });
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rateCounters(hour),
        UpdateExpression: `ADD ${values.map((_, i) => `#v${i} :n${i}`).join(', ')} SET #type = :type, #hour = :hour, expiresAt = :expiresAt`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...amounts, ':type': 'rate-counters', ':hour': hour, ':expiresAt': expiresAt },
      }),
    );
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
    const attribute = value.dimension === 'theme' ? 'themeId' : value.dimension;
    const members: RateMember[] = [];
    const cases = new Set<string>();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          // A released note's mention is not counted (yet): not a member either.
          FilterExpression: '#attribute = :value AND attribute_not_exists(uncounted)',
          ExpressionAttributeNames: { '#attribute': attribute },
          ExpressionAttributeValues: {
            ':pk': keys.rates(hour),
            ':prefix': keys.rateMentionsOf(hour),
            ':value': value.value,
          },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const caseId = String(item.caseId);
        if (!cases.has(caseId) && cases.size >= limit) continue;
        cases.add(caseId);
        members.push({ mentionId: String(item.mentionId), caseId, department: String(item.department) });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey && cases.size < limit);
    return members;
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
