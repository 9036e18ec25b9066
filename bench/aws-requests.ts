/**
 * Counts every AWS request the functions send, by service and operation, and what each
 * DynamoDB request costs in capacity units, table and indexes apart. It is an SDK
 * middleware that `observeClients` (shared/adapters/aws-clients.ts) adds to every client
 * the functions build, so it sees exactly what the functions ask of AWS in a real local run.
 *
 * Capacity, by DynamoDB's on-demand rules (computed here: dynalite reports no index writes):
 * - a write is 1 unit per started KB of the item, the larger of its old and new image
 *   (PutItem and DeleteItem get the old image with ReturnValues ALL_OLD, added here and
 *   taken off the answer again; UpdateItem's comes from dynalite's own ConsumedCapacity);
 * - every global secondary index the item is in, was in or moves within costs 1 unit per
 *   started KB of its projected image, for each put and each delete of an index entry;
 *   an update that changes no projected attribute writes nothing to the index;
 * - a write whose condition fails is charged as a write of the item it tried to write
 *   (UpdateItem and DeleteItem: 1 unit), and writes no index;
 * - reads (GetItem, Query, BatchGetItem) as dynalite reports them with
 *   ReturnConsumedCapacity INDEXES: 1 unit per started 4 KB read, half for eventually
 *   consistent reads.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { ClientHook } from '../shared/adapters/aws-clients.ts';
import { entrySize } from '../shared/adapters/eventbridge-publisher.ts';

/** What a global secondary index copies of an item. */
export type Projection = 'ALL' | 'KEYS_ONLY' | { readonly include: readonly string[] };

export interface IndexModel {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: Projection;
}

export interface TableModel {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly IndexModel[];
}

/** Read and write units of one kind of item (`MENTION/MENTION`, `CASE/CASE`, `CASE/MENTION`, ...). */
export interface Units {
  read: number;
  write: number;
  /** Of `write`, what the indexes cost, by index name. */
  readonly indexWrite: Record<string, number>;
  /** Writes whose condition failed. */
  conditionFailed: number;
}

/** One DynamoDB write as charged, for the breakdown by operation (`--detail` of bench:cost). */
export interface WriteRecord {
  /** Kind of item (`CASE/CASE`). */
  readonly kind: string;
  /** Operation and what tells its callers apart: the condition, or the update expression. */
  readonly operation: string;
  /** Units charged, the index part included. */
  readonly units: number;
  /** Of `units`, the index entries. */
  readonly indexUnits: number;
  /** The item's size (the new image; for an update, the image after it), bytes. */
  readonly bytes: number;
  /** The old image's size where known (PutItem, DeleteItem), bytes. */
  readonly oldBytes?: number;
  /** Whether the condition failed. */
  readonly failed?: boolean;
  /** Attribute sizes of the new image, bytes by name (only with `attributes`). */
  readonly attributes?: Record<string, number>;
}

type Item = Record<string, unknown>;
type Args = { input: Record<string, unknown> };
type Next = (args: Args) => Promise<{ output: Record<string, unknown> }>;
type Context = { clientName?: string; commandName?: string };

const KB = 1024;

/** How many mentions an entry's detail carries: a `Mentions Routed` detail's list, else 0. */
function mentionsIn(detail: string | undefined): number {
  try {
    const mentions = (JSON.parse(detail ?? '{}') as { mentions?: unknown }).mentions;
    return Array.isArray(mentions) ? mentions.length : 0;
  } catch {
    return 0;
  }
}

export class RequestCounter {
  /** Requests by `Service Operation` (`DynamoDB PutItem`, `SQS SendMessageBatch`, ...). */
  readonly requests = new Map<string, number>();
  /** Capacity units by kind of item. */
  readonly units = new Map<string, Units>();
  /** Events billed for PutEvents entries: one per started 64 KB of each entry (a batched entry may be more than one). */
  events = 0;
  /** The same events by the entry's detail-type. */
  readonly eventsByType = new Map<string, number>();
  /** Keys asked for by every BatchGetItem call (unprocessed keys resent count again), for its keys per call. */
  batchGetKeys = 0;
  /** Every PutEvents call: its entries' detail-types, sizes (entrySize) and mentions (a `Mentions Routed` detail's). */
  readonly putEvents: { type: string; bytes: number; mentions: number }[][] = [];
  /** While false, requests pass uncounted (the middleware stays on the clients it was added to). */
  counting = true;
  /** Every write as charged, when set (bench:cost `--detail`). */
  writes: WriteRecord[] | undefined;

