/**
 * The case item's format, and the fence that keeps a previous release from writing over a
 * case of a newer format (docs/events-and-data.md, "Changing an item's format").
 *
 * Every write of a case is conditional on its optimistic lock. A release before format 2
 * writes on `version = :expected`, or, for a case that has no `version`, on
 * `attribute_not_exists(version)`; its transitions are a PutItem of the whole case as it
 * read it, so it would drop every attribute it does not know (a packed history: it would
 * write the case back with only its own new entry). So a format-2 case keeps its lock in `lock2` and holds `version` as NULL, which neither of the old conditions matches
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
