import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CaseHistoryEntry } from '../../domain/case.ts';

/**
 * The case item's format, and the fence that keeps a previous release from writing over a
 * case of a newer format (docs/events-and-data.md, "Changing an item's format").
 *
 * Every write of a case is conditional on its optimistic lock. A release before format 2
 * writes on `version = :expected`, or, for a case that has no `version`, on
 * `attribute_not_exists(version)`; its transitions are a PutItem of the whole case as it
 * read it. Format 2 packs the history (`historyZ`), which such a release does not read: its
 * PutItem would write the case back with only its own new entry. So a format-2 case keeps its
 * lock in `lock2` and holds `version` as NULL, which neither of the old conditions matches
 * (`NULL = 4` is false; a NULL attribute exists), and the old release's `ADD version :one`
 * (a first response) is refused for its type. Every old write of a format-2 case fails before
 * it changes anything, and its message is retried until an instance of this release takes it.
 *
 * Format 3 (round w22) lists the case under its first cc department by the case item's own
 * entry on GSI3 (`GSI3PK`, sorted by its `GSI1SK`; case-refs.ts) instead of a ref item. A release before it
 * would write such a case back without those keys (its PutItem builds the item from the fields
 * it knows) and believe the department's ref is there, so the case would drop out of the
 * department's listing. So format 3 takes the next lock, `lock3`, and keeps `version` and `lock2`
 * as NULL: format 2's conditions (`lock2 = :expected OR version = :expected`, or both absent)
 * fail on it and its `ADD lock2 :one` is refused for its type, as format 1's were on format 2.
 *
 * This release reads every format and writes format 3: a case of format 1 (`version` a number,
 * `history` a list) or 2 (`lock2`) is upgraded by its next transition, whose condition names the
 * lock it read (`lock3 = :expected OR lock2 = :expected OR version = :expected`: a case holds one
 * lock as a number, and each lock continues the numbers of the one before, so they cannot be
 * confused). A rollback converts cases back with `backchannel case-format --down`
 * (case-format-rollback.ts), writing the first cc's ref item again.
 *
 * The next format change that an old writer could damage takes the next lock (`lock4`, with
 * `version`, `lock2` and `lock3` kept as NULL); one that old writers cannot damage needs no fence.
 */
export const CASE_FORMAT = 3;

/** The attribute holding a format-3 case's optimistic lock (the domain's `Case.version`). */
export const LOCK = 'lock3';

/** The lock of format 2, read on cases not written since. */
export const FORMAT2_LOCK = 'lock2';

/** The locks of formats 1 and 2, kept as NULL on a format-3 case: the fence. */
export const RETIRED_LOCKS = ['version', FORMAT2_LOCK] as const;

/** The stored lock fields of a case at `version`: the current lock, and each retired one as NULL. */
export function lockAttributes(version: number | undefined): Record<string, unknown> {
  return {
    ...Object.fromEntries(RETIRED_LOCKS.map((name) => [name, null])),
    ...(version === undefined ? {} : { [LOCK]: version }),
  };
}

/** The format of a stored case item: 3 (`lock3`), 2 (`lock2`), else 1 (a `version`, or none before the lifecycle). */
export function formatOf(item: Record<string, unknown>): 1 | 2 | 3 {
  if (typeof item[LOCK] === 'number') return 3;
  return typeof item[FORMAT2_LOCK] === 'number' ? 2 : 1;
}

/**
 * The case's version as stored in any format (`lock3`, `lock2` or format 1's `version`), or
 * undefined for a case from before the lifecycle (no lock at all).
 */
export function lockOf(item: Record<string, unknown>): number | undefined {
  for (const name of [LOCK, FORMAT2_LOCK, 'version']) {
    const lock = item[name];
    if (typeof lock === 'number') return lock;
  }
  return undefined;
}

/**
 * The condition of a write over the case as read at `expectedVersion`, in any format
 * (0: a case from before the lifecycle, with no lock, which the write claims).
 */
export function lockCondition(expectedVersion: number): {
  readonly ConditionExpression: string;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (expectedVersion === 0) {
    return {
      ConditionExpression: `attribute_exists(PK) AND attribute_not_exists(version) AND attribute_not_exists(${FORMAT2_LOCK}) AND attribute_not_exists(${LOCK})`,
    };
  }
  return {
    ConditionExpression: `${LOCK} = :expected OR ${FORMAT2_LOCK} = :expected OR version = :expected`,
    ExpressionAttributeValues: { ':expected': expectedVersion },
  };
}

