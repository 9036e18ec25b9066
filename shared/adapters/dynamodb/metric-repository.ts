import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counter, MetricRepository } from '../../domain/ports.ts';
import { queryAll } from './query-all.ts';
import { keys } from './keys.ts';

/** Day x department x category counters, added to with `ADD` so concurrent writers never lose a count. */
export class DynamoMetricRepository implements MetricRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async increment(day: string, department: string, category: string, by: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.counter(day, department, category),
        UpdateExpression: 'ADD #count :by SET #type = :type, #day = :day, department = :department, category = :category',
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type', '#day': 'day' },
        ExpressionAttributeValues: { ':by': by, ':type': 'counter', ':day': day, ':department': department, ':category': category },
      }),
    );
  }

  async countersOf(day: string): Promise<Counter[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.counters(day) },
    });
    return items.map((item) => ({
      day: String(item.day),
      department: String(item.department),
      category: String(item.category),
      count: Number(item.count),
    }));
  }
}
