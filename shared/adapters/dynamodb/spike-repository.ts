import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { instantOf } from '../../domain/business-time.ts';
import type { Period, SpikeSummary } from '../../domain/insights.ts';
import type { SpikeRepository, StoredSpike } from '../../domain/spikes/ports.ts';
import { SPIKE_CASE_LIMIT } from '../../domain/spikes/evaluate-spikes.ts';
import { queryAll } from './query-all.ts';
import { conditionalWrite, isConditionFailed, keys } from './keys.ts';

const HOUR_MS = 3_600_000;

/**
 * Spikes (one partition, sorted by first hour) and the evaluation's cursor. Reads periods of
 * company days in the company's timezone, as the reports ask for them.
 */
export class DynamoSpikeRepository implements SpikeRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly timezone: string,
  ) {}

  async cursor(): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.spikeCursor, ConsistentRead: true }),
    );
    return typeof Item?.lastHour === 'string' ? Item.lastHour : undefined;
  }

  async advanceCursor(hour: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.spikeCursor, type: 'spike-cursor', lastHour: hour },
          // ISO hours compare as strings; a late, older run never moves it back.
          ConditionExpression: 'attribute_not_exists(PK) OR lastHour < :hour',
          ExpressionAttributeValues: { ':hour': hour },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  async putIfAbsent(spike: StoredSpike, expiresAt: number): Promise<{ created: boolean; stored: StoredSpike }> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.spike(spike.hour, spike.id), type: 'spike', ...spike, expiresAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { created: true, stored: spike };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.spike(spike.hour, spike.id), ConsistentRead: true }),
    );
    return { created: false, stored: Item ? spikeOf(Item) : spike };
  }

  async extend(spike: StoredSpike, hour: string, observed: number, caseIds: readonly string[]): Promise<boolean> {
    const room = Math.max(0, SPIKE_CASE_LIMIT - spike.caseIds.length);
    return conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.spike(spike.hour, spike.id),
          UpdateExpression:
            'SET lastHour = :hour, caseIds = list_append(caseIds, :cases) ADD #hours :one, totalObserved :observed',
          ConditionExpression: 'attribute_exists(PK) AND lastHour < :hour',
          ExpressionAttributeNames: { '#hours': 'hours' },
          ExpressionAttributeValues: {
            ':hour': hour,
            ':cases': caseIds.slice(0, room),
            ':one': 1,
            ':observed': observed,
          },
        }),
      ),
    );
  }

  async markPublished(spike: StoredSpike, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.spike(spike.hour, spike.id),
        UpdateExpression: 'SET publishedAt = :at',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async spikesBetween(fromHour: string, toHour: string): Promise<StoredSpike[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.spikes, ':from': fromHour, ':to': `${toHour}#~` },
    });
    return items.map(spikeOf);
  }

  /** Spikes whose first hour falls on the period's company days. */
  async spikes(period: Period): Promise<SpikeSummary[]> {
    const from = new Date(instantOf(period.from, 0, this.timezone)).toISOString();
    const next = new Date(Date.parse(`${period.to}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const to = new Date(instantOf(next, 0, this.timezone) - HOUR_MS).toISOString();
    return this.spikesBetween(from, to);
  }
}

function spikeOf(item: Record<string, unknown>): StoredSpike {
  const { PK: _pk, SK: _sk, type: _type, expiresAt: _expires, ...spike } = item;
  return spike as unknown as StoredSpike;
}
