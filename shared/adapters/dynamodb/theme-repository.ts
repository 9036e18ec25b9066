import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ThemeDefect, ThemeExample, ThemeKind } from '../../domain/insights.ts';
import type { StoredTheme, ThemeCount, ThemeDayCount, ThemeRepository } from '../../domain/themes/ports.ts';
import { hourOf } from '../../domain/spikes/detector.ts';
import { daysBetween } from '../../domain/themes/defect-effect.ts';
import { RECENT_MENTIONS } from '../../domain/themes/record-insight.ts';
import { type OpenDayMention, openDayTotals, type ThemeOpenDay } from '../../domain/themes/theme-day.ts';
import { parseThemeId } from '../../domain/themes/theme-id.ts';
import { conditionalWrite, keys } from './keys.ts';
import { getAll, queryAll } from './query-all.ts';
import { entriesOf, hourClaims } from './rate-store.ts';
import { ThemeDayNodes } from './theme-day-nodes.ts';

const DAY_MS = 86_400_000;
/**
 * The theme's lock since w19 (the open day's format fence): `version` is stored as NULL, so a
 * release before w19, which writes a theme on the condition `version = :expected` and would drop
 * its open day with that put, is refused (its record is retried until a newer instance takes it).
 */
export const THEME_LOCK = 'lock2';
/**
 * Themes in the company table (keys.ts: THEME*). Idempotent per mention: the mention's theme
 * is claimed once (with its batch's claim in its hour's rates, DynamoRateStore.countOnce, or
 * its note past the hour's claim cap; the notes and `THEMEMENTION` claims of earlier releases
 * are still read), the theme's vector remembers its recent mentions, a day counts a mention
 * once by its id sets and holds its authors' marks (sets of pseudonymous hashes) in the same
 * write, on a tree of bounded items (ThemeDayNodes). Author marks of the release before, one item
 * each, are still read and erased.
 */
