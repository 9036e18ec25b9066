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
 * This release reads both formats and writes format 2: a case of format 1 (`version` a
 * number, `history` a list) is upgraded by its next transition, whose condition names the
 * lock it read (`lock2 = :expected OR version = :expected`: a case holds one lock as a number,
 * and `lock2` continues the numbers of `version`, so the two cannot be confused).
 *
 * The next format change that an old writer could damage takes the next lock (`lock3`, with
 * `version` and `lock2` kept as NULL); one that old writers cannot damage needs no fence.
 */
export const CASE_FORMAT = 2;

/** The attribute holding a format-2 case's optimistic lock (the domain's `Case.version`). */
export const LOCK = 'lock2';

/** The lock of format 1, kept as NULL on a format-2 case: the fence. */
export const RETIRED_LOCKS = ['version'] as const;

/** The stored lock fields of a case at `version`: the current lock, and each retired one as NULL. */
export function lockAttributes(version: number | undefined): Record<string, unknown> {
  return {
    ...Object.fromEntries(RETIRED_LOCKS.map((name) => [name, null])),
    ...(version === undefined ? {} : { [LOCK]: version }),
  };
}

/**
 * The case's version as stored in either format (`lock2`, or format 1's `version`), or
 * undefined for a case from before the lifecycle (no lock at all).
 */
export function lockOf(item: Record<string, unknown>): number | undefined {
  const lock = item[LOCK];
  if (typeof lock === 'number') return lock;
  return typeof item.version === 'number' ? item.version : undefined;
}

/**
 * The condition of a write over the case as read at `expectedVersion`, in either format
 * (0: a case from before the lifecycle, with no lock, which the write claims).
 */
export function lockCondition(expectedVersion: number): {
  readonly ConditionExpression: string;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (expectedVersion === 0) {
    return {
      ConditionExpression: `attribute_exists(PK) AND attribute_not_exists(version) AND attribute_not_exists(${LOCK})`,
    };
  }
  return {
    ConditionExpression: `${LOCK} = :expected OR version = :expected`,
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

/**
 * A format-2 case item as format 1 wrote it (the history as a list, the lock in `version`):
 * what a rollback to a release before the fence needs, since that release refuses to write
 * (and cannot read the history of) a case of format 2. An item of format 1 is returned as it is.
 */
export function toFormat1(item: Record<string, unknown>): Record<string, unknown> {
  const { [LOCK]: lock, historyZ, ...rest } = item;
  if (typeof lock !== 'number') return item;
  return {
    ...rest,
    version: lock,
    ...(historyZ instanceof Uint8Array ? { history: decodeCaseHistory(historyZ) } : {}),
  };
}
