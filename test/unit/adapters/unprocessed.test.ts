import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { getAll } from '../../../shared/adapters/dynamodb/query-all.ts';
import { UNPROCESSED_BACKOFF, untilProcessed } from '../../../shared/adapters/dynamodb/unprocessed.ts';

/** The throttled paths of DynamoDB's batch calls, which dynalite never takes: keys left unprocessed. */
const TABLE = 'bc-demo';
const documents = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const key = (id: string) => ({ PK: `CASE#${id}`, SK: 'CASE' });
const item = (id: string) => ({ ...key(id), id });

describe('untilProcessed', () => {
  it('waits longer before each resend instead of sending again at once', async () => {
    // Arrange: a throttled table leaves one request unprocessed three times
    const waits: number[] = [];
    let calls = 0;

    // Act
    await untilProcessed(
      ['a', 'b'],
      async (requests) => (++calls <= 3 ? requests.slice(0, 1) : []),
      'test requests',
      async (ms) => {
        waits.push(ms);
      },
    );

    // Assess: a wait before each of the 3 resends, under its ceiling of 25, 50, 100 ms (full jitter)
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(UNPROCESSED_BACKOFF.baseMs * 2 ** i);
    });
  });

  it('fails naming what stayed unprocessed when the table never takes it', async () => {
    // Arrange
    let calls = 0;
    const send = async (requests: readonly string[]) => {
      calls++;
      return requests;
    };

    // Act
    const run = untilProcessed(['a', 'b'], send, 'erasure deletes', async () => {});

    // Assess
    await expect(run).rejects.toThrow(
      `erasure deletes: 2 stayed unprocessed after ${UNPROCESSED_BACKOFF.maxAttempts} rounds`,
    );
    expect(calls).toBe(UNPROCESSED_BACKOFF.maxAttempts);
  });

  it('throws an error of the batch call itself at once, without resending', async () => {
    // Arrange
    let calls = 0;
    const send = async (): Promise<readonly string[]> => {
      calls++;
      throw new Error('ValidationException: too many keys');
    };

    // Act
    const run = untilProcessed(['a'], send, 'test requests', async () => {});

    // Assess
    await expect(run).rejects.toThrow('ValidationException: too many keys');
    expect(calls).toBe(1);
  });
});

describe('getAll', () => {
  beforeEach(() => documents.reset());

  it('reads the keys a throttled BatchGetItem left unprocessed again, and returns every item once', async () => {
    // Arrange: the first call reads a, leaves b unprocessed; the second reads b
    documents
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [item('a')] }, UnprocessedKeys: { [TABLE]: { Keys: [key('b')] } } })
      .resolvesOnce({ Responses: { [TABLE]: [item('b')] } });

    // Act
    const items = await getAll(client, TABLE, [key('a'), key('b')]);

    // Assess
    expect(items.map((i) => i.id).sort()).toEqual(['a', 'b']);
    const calls = documents.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([key('b')]);
  });

  it('fails instead of looping when the table never answers a key', async () => {
    // Arrange
    documents.on(BatchGetCommand).resolves({ Responses: {}, UnprocessedKeys: { [TABLE]: { Keys: [key('b')] } } });

    // Act
    const read = getAll(client, TABLE, [key('b')]);

    // Assess
    await expect(read).rejects.toThrow('BatchGetItem keys: 1 stayed unprocessed after 8 rounds');
  });
});