  constructor(private readonly table: TableModel) {}

  /** The hook for `observeClients`: adds the counting middleware to a client. */
  readonly hook: ClientHook = (client) => {
    const stack = client.middlewareStack as unknown as {
      add(middleware: (next: Next, context: Context) => (args: Args) => Promise<unknown>, options: object): void;
    };
    stack.add((next, context) => (args) => this.handle(next, context, args), {
      step: 'serialize',
      priority: 'high',
      name: 'benchRequestCounter',
    });
  };

  /** Requests of one service. */
  total(service: string): number {
    let sum = 0;
    for (const [key, n] of this.requests) if (key.startsWith(`${service} `)) sum += n;
    return sum;
  }

  /** Read and write units of every kind summed. */
  capacity(): { read: number; write: number; indexWrite: number; byIndex: Record<string, number> } {
    const byIndex: Record<string, number> = {};
    let read = 0;
    let write = 0;
    for (const u of this.units.values()) {
      read += u.read;
      write += u.write;
      for (const [name, n] of Object.entries(u.indexWrite)) byIndex[name] = (byIndex[name] ?? 0) + n;
    }
    return { read, write, indexWrite: Object.values(byIndex).reduce((a, b) => a + b, 0), byIndex };
  }

  reset(): void {
    this.requests.clear();
    this.units.clear();
    this.events = 0;
    this.batchGetKeys = 0;
    this.eventsByType.clear();
    this.putEvents.length = 0;
  }

  private async handle(next: Next, context: Context, args: Args): Promise<unknown> {
    if (!this.counting) return next(args);
    const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    this.requests.set(`${service} ${operation}`, (this.requests.get(`${service} ${operation}`) ?? 0) + 1);
    if (service === 'EventBridge' && operation === 'PutEvents') {
      // EventBridge bills each entry per started 64 KB chunk of its size.
      const entries = (args.input.Entries as PutEventsRequestEntry[] | undefined) ?? [];
      const call: { type: string; bytes: number; mentions: number }[] = [];
      for (const entry of entries) {
        const bytes = entrySize(entry);
        const billed = Math.max(1, Math.ceil(bytes / 65_536));
        this.events += billed;
        const type = entry.DetailType ?? '(none)';
        this.eventsByType.set(type, (this.eventsByType.get(type) ?? 0) + billed);
        call.push({ type, bytes, mentions: mentionsIn(entry.Detail) });
      }
      this.putEvents.push(call);
    }
    if (service !== 'DynamoDB') return next(args);
    if (operation === 'BatchGetItem') {
      const requested = (args.input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>;
      for (const table of Object.values(requested)) this.batchGetKeys += table.Keys?.length ?? 0;
    }
    return this.dynamo(next, operation, args);
  }

  private async dynamo(next: Next, operation: string, args: Args): Promise<unknown> {
    const input: Record<string, unknown> = { ...args.input, ReturnConsumedCapacity: 'INDEXES' };
    // The old (Put, Delete) or new (Update) image, asked for here and taken off the answer.
    const asked =
      input.ReturnValues === undefined || input.ReturnValues === 'NONE'
        ? ({ PutItem: 'ALL_OLD', DeleteItem: 'ALL_OLD', UpdateItem: 'ALL_NEW' } as Record<string, string>)[operation]
        : undefined;
    if (asked) input.ReturnValues = asked;
    let result: { output: Record<string, unknown> };
    try {
      result = await next({ ...args, input });
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') this.conditionFailed(operation, input);
      throw error;
    }
    const output = result.output;
    this.account(operation, input, output);
    const { ConsumedCapacity: _capacity, ...rest } = output;
    if (asked) delete rest.Attributes;
    // The caller gets what it asked for: no consumed capacity, no images it did not ask for.
    return { ...result, output: args.input.ReturnConsumedCapacity ? output : rest };
  }

  private unitsOf(kind: string): Units {
    let u = this.units.get(kind);
    if (!u) {
      u = { read: 0, write: 0, indexWrite: {}, conditionFailed: 0 };
      this.units.set(kind, u);
    }
    return u;
  }

  private conditionFailed(operation: string, input: Item): void {
    const item = (input.Item ?? input.Key ?? {}) as Item;
    const u = this.unitsOf(kindOf(item, this.table));
    u.conditionFailed += 1;
    const units = operation === 'PutItem' ? writeUnits(itemSize(item)) : 1;
    u.write += units;
    this.writes?.push({
      kind: kindOf(item, this.table),
      operation: labelOf(operation, input),
      units,
      indexUnits: 0,
      bytes: itemSize(item),
      failed: true,
    });
  }

  private account(operation: string, input: Item, output: Item): void {
    const consumed = output.ConsumedCapacity as
      | { CapacityUnits?: number; Table?: { CapacityUnits?: number } }
      | { CapacityUnits?: number; Table?: { CapacityUnits?: number } }[]
      | undefined;
    const tableUnits = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
      (sum, c) => sum + (c.CapacityUnits ?? 0),
      0,
    );
    switch (operation) {
      case 'GetItem':
      case 'Query':
      case 'Scan':
      case 'BatchGetItem': {
        const key = (input.Key ?? firstKeyOf(input, output)) as Item | undefined;
        this.unitsOf(key ? kindOf(key, this.table) : 'unknown').read += tableUnits;
        return;
      }
      case 'PutItem': {
        const item = input.Item as Item;
        const old = output.Attributes as Item | undefined;
        const u = this.unitsOf(kindOf(item, this.table));
        const before = u.write;
        const table = Math.max(writeUnits(itemSize(item)), old ? writeUnits(itemSize(old)) : 0);
        u.write += table;
        this.indexWrites(u, old, item, undefined);
        this.log(operation, input, u.write - before, u.write - before - table, item, old);
        return;
      }
      case 'DeleteItem': {
        const old = output.Attributes as Item | undefined;
        const u = this.unitsOf(kindOf(input.Key as Item, this.table));
        u.write += old ? writeUnits(itemSize(old)) : 1;
        if (old) this.indexWrites(u, old, undefined, undefined);
        return;
      }
      case 'UpdateItem': {
        const after = (input.ReturnValues === 'ALL_NEW' ? output.Attributes : undefined) as Item | undefined;
        const u = this.unitsOf(kindOf(input.Key as Item, this.table));
        const before = u.write;
        u.write += tableUnits || 1;
        if (after) this.indexWrites(u, undefined, after, namesIn(input));
        this.log(
          operation,
          input,
          u.write - before,
          u.write - before - (tableUnits || 1),
          after ?? (input.Key as Item),
        );
        return;
      }
      case 'BatchWriteItem': {
        const requests = Object.values(input.RequestItems as Record<string, Item[]>).flat();
        for (const request of requests) {
          const put = (request.PutRequest as { Item: Item } | undefined)?.Item;
          const key = (request.DeleteRequest as { Key: Item } | undefined)?.Key;
          const u = this.unitsOf(kindOf((put ?? key) as Item, this.table));
          u.write += put ? writeUnits(itemSize(put)) : 1;
          if (put) this.indexWrites(u, undefined, put, undefined);
        }
        return;
      }
      default:
        this.unitsOf(`other ${operation}`).write += tableUnits;
    }
  }