/**
 * The history as one binary attribute (`historyZ`): a version byte, then the deflate of the
 * entries' JSON with a preset dictionary of their usual skeleton. As a list of maps the
 * history was a quarter of a new case's item (about 230 of 920 bytes) and half of it after a
 * joining mention's `apply-routing` entry (530 of 1,170), which took every such transition
 * past 1 KB: 2 write units, where the packed history keeps the case under 1 KB (1 unit).
 *
 * The dictionary of a version byte never changes (items written with it must stay readable);
 * a better dictionary is a new version byte beside the old one.
 */
const HISTORY_V1 = 1;

/** The JSON a history usually holds, with its values' common beginnings: what deflate may refer back to. */
const HISTORY_DICTIONARY_V1 = Buffer.from(
  '[{"transitionId":"routing:facebook:","at":"2026-12-0","actor":"system:handle-department","action":"apply-routing",' +
    '"from":"assigned","to":"assigned","detail":{"mentionId":"facebook:","rules":"","priority":"normal -> high","dueAt":"2026-12-0","tags":"","cc":""}},' +
    '{"transitionId":"reopen:","actor":"user:","action":"reopen","from":"resolved","to":"new","detail":{"mentionId":"","note":""}},' +
    '{"transitionId":"own-reply:","actor":"platform:","action":"respond","from":"waiting","to":"responded"},' +
    '{"transitionId":"sla-breach:","actor":"system:check-sla","action":"breach-sla","from":"new","to":"new","detail":{"dueAt":""}},' +
    '{"transitionId":"assign:facebook:","at":"2026-12-0","actor":"system:classify-mention","action":"assign","from":"new",' +
    '"to":"assigned","detail":{"assignee":"","reason":"round robin: the only member on duty ("}}]',
);

/** The `historyZ` attribute of a case item. */
export function encodeCaseHistory(history: readonly CaseHistoryEntry[]): Uint8Array {
  const packed = deflateRawSync(JSON.stringify(history), { dictionary: HISTORY_DICTIONARY_V1 });
  return Buffer.concat([Buffer.of(HISTORY_V1), packed]);
}

/**
 * The history entries of a `historyZ` attribute.
 * @throws Error for a version byte this release does not know (an item of a newer release)
 */
export function decodeCaseHistory(bytes: Uint8Array): CaseHistoryEntry[] {
  if (bytes[0] !== HISTORY_V1) throw new Error(`case history of unknown version ${bytes[0]}`);
  return JSON.parse(inflateRawSync(bytes.subarray(1), { dictionary: HISTORY_DICTIONARY_V1 }).toString('utf8'));
}

/** The attributes of a format-3 case that earlier formats do not have: its lock and its GSI3 partition. */
const FORMAT3_ONLY = [LOCK, 'GSI3PK'] as const;

/**
 * A case item of format 3 as format 2 wrote it (the lock in `lock2`, no GSI3 entry: its first
 * cc department needs its ref item again, which the caller writes). Items of format 1 or 2 are
 * returned as they are.
 */
export function toFormat2(item: Record<string, unknown>): Record<string, unknown> {
  const lock = item[LOCK];
  if (typeof lock !== 'number') return item;
  const rest = Object.fromEntries(
    Object.entries(item).filter(([name]) => !(FORMAT3_ONLY as readonly string[]).includes(name)),
  );
  return { ...rest, version: null, [FORMAT2_LOCK]: lock };
}

/**
 * A case item of format 2 or 3 as format 1 wrote it (the history as a list, the lock in
 * `version`, no GSI3 entry): what a rollback to a release before the first fence needs, since
 * that release refuses to write (and cannot read the history of) a newer case. An item of
 * format 1 is returned as it is.
 */
export function toFormat1(item: Record<string, unknown>): Record<string, unknown> {
  const { [FORMAT2_LOCK]: lock, historyZ, ...rest } = toFormat2(item);
  if (typeof lock !== 'number') return item;
  return {
    ...rest,
    version: lock,
    ...(historyZ instanceof Uint8Array ? { history: decodeCaseHistory(historyZ) } : {}),
  };
}
