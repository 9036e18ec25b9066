import type { StoredMention, StoredMentionReader } from './ports.ts';
import { routeMention, type Routing, type RoutingPolicy } from './route-mention.ts';

/** One mention whose department would change, as an example of its move. */
export interface WhatIfExample {
  readonly mentionId: string;
  readonly text: string;
  readonly createdAt: string;
  /** Why the new rules send it where they do. */
  readonly reasons: readonly string[];
}

/** All mentions that would move from one department to another. */
export interface WhatIfMove {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  readonly examples: readonly WhatIfExample[];
}

/** What new rules would have done to the stored mentions. */
export interface WhatIfReport {
  /** Stored mentions replayed (the company's own replies are not: they route nowhere). */
  readonly replayed: number;
  readonly unchanged: number;
  /** Moves, the largest first. */
  readonly moves: readonly WhatIfMove[];
  /** Mentions that keep their department but whose cc departments change. */
  readonly ccChanged: number;
  readonly priorityChanged: number;
  /** Mentions per department before and after. */
  readonly before: Readonly<Record<string, number>>;
  readonly after: Readonly<Record<string, number>>;
}

/** How one stored mention would be routed now, next to how it was. */
export interface Replayed {
  readonly stored: StoredMention;
  readonly was: Routing;
  readonly now: Routing;
}

/**
 * Routes a stored mention again with `policy`, reusing its stored classification (the
 * classifier does not run again, so only the rules' effect shows).
 */
export function replayOne(stored: StoredMention, policy: RoutingPolicy): Replayed {
  return { stored, was: stored.routing, now: routeMention(stored.classification, policy, stored.mention) };
}

export interface WhatIfOptions {
  readonly since?: string;
  readonly pageSize?: number;
  /** Examples kept per move. @default 3 */
  readonly examplesPerMove?: number;
  /** Called after every page with the running totals. */
  readonly onProgress?: (progress: {
    readonly pages: number;
    readonly scanned: number;
    readonly replayed: number;
  }) => void;
}

/**
 * Replays the stored mentions through new routing rules and says how many would move from
 * which department to which, with examples. It reads page by page and writes nothing.
 *
 * 1. read a page of stored mentions (since `since`)
 * 2. route each with the new policy, from its stored classification
 * 3. count moves (old department -> new), cc and priority changes, keep the first examples
 * 4. report progress after every page
 */
export async function whatIf(
  reader: StoredMentionReader,
  policy: RoutingPolicy,
  options: WhatIfOptions = {},
): Promise<WhatIfReport> {
  const examplesPerMove = options.examplesPerMove ?? 3;
  const moves = new Map<string, { from: string; to: string; count: number; examples: WhatIfExample[] }>();
  const before: Record<string, number> = {};
  const after: Record<string, number> = {};
  let pages = 0;
  let scanned = 0;
  let replayed = 0;
  let unchanged = 0;
  let ccChanged = 0;
  let priorityChanged = 0;

  for await (const page of reader.pages({
    ...(options.since ? { since: options.since } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  })) {
    pages++;
    scanned += page.scanned;
    for (const stored of page.items) {
      if (stored.mention.isOwnAccount) continue;
      const { was, now } = replayOne(stored, policy);
      replayed++;
      before[was.department] = (before[was.department] ?? 0) + 1;
      after[now.department] = (after[now.department] ?? 0) + 1;
      if (was.priority !== now.priority) priorityChanged++;
      if (was.department === now.department) {
        unchanged++;
        if (!sameSet(was.cc, now.cc)) ccChanged++;
        continue;
      }
      const key = `${was.department}\u0000${now.department}`;
      const move = moves.get(key) ?? { from: was.department, to: now.department, count: 0, examples: [] };
      move.count++;
      if (move.examples.length < examplesPerMove) {
        move.examples.push({
          mentionId: stored.mention.id,
          text: stored.mention.text,
          createdAt: stored.mention.createdAt,
          reasons: now.reasons,
        });
      }
      moves.set(key, move);
    }
    options.onProgress?.({ pages, scanned, replayed });
  }

  return {
    replayed,
    unchanged,
    moves: [...moves.values()].sort(
      (a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
    ),
    ccChanged,
    priorityChanged,
    before,
    after,
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
