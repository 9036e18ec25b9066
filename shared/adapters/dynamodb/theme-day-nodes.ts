import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../domain/errors.ts';
import type { ThemeCount } from '../../domain/themes/ports.ts';
import { conditionalWrite, keys } from './keys.ts';
import { queryAll } from './query-all.ts';

/**
 * Mentions a theme day's root (the theme day item) lists at most (an id and an author hash, about
 * 65 bytes each: ~6.5 KB, a write to it at most 7 W; DynamoDB's item limit of 400 KB holds about
 * 6,000-7,000): a day of an ordinary theme (its open day and up to this many more) stays one item.
 */
export const DAY_ROOT_MENTIONS = 100;
/**
 * Mentions a node below the root lists at most (~2.6 KB, a write at most 3 W). Small on purpose: on
 * a hot day a batch's mentions scatter over the nodes with room, about one write each, and a
 * write costs the node's size (docs/capacity.md, Round w20).
 */
export const DAY_NODE_MENTIONS = 40;
/**
 * Full nodes whose ids a process remembers, the least recently used forgotten first (each ~10 KB in
 * memory): the nodes above a hot day's nodes with room, about 1 in 15 of its nodes (a day of a
 * million mentions of one theme: ~700).
 */
const REMEMBERED_FULL_NODES = 2_048;
/**
 * Mentions counted on a node by one write at most: its condition names each of them
 * (`contains(mentionIds, :mN)`), and a condition expression may be at most 4 KB long.
 */
const COUNTS_PER_WRITE = 50;
/** Rounds of write, read, write on one node before another writer is assumed to keep changing it. */
const NODE_ROUNDS = 8;

/**
 * A theme's mentions of one day, in a tree of items (since w20). The root is the theme day item
 * (`THEMEDAY#<day>` / `<themeId>`, as before) of at most DAY_ROOT_MENTIONS; once it is full it is
 * marked `full` and never changes its ids again, and each further mention goes to the child named
 * by the next hex digit of its id's hash (keys.themeDayNode: 16 partitions by the first digit), of
 * at most DAY_NODE_MENTIONS, full in its turn, and so on (16 x 40 = 640 mentions on the first
 * level, 10,240 on the second, 163,840 on the third, 2.6 million on the fourth). A mention is
 * counted on the first node of its path that is not full, on the condition that the node lists
 * none of the write's mentions: the nodes before it on its path were full and did not list it, and
 * never change, so a redelivery walks the same path and finds it. Counts, reactions, departments
 * and authors are summed or joined over a day's nodes by readers. A root of an earlier release
 * past the bound (up to 400 KB) is simply full.
 */
export class ThemeDayNodes {
  /** Ids of full nodes, by key: they never change, so a process asks for them once. */
  private readonly full = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Counts the mentions (of one theme day, any number) each once on their nodes, in writes of at
   * most COUNTS_PER_WRITE; returns those counted now.
   * @throws ConflictError when a node kept changing under NODE_ROUNDS attempts
   */
  async count(group: readonly ThemeCount[], path = ''): Promise<Set<string>> {
    const [first] = group;
    const counted = new Set<string>();
    if (!first) return counted;
    const key = keys.themeDayNode(first.day, first.themeId, path);
    const known = this.recall(nodeName(key));
    let rest = this.notIn(known, group);
    if (!known) {
      let refused = 0;
      while (rest.length > 0) {
        // No more than the node takes: a new node (no ids yet) is not asked for room.
        const write = rest.slice(0, Math.min(COUNTS_PER_WRITE, capacityOf(path)));
        if (await this.add(key, path, write)) {
          for (const c of write) counted.add(c.mentionId);
          rest = rest.slice(write.length);
          continue;
        }
        // Refused: it lists one of them (a redelivery), another writer filled it, or it is full.
        const node = await this.read(key);
        rest = this.notIn(node.ids, rest);
        if (node.full || node.ids.size + Math.min(rest.length, COUNTS_PER_WRITE, capacityOf(path)) > capacityOf(path)) {
          rest = this.notIn(node.full ? node.ids : await this.close(key), rest);
          break;
        }
        if (++refused === NODE_ROUNDS)
          throw new ConflictError(
            `theme day node ${nodeName(key)} changed under ${refused} attempts to count mentions`,
          );
      }
      if (rest.length === 0) return counted;
    }
    // Children are items of their own: written at once (a hot day scatters a batch over many).
    for (const id of await inChildren(rest, path, (mentions, child) => this.count(mentions, child))) counted.add(id);
    return counted;
  }

  /**
   * The mentions (of one theme day) that its nodes list, read along each one's path: a mention is
   * counted on the first node of its path that is not full, and no node lies below one that is
   * not full, so the walk stops there. Full nodes this process knows are not read again.
   */
  async held(group: readonly ThemeCount[], path = ''): Promise<Set<string>> {
    const [first] = group;
    const held = new Set<string>();
    if (!first) return held;
    const key = keys.themeDayNode(first.day, first.themeId, path);
    const known = this.recall(nodeName(key));
    const node = known ? { ids: known, full: true } : await this.read(key);
    for (const c of group) if (node.ids.has(c.mentionId)) held.add(c.mentionId);
    if (!node.full) return held;
    for (const id of await inChildren(this.notIn(node.ids, group), path, (mentions, child) =>
      this.held(mentions, child),
    ))
      held.add(id);
    return held;
  }

