import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { RateObservation, SpikeDimension } from '../../domain/insights.ts';
import { SPIKE_DIMENSIONS } from '../../domain/insights.ts';
import type { RateCount } from '../../domain/spikes/detector.ts';
import type { DimensionCount, DimensionValue, RateMember, RateStore } from '../../domain/spikes/ports.ts';
import { queryAll } from './query-all.ts';
import { conditionalWrite, keys } from './keys.ts';

/** Prefix of a counter attribute: `n#<dimension>#<value>`. */
const COUNTER_PREFIX = 'n#';
/** Day partitions read at once when loading a baseline's weeks. */
const CONCURRENT_DAYS = 6;
const DAY_MS = 86_400_000;

/**
 * Hourly rate counters and the rate mentions behind them (keys.ts): per mention one
 * conditional put (the claim); per batch and hour one `ADD` to the hour's counter item, which
 * holds every dimension value's count of the hour as its own attribute.
 */
export class DynamoRateStore implements RateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimMention(hour: string, o: RateObservation, expiresAt: number): Promise<boolean> {
    return conditionalWrite(
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
  }

  async releaseMention(hour: string, mentionId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.rateMention(hour, mentionId) }));
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
          FilterExpression: '#attribute = :value',
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