  private log(operation: string, input: Item, units: number, indexUnits: number, item: Item, old?: Item): void {
    if (!this.writes) return;
    this.writes.push({
      kind: kindOf(item, this.table),
      operation: labelOf(operation, input),
      units,
      indexUnits,
      bytes: itemSize(item),
      ...(old ? { oldBytes: itemSize(old) } : {}),
      attributes: Object.fromEntries(Object.entries(item).map(([name, value]) => [name, itemSize({ [name]: value })])),
    });
  }

  /**
   * Index writes of one item write. `before` absent with `touched` given: an update, whose
   * old image is the new one but for the attributes its expressions name.
   */
  private indexWrites(u: Units, before: Item | undefined, after: Item | undefined, touched: Set<string> | undefined) {
    for (const index of this.table.indexes) {
      const keysOf = [index.partitionKey, index.sortKey];
      const add = (n: number) => {
        u.write += n;
        u.indexWrite[index.name] = (u.indexWrite[index.name] ?? 0) + n;
      };
      const inAfter = after !== undefined && keysOf.every((k) => after[k] !== undefined);
      if (touched) {
        // An update: the entry moves when a key attribute is set or removed.
        if (!after) continue;
        const keyTouched = keysOf.some((k) => touched.has(k));
        const projectedTouched = keyTouched || projects(index, this.table, touched);
        if (inAfter && keyTouched) add(2 * writeUnits(projectedSize(after, index, this.table)));
        else if (inAfter && projectedTouched) add(writeUnits(projectedSize(after, index, this.table)));
        else if (!inAfter && keyTouched) add(1);
        continue;
      }
      const inBefore = before !== undefined && keysOf.every((k) => before[k] !== undefined);
      const sameKey = inBefore && inAfter && keysOf.every((k) => before?.[k] === after?.[k]);
      if (sameKey) {
        const a = projectedOf(before as Item, index, this.table);
        const b = projectedOf(after as Item, index, this.table);
        if (JSON.stringify(a) !== JSON.stringify(b)) add(writeUnits(itemSize(b)));
        continue;
      }
      if (inBefore) add(writeUnits(projectedSize(before as Item, index, this.table)));
      if (inAfter) add(writeUnits(projectedSize(after as Item, index, this.table)));
    }
  }
}