export class DynamoThemeRepository implements ThemeRepository {
  private readonly nodes: ThemeDayNodes;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.nodes = new ThemeDayNodes(client, tableName);
  }

  async themesOf(kind: ThemeKind, language: string): Promise<StoredTheme[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.themes(kind, language) },
    });
    return items.map(themeOf).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async theme(id: string): Promise<StoredTheme | undefined> {
    const parsed = parseThemeId(id);
    if (!parsed) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.theme(parsed.kind, parsed.language, id),
        ConsistentRead: true,
      }),
    );
    return Item ? themeOf(Item) : undefined;
  }

  async assignmentOf(mentionId: string, createdAt: string): Promise<string | undefined> {
    const hour = hourOf(createdAt);
    // Its note (an hour past the claim cap, or an earlier release), by key.
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.rateMention(hour, mentionId),
        ProjectionExpression: 'themeId',
        ConsistentRead: true,
      }),
    );
    if (typeof Item?.themeId === 'string') return Item.themeId;
    // The hour's rate claims (one item per batch, at most RATE_CLAIMS_PER_HOUR): never the hour's notes.
    const claims = await hourClaims(this.client, this.tableName, hour, { consistent: true });
    for (const item of claims) {
      if (item.type !== 'rate-claim') continue;
      const entry = entriesOf(item).find(([id]) => id === mentionId);
      if (entry?.[5]) return entry[5];
    }
    // An earlier release's theme claim (its note deleted, or expired after 98 days).
    const legacy = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.themeOfMention(mentionId), ConsistentRead: true }),
    );
    return typeof legacy.Item?.themeId === 'string' ? legacy.Item.themeId : undefined;
  }

  async createTheme(theme: StoredTheme): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: itemOf(theme),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async saveTheme(theme: StoredTheme, expectedVersion: number): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: itemOf(theme),
          // A theme written before w19 holds its lock in `version`: upgraded by this write.
          ConditionExpression: `${THEME_LOCK} = :expected OR version = :expected`,
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      ),
    );
  }

  async countMentions(counts: readonly ThemeCount[]): Promise<Set<string>> {
    const counted = new Set<string>();
    // One write for the group on the day's first node with room; one it lists already (a redelivery) is left out.
    for (const group of themeDayGroups(counts)) for (const id of await this.nodes.count(group)) counted.add(id);
    return counted;
  }

  async countedOnDays(counts: readonly ThemeCount[]): Promise<Set<string>> {
    const groups = await Promise.all(themeDayGroups(counts).map((group) => this.nodes.held(group)));
    return new Set(groups.flatMap((ids) => [...ids]));
  }

  async noteMovedOn(day: string, themeId: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        // An open-day note of no themes to a release before w20 (which reads `themeIds` only).
        Item: { ...keys.themeMovedOn(day, themeId), type: 'themeOpenDays', day, themeIds: [], movedOn: themeId },
      }),
    );
  }

  async noteOpenDays(day: string, themeIds: readonly string[]): Promise<void> {
    const ids = [...new Set(themeIds)].sort();
    if (ids.length === 0) return;
    // Named by its themes: a redelivered batch of the same themes writes the same note again.
    const noteId = createHash('sha256').update(ids.join('\n')).digest('base64url').slice(0, 16);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.themeOpenDays(day, noteId), type: 'themeOpenDays', day, themeIds: ids },
      }),
    );
  }

  async removeAuthorMarks(themeId: string, authorHash: string, createdAt: string): Promise<void> {
    const utc = Date.parse(createdAt.slice(0, 10));
    for (const offset of [-1, 0, 1]) {
      const day = new Date(utc + offset * DAY_MS).toISOString().slice(0, 10);
      // The day's root, and where it is full the nodes below it that mark the author (a hot day's tree).
      const { Item: root } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.themeDay(day, themeId),
          ProjectionExpression: '#full',
          ExpressionAttributeNames: { '#full': 'full' },
        }),
      );
      const below = root?.full === true ? await this.nodes.below(day, themeId, 'PK, SK, authors') : [];
      const marked = below.filter((n) => ((n.authors as Set<string> | undefined) ?? new Set()).has(authorHash));
      for (const key of [keys.themeDay(day, themeId), ...marked.map((n) => ({ PK: n.PK, SK: n.SK }))])
        await conditionalWrite(
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: key,
              UpdateExpression: 'DELETE authors :author',
              // Only where the author is marked: an update of a missing day would create it.
              ConditionExpression: 'contains(authors, :hash)',
              ExpressionAttributeValues: { ':author': new Set([authorHash]), ':hash': authorHash },
            }),
          ),
        );
    }
    // Marks written before they moved onto the theme day: one item per theme, day and author (until they expire).
    const legacy = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.themeAuthors(themeId) },
      ProjectionExpression: 'PK, SK',
    });
    for (const item of legacy.filter((i) => String(i.SK).endsWith(`#${authorHash}`))) {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: item.PK, SK: item.SK } }));
    }
  }

  async authorsOf(themeId: string, from: string, to: string): Promise<number> {
    const [days, legacy, open] = await Promise.all([
      getAll(
        this.client,
        this.tableName,
        daysBetween(from, to).map((day) => keys.themeDay(day, themeId)),
        { ProjectionExpression: '#day, authors, #full', ExpressionAttributeNames: { '#day': 'day', '#full': 'full' } },
      ),
      queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.themeAuthors(themeId), ':from': `${from}#`, ':to': `${to}#~` },
        ProjectionExpression: 'SK',
      }),
      this.openDayOf(themeId),
    ]);
    const authors = new Set(legacy.map((item) => String(item.SK).split('#')[1]));
    const below = await Promise.all(
      days.filter((item) => item.full === true).map((item) => this.nodes.below(String(item.day), themeId, 'authors')),
    );
    for (const item of [...days, ...below.flat()])
      for (const author of (item.authors as Set<string> | undefined) ?? []) authors.add(author);
    if (open && open.day >= from && open.day <= to)
      for (const author of openDayTotals(open).authors) authors.add(author);
    return authors.size;
  }

  async dayCounts(days: readonly string[]): Promise<ThemeDayCount[]> {
    const perDay = await Promise.all(
      days.map(async (day) => {
        const items = await queryAll(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.themeDays(day) },
          // The mention ids are for idempotence only: never read them back (but where an open day needs them).
          ProjectionExpression: '#type, #day, themeId, #count, reactions, departments, themeIds, movedOn, #full',
          ExpressionAttributeNames: { '#type': 'type', '#day': 'day', '#count': 'count', '#full': 'full' },
        });
        const counts = new Map<string, ThemeDayCount>();
        const noted = new Set<string>();
        const movedOn = new Set<string>();
        for (const item of items) {
          if (item.type === 'themeOpenDays') {
            for (const id of (item.themeIds as string[] | undefined) ?? []) noted.add(String(id));
            if (typeof item.movedOn === 'string') movedOn.add(item.movedOn);
            continue;
          }
          // A full root: its day's tree below it counts the rest (a hot day), summed.
          const themeId = String(item.themeId);
          const below =
            item.full === true
              ? await this.nodes.below(day, themeId, '#count, reactions, departments', { '#count': 'count' })
              : [];
          counts.set(themeId, {
            day,
            themeId,
            count: [item, ...below].reduce((sum, node) => sum + Number(node.count ?? 0), 0),
            reactions: [item, ...below].reduce((sum, node) => sum + Number(node.reactions ?? 0), 0),
            departments: [
              ...new Set(
                [item, ...below].flatMap((node) => [...((node.departments as Set<string> | undefined) ?? [])]),
              ),
            ].sort(),
          });
        }
        // A theme whose open day moved past this one (its note) holds nothing of it in its item.
        for (const [themeId, open] of await this.openDaysOf([...noted].filter((id) => !movedOn.has(id)))) {
          if (open.day !== day) continue;
          const closed = counts.get(themeId);
          const totals = openDayTotals(open, closed ? await this.countedOn(day, themeId) : undefined);
          if (totals.count === 0) continue;
          counts.set(themeId, {
            day,
            themeId,
            count: (closed?.count ?? 0) + totals.count,
            reactions: (closed?.reactions ?? 0) + totals.reactions,
            departments: [...new Set([...(closed?.departments ?? []), ...totals.departments])].sort(),
          });
        }
        return [...counts.values()];
      }),
    );
    return perDay.flat();
  }

  async themeDays(themeId: string, days: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>(days.map((d) => [d, 0]));
    const [items, open] = await Promise.all([
      getAll(
        this.client,
        this.tableName,
        days.map((day) => keys.themeDay(day, themeId)),
        {
          ProjectionExpression: '#day, #count, #full',
          ExpressionAttributeNames: { '#day': 'day', '#count': 'count', '#full': 'full' },
        },
      ),
      this.openDayOf(themeId),
    ]);
    for (const item of items) {
      const day = String(item.day);
      // A full root: the day's tree below it counts the rest.
      const below = item.full === true ? await this.nodes.below(day, themeId, '#count', { '#count': 'count' }) : [];
      counts.set(
        day,
        [item, ...below].reduce((sum, node) => sum + Number(node.count ?? 0), 0),
      );
    }
    if (open && counts.has(open.day)) {
      const closed = items.some((item) => item.day === open.day);
      const totals = openDayTotals(open, closed ? await this.countedOn(open.day, themeId) : undefined);
      counts.set(open.day, (counts.get(open.day) ?? 0) + totals.count);
    }
    return counts;
  }

  /** A theme's open day (a theme written before w19 has none). */
  private async openDayOf(themeId: string): Promise<ThemeOpenDay | undefined> {
    return (await this.openDaysOf([themeId])).get(themeId);
  }

  /** The open days of these themes, by theme id (eventually consistent: for readers). */
  private async openDaysOf(themeIds: readonly string[]): Promise<Map<string, ThemeOpenDay>> {
    const themeKeys = themeIds.flatMap((id) => {
      const parsed = parseThemeId(id);
      return parsed ? [keys.theme(parsed.kind, parsed.language, id)] : [];
    });
    const items = await getAll(this.client, this.tableName, themeKeys, {
      ProjectionExpression: 'id, openDay, departments',
    });
    const open = new Map<string, ThemeOpenDay>();
    for (const item of items) {
      const day = openDayOf(item.openDay, (item.departments ?? []) as string[]);
      if (day) open.set(String(item.id), day);
    }
    return open;
  }

  /** The mentions a theme day's items count (to count an open day's mention held by both once). */
  private async countedOn(day: string, themeId: string): Promise<Set<string>> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.themeDay(day, themeId),
        ProjectionExpression: 'mentionIds, #full',
        ExpressionAttributeNames: { '#full': 'full' },
      }),
    );
    const below = Item?.full === true ? await this.nodes.below(day, themeId, 'mentionIds') : [];
    return new Set([Item, ...below].flatMap((node) => [...((node?.mentionIds as Set<string> | undefined) ?? [])]));
  }

  async markDefect(themeId: string, defect: ThemeDefect): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.themeDefect(themeId), type: 'themeDefect', themeId, ...defect },
      }),
    );
  }

  async defects(): Promise<Map<string, ThemeDefect>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.themeDefects },
    });
    return new Map(
      items.map((item) => [
        String(item.themeId),
        {
          owner: String(item.owner),
          fixDate: String(item.fixDate),
          markedAt: String(item.markedAt),
          markedBy: String(item.markedBy),
          ...(typeof item.note === 'string' ? { note: item.note } : {}),
        },
      ]),
    );
  }
}

