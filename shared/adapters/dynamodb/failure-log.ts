import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordedFailure, RecordFailure, RecordFailureLog } from '../../domain/ports.ts';
import { keys } from './keys.ts';

/** Reads at once while looking up the causes of a DLQ's messages. */
const LOOKUPS_IN_FLIGHT = 8;

/**
 * Failure causes of queue records, one item per SQS message id (`FAIL#<messageId>` /
 * `FAIL`): the latest cause wins, `failures` counts every recorded failure. The item
 * expires with the TTL attribute, after the DLQ's retention.
 */
export class DynamoRecordFailureLog implements RecordFailureLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(failure: RecordFailure, expiresAt: number): Promise<void> {
    const fields: Record<string, string | number> = {
      type: 'record-failure',
      messageId: failure.messageId,
      queue: failure.queue,
      functionName: failure.functionName,
      errorName: failure.errorName,
      errorMessage: failure.errorMessage,
      failedAt: failure.failedAt,
      receiveCount: failure.receiveCount,
      expiresAt,
      ...(failure.mentionId ? { mentionId: failure.mentionId } : {}),
      ...(failure.caseId ? { caseId: failure.caseId } : {}),
    };
    const names = Object.keys(fields);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.recordFailure(failure.messageId),
        UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')} ADD #failures :one`,
        ExpressionAttributeNames: {
          ...Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
          '#failures': 'failures',
        },
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((name, i) => [`:f${i}`, fields[name]])),
          ':one': 1,
        },
      }),
    );
  }

  async causesOf(messageIds: readonly string[]): Promise<ReadonlyMap<string, RecordedFailure>> {
    const causes = new Map<string, RecordedFailure>();
    const pending = [...new Set(messageIds)];
    const worker = async () => {
      for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
        const { Item } = await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: keys.recordFailure(id) }),
        );
        if (Item) causes.set(id, toFailure(Item));
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUPS_IN_FLIGHT, pending.length) }, worker));
    return causes;
  }
}

function toFailure(item: Record<string, unknown>): RecordedFailure {
  const text = (key: string) => (typeof item[key] === 'string' ? (item[key] as string) : undefined);
  const mentionId = text('mentionId');
  const caseId = text('caseId');
  return {
    messageId: text('messageId') ?? '',
    queue: text('queue') ?? '',
    functionName: text('functionName') ?? '',
    errorName: text('errorName') ?? 'Error',
    errorMessage: text('errorMessage') ?? '',
    failedAt: text('failedAt') ?? '',
    receiveCount: Number(item.receiveCount ?? 0),
    failures: Number(item.failures ?? 0),
    ...(mentionId ? { mentionId } : {}),
    ...(caseId ? { caseId } : {}),
  };
}
