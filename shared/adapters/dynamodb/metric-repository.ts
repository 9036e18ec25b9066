import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../domain/errors.ts';
import {
  HISTOGRAM_BOUNDS_MINUTES,
  type Counter,
  type DurationMetric,
  type Histogram,
  type MetricRepository,
} from '../../domain/ports.ts';
import { countersOfTally, type ReportTallies, type Tally } from '../../domain/reports/tallies.ts';
import { queryAll } from './query-all.ts';
import { keys } from './keys.ts';

/** The bucket names of a histogram, in order: `le_15`, ..., `le_10080`, `gt_10080`. */
export const HISTOGRAM_BUCKETS: readonly string[] = [
  ...HISTOGRAM_BOUNDS_MINUTES.map((bound) => `le_${bound}`),
  `gt_${HISTOGRAM_BOUNDS_MINUTES[HISTOGRAM_BOUNDS_MINUTES.length - 1]}`,
];

/**
 * The bucket an observation counts in: the first bound at or above it, else the last bucket.
 * @throws ValidationError when minutes is negative or not a number
 */
export function histogramBucketOf(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes < 0)
    throw new ValidationError(`a duration must be zero or more minutes, got ${minutes}`);
  const bound = HISTOGRAM_BOUNDS_MINUTES.find((b) => minutes <= b);
  return bound === undefined ? (HISTOGRAM_BUCKETS[HISTOGRAM_BUCKETS.length - 1] as string) : `le_${bound}`;
}

/** Attributes of a tally item that are not tally fields. */
const TALLY_META = new Set(['PK', 'SK', 'type', 'day', 'department', 'expiresAt', 'settled']);

/**
 * Day x department x category counters, day x department x metric histograms and the
 * reports' day x department tallies, added to with `ADD` so concurrent writers never lose a count.
 */
export class DynamoMetricRepository implements MetricRepository, ReportTallies {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async increment(day: string, department: string, category: string, by: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.counter(day, department, category),
        UpdateExpression:
          'ADD #count :by SET #type = :type, #day = :day, department = :department, category = :category',
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type', '#day': 'day' },
        ExpressionAttributeValues: {
          ':by': by,
          ':type': 'counter',
          ':day': day,
          ':department': department,
          ':category': category,
        },
      }),
    );
  }

  /**
   * The day's counts per department and category: from the department's tally (primary
   * `category.<c>` plus cc `ccCategory.<c>`, what the counter items counted), and from the
   * counter items of a department that has no tally that day (written by a release before
   * the tallies, which no longer writes counter items: the tally holds the same figures).
   */
  async countersOf(day: string): Promise<Counter[]> {
    const [tallies, items] = await Promise.all([
      this.talliesOf(day),
      queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.counters(day) },
      }),
    ]);
    const tallied = new Set(tallies.map((t) => t.department));
    const stored = items
      .map((item) => ({
        day: String(item.day),
        department: String(item.department),
        category: String(item.category),
        count: Number(item.count),
      }))
      .filter((counter) => !tallied.has(counter.department));
    return [...tallies.flatMap(countersOfTally), ...stored];
  }

  /** Counts one response or resolution time in its bucket, and in the count and sum. */
  async observe(day: string, department: string, metric: DurationMetric, minutes: number): Promise<void> {
    const bucket = histogramBucketOf(minutes);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.histogram(day, department, metric),
        UpdateExpression:
          'ADD #bucket :one, #count :one, sumMinutes :minutes SET #type = :type, #day = :day, department = :department, metric = :metric',
        ExpressionAttributeNames: { '#bucket': bucket, '#count': 'count', '#type': 'type', '#day': 'day' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':minutes': minutes,
          ':type': 'histogram',
          ':day': day,
          ':department': department,
          ':metric': metric,
        },
      }),
    );
  }

  /** Every histogram of a day, with every bucket (zero when nothing fell in it). */
  async histogramsOf(day: string): Promise<Histogram[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.histograms(day) },
    });
    return items.map((item) => ({
      day: String(item.day),
      department: String(item.department),
      metric: item.metric as DurationMetric,
      buckets: Object.fromEntries(HISTOGRAM_BUCKETS.map((bucket) => [bucket, Number(item[bucket] ?? 0)])),
      count: Number(item.count ?? 0),
      sumMinutes: Number(item.sumMinutes ?? 0),
    }));
  }

  /** Adds every field in one write; fields are top-level number attributes of the tally item. */
  async tally(day: string, department: string, fields: Readonly<Record<string, number>>): Promise<void> {
    const update = tallyUpdate(day, department, fields, 'ADD');
    if (!update) return;
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: keys.tally(day, department), ...update }),
    );
  }

  /**
   * Every department's tally of a day: the day's item of the department summed with the items
   * of the batches that wrote their own since w22 (`DEPT#<dept>#<mark>`, settlement-mark.ts),
   * each count held by one item. One query of the day's partition.
   */
  async talliesOf(day: string): Promise<Tally[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.tallies(day) },
    });
    const byDepartment = new Map<string, Record<string, number>>();
    for (const item of items) {
      const department = String(item.department);
      const fields = byDepartment.get(department) ?? {};
      for (const [name, value] of Object.entries(item)) {
        if (!TALLY_META.has(name) && typeof value === 'number') fields[name] = (fields[name] ?? 0) + value;
      }
      byDepartment.set(department, fields);
    }
    return [...byDepartment].map(([department, fields]) => ({ day, department, fields }));
  }
}

/**
 * The update of a tally item's fields (top-level number attributes; meta names left out):
 * `ADD` to them (the day's item, any number of writers) or `SET` them (a batch's own item,
 * written by that batch alone, so a retried write is not counted twice), with the item's
 * `type`, `day` and `department`. Undefined when no field is left.
 */
export function tallyUpdate(
  day: string,
  department: string,
  fields: Readonly<Record<string, number>>,
  verb: 'ADD' | 'SET',
):
  | {
      readonly UpdateExpression: string;
      readonly ExpressionAttributeNames: Record<string, string>;
      readonly ExpressionAttributeValues: Record<string, unknown>;
    }
  | undefined {
  const entries = Object.entries(fields).filter(([name]) => !TALLY_META.has(name));
  if (entries.length === 0) return undefined;
  const names: Record<string, string> = { '#type': 'type', '#day': 'day' };
  const values: Record<string, unknown> = { ':type': 'tally', ':day': day, ':department': department };
  const clauses = entries.map(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
    return verb === 'ADD' ? `#f${i} :f${i}` : `#f${i} = :f${i}`;
  });
  const meta = '#type = :type, #day = :day, department = :department';
  return {
    UpdateExpression: verb === 'ADD' ? `ADD ${clauses.join(', ')} SET ${meta}` : `SET ${meta}, ${clauses.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