/** The counts by theme day, each mention once (ThemeDayNodes writes them in parts). */
function themeDayGroups(counts: readonly ThemeCount[]): ThemeCount[][] {
  const byDay = new Map<string, Map<string, ThemeCount>>();
  for (const count of counts) {
    const key = `${count.day}#${count.themeId}`;
    const day = byDay.get(key) ?? new Map<string, ThemeCount>();
    if (!day.has(count.mentionId)) day.set(count.mentionId, count);
    byDay.set(key, day);
  }
  return [...byDay.values()].map((day) => [...day.values()]);
}

/**
 * A theme item with its open day's mentions stored short: `<author hash>|<index of the department
 * in the theme's departments>[|<reactions>]` by mention id (about 25 bytes each instead of 45 as a
 * list; a theme lists every department of its mentions, so the index stays valid), and its recent
 * mention ids without those the open day holds by key (each id once: read back, the open day's
 * come first; a map keeps no order, which only decides which ids a theme forgets first; none:
 * no attribute). A term's surface is stored only where it differs from the term. The version is
 * in {@link THEME_LOCK}, `version` NULL (the fence).
 */
function itemOf(theme: StoredTheme): Record<string, unknown> {
  const { openDay, recentMentionIds, ...rest } = theme;
  const recent = openDay ? recentMentionIds.filter((id) => !openDay.mentions[id]) : recentMentionIds;
  const entryOf = (m: OpenDayMention) => {
    const department = theme.departments.indexOf(m.department);
    const parts = [m.authorHash, department >= 0 ? String(department) : m.department];
    return (m.reactions > 0 ? [...parts, String(m.reactions)] : parts).join('|');
  };
  return {
    ...keys.theme(theme.kind, theme.language, theme.id),
    type: 'theme',
    ...rest,
    version: null,
    [THEME_LOCK]: theme.version,
    // Every reader falls back to the term where a surface is missing (label.ts, since the first theme).
    vector: {
      weights: theme.vector.weights,
      surfaces: Object.fromEntries(Object.entries(theme.vector.surfaces).filter(([term, surface]) => surface !== term)),
    },
    ...(recent.length > 0 ? { recentMentionIds: recent } : {}),
    ...(openDay
      ? {
          openDay: {
            day: openDay.day,
            mentions: Object.fromEntries(Object.entries(openDay.mentions).map(([id, m]) => [id, entryOf(m)])),
          },
        }
      : {}),
  };
}