  /**
   * The nodes of a theme day below its root (none unless the root is full: ask only then), with
   * the projection's attributes: one query of each of its 16 partitions.
   */
  async below(
    day: string,
    themeId: string,
    projection: string,
    names: Record<string, string> = {},
  ): Promise<Record<string, unknown>[]> {
    const branches = await Promise.all(
      [...'0123456789abcdef'].map((digit) =>
        queryAll(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.themeDayBranch(day, themeId, digit) },
          ProjectionExpression: projection,
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        }),
      ),
    );
    return branches.flat();
  }

  private notIn(ids: ReadonlySet<string> | undefined, group: readonly ThemeCount[]): ThemeCount[] {
    return ids ? group.filter((c) => !ids.has(c.mentionId)) : [...group];
  }

  /** Adds the mentions when the node is not full, has room for them and lists none of them. */
  private add(key: { PK: string; SK: string }, path: string, group: readonly ThemeCount[]): Promise<boolean> {
    const [first] = group as [ThemeCount];
    const ids = group.map((c, i) => [`:m${i}`, c.mentionId] as const);
    return conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'ADD #count :count, reactions :reactions, mentionIds :ids, departments :departments, authors :authors SET #type = :type, #day = :day, themeId = :themeId',
          // Flat on purpose (the same condition as `NOT (contains OR ...)` nested in the room's
          // parentheses): dynalite's expression parser backtracks on every level of parentheses,
          // and the nested form cost it tens of ms of CPU per write (Round w21).
          ConditionExpression: `attribute_not_exists(#full) AND ${ids.map(([name]) => `NOT contains(mentionIds, ${name})`).join(' AND ')} AND (attribute_not_exists(mentionIds) OR size(mentionIds) <= :room)`,
          ExpressionAttributeNames: { '#count': 'count', '#type': 'type', '#day': 'day', '#full': 'full' },
          ExpressionAttributeValues: {
            ':count': group.length,
            ':reactions': group.reduce((sum, c) => sum + c.reactions, 0),
            ':ids': new Set(group.map((c) => c.mentionId)),
            ':departments': new Set(group.map((c) => c.department)),
            ':authors': new Set(group.map((c) => c.authorHash)),
            ':room': capacityOf(path) - group.length,
            ...Object.fromEntries(ids),
            ':type': 'themeDay',
            ':day': first.day,
            ':themeId': first.themeId,
          },
        }),
      ),
    );
  }

  private async read(key: { PK: string; SK: string }): Promise<{ ids: ReadonlySet<string>; full: boolean }> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ProjectionExpression: 'mentionIds, #full',
        ExpressionAttributeNames: { '#full': 'full' },
        ConsistentRead: true,
      }),
    );
    const ids = new Set((Item?.mentionIds as Set<string> | undefined) ?? []);
    if (Item?.full === true) this.remember(nodeName(key), ids);
    return { ids, full: Item?.full === true };
  }

  /** Marks the node full (its ids never change again) and returns its ids as they are then. */
  private async close(key: { PK: string; SK: string }): Promise<ReadonlySet<string>> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET #full = :full',
        ExpressionAttributeNames: { '#full': 'full' },
        ExpressionAttributeValues: { ':full': true },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const ids = new Set((Attributes?.mentionIds as Set<string> | undefined) ?? []);
    this.remember(nodeName(key), ids);
    return ids;
  }

  /** A full node's ids, when this process knows them (marked as used last). */
  private recall(name: string): ReadonlySet<string> | undefined {
    const ids = this.full.get(name);
    if (ids) {
      this.full.delete(name);
      this.full.set(name, ids);
    }
    return ids;
  }

  private remember(name: string, ids: ReadonlySet<string>): void {
    if (this.full.size >= REMEMBERED_FULL_NODES) this.full.delete(this.full.keys().next().value as string);
    this.full.set(name, ids);
  }
}

/** The mentions split by their child of the node at `path`, each child's part walked at once; the ids walk returns, joined. */
async function inChildren(
  group: readonly ThemeCount[],
  path: string,
  walk: (mentions: ThemeCount[], child: string) => Promise<Set<string>>,
): Promise<Set<string>> {
  const byChild = new Map<string, ThemeCount[]>();
  for (const c of group) {
    const child = path + digitOf(c.mentionId, path.length);
    byChild.set(child, [...(byChild.get(child) ?? []), c]);
  }
  const children = await Promise.all([...byChild].map(([child, mentions]) => walk(mentions, child)));
  return new Set(children.flatMap((ids) => [...ids]));
}

/** Mentions the node at `path` lists at most. */
function capacityOf(path: string): number {
  return path ? DAY_NODE_MENTIONS : DAY_ROOT_MENTIONS;
}

function nodeName(key: { PK: string; SK: string }): string {
  return `${key.PK}|${key.SK}`;
}

/** The hex digit of the mention id's hash that picks its node at this depth (0: one of the root's 16 children). */
function digitOf(mentionId: string, depth: number): string {
  const hash = createHash('sha256').update(mentionId).digest('hex');
  return hash[depth % hash.length] ?? '0';
}