/** An operation with what tells its callers apart: its condition (Put, Delete) or update expression (Update). */
function labelOf(operation: string, input: Item): string {
  const text = String((operation === 'UpdateItem' ? input.UpdateExpression : input.ConditionExpression) ?? '-');
  return `${operation} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

/** `PK prefix/SK prefix` of an item: the kind of item, for the table of units by kind. */
export function kindOf(item: Item, table: Pick<TableModel, 'partitionKey' | 'sortKey'>): string {
  // The upper-case prefix names the kind; ids, days and hours after it do not.
  const part = (v: unknown) => /^[A-Z]+/.exec(String(v ?? ''))?.[0] ?? '*';
  return `${part(item[table.partitionKey])}/${part(item[table.sortKey])}`;
}

function firstKeyOf(input: Item, output: Item): Item | undefined {
  const values = input.ExpressionAttributeValues as Item | undefined;
  const pk = values?.[':pk'];
  if (typeof pk === 'string') return { PK: pk, SK: input.IndexName ? `${input.IndexName}` : '' };
  const items = output.Items as Item[] | undefined;
  if (items?.[0]) return items[0];
  const responses = output.Responses as Record<string, Item[]> | undefined;
  const found = responses ? Object.values(responses).flat()[0] : undefined;
  if (found) return found;
  // A BatchGetItem that found nothing is still charged: to the kind of the first key it asked for.
  const requested = input.RequestItems as Record<string, { Keys?: Item[] }> | undefined;
  return requested ? Object.values(requested).flatMap((r) => r.Keys ?? [])[0] : undefined;
}

/** Attribute names an UpdateItem's expressions name (the `#name` placeholders resolved). */
function namesIn(input: Item): Set<string> {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const expression = String(input.UpdateExpression ?? '');
  const found = new Set<string>();
  for (const token of expression.match(/#?[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    if (['SET', 'REMOVE', 'ADD', 'DELETE', 'if_not_exists', 'list_append'].includes(token)) continue;
    found.add(token.startsWith('#') ? (names[token] ?? token) : token);
  }
  return found;
}

function projects(index: IndexModel, table: TableModel, touched: Set<string>): boolean {
  if (index.projection === 'ALL') return touched.size > 0;
  const keys = [table.partitionKey, table.sortKey, index.partitionKey, index.sortKey];
  const included = index.projection === 'KEYS_ONLY' ? keys : [...keys, ...index.projection.include];
  return included.some((name) => touched.has(name));
}

function projectedOf(item: Item, index: IndexModel, table: TableModel): Item {
  if (index.projection === 'ALL') return item;
  const keys = [table.partitionKey, table.sortKey, index.partitionKey, index.sortKey];
  const names = index.projection === 'KEYS_ONLY' ? keys : [...keys, ...index.projection.include];
  return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]));
}

function projectedSize(item: Item, index: IndexModel, table: TableModel): number {
  return itemSize(projectedOf(item, index, table));
}

/** Write units of an item of `bytes`: 1 per started KB, at least 1. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / KB));
}

/**
 * An item's size as DynamoDB counts it: each attribute's name (UTF-8 bytes) plus its value;
 * strings in UTF-8 bytes, numbers about 1 byte per 2 digits + 1, booleans and null 1 byte,
 * lists and maps 3 bytes plus 1 per element and their elements (names of map keys included).
 * The item is in the document client's form (plain values), as the functions send it.
 */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name) + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits =
      String(value)
        .replace(/[^0-9]/g, '')
        .replace(/^0+/, '').length || 1;
    return 1 + Math.ceil(digits / 2);
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Item).filter(([, v]) => v !== undefined);
    return 3 + entries.length + itemSize(Object.fromEntries(entries));
  }
  return 0;
}