/** A stored open day, or undefined when there is none (a theme written before w19) or it does not parse. */
function openDayOf(value: unknown, departments: readonly string[]): ThemeOpenDay | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { day, mentions } = value as { day?: unknown; mentions?: unknown };
  if (typeof day !== 'string' || typeof mentions !== 'object' || mentions === null) return undefined;
  const entries: Record<string, OpenDayMention> = {};
  for (const [id, entry] of Object.entries(mentions as Record<string, unknown>)) {
    if (typeof entry !== 'string') continue;
    const [authorHash = '', department = '', reactions] = entry.split('|');
    const index = /^\d+$/.test(department) ? departments[Number(department)] : undefined;
    entries[id] = { authorHash, department: index ?? department, reactions: Number(reactions ?? 0) };
  }
  return { day, mentions: entries };
}

function themeOf(item: Record<string, unknown>): StoredTheme {
  const vector = (item.vector ?? {}) as { weights?: Record<string, number>; surfaces?: Record<string, string> };
  const departments = (item.departments ?? []) as string[];
  const openDay = openDayOf(item.openDay, departments);
  return {
    id: String(item.id),
    kind: item.kind as ThemeKind,
    language: String(item.language),
    vector: { weights: vector.weights ?? {}, surfaces: vector.surfaces ?? {} },
    mentions: Number(item.mentions ?? 0),
    version: Number(item[THEME_LOCK] ?? item.version ?? 0),
    createdAt: String(item.createdAt),
    examples: (item.examples ?? []) as ThemeExample[],
    departments,
    recentMentionIds: [
      ...new Set([...Object.keys(openDay?.mentions ?? {}), ...((item.recentMentionIds ?? []) as string[])]),
    ].slice(0, Math.max(RECENT_MENTIONS, Object.keys(openDay?.mentions ?? {}).length)),
    ...(item.organisations ? { organisations: item.organisations as Record<string, number> } : {}),
    ...(item.places ? { places: item.places as Record<string, number> } : {}),
    ...(openDay ? { openDay } : {}),
  };
}
