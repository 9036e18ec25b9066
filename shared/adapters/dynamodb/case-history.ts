import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CaseHistoryEntry } from '../../domain/case.ts';

/**
 * A case's history as one binary attribute of the case item (`historyZ`): a version byte,
 * then the deflate of the entries' JSON with a preset dictionary of their usual skeleton.
 * As a list of maps the history was a quarter of a new case's item (about 230 of 920
 * bytes) and half of it after a joining mention's `apply-routing` entry (530 of 1,170),
 * which took every such transition past 1 KB: 2 write units, where the packed history keeps
 * the case under 1 KB (1 unit). The case is rewritten whole by every transition
 * (saveTransition), so the history is packed again with each.
 *
 * The dictionary of a version never changes (items written with it must stay readable);
 * a better dictionary is a new version byte beside the old one. Cases written before keep
 * `history` as a list until their next transition; both are read.
 */
const VERSION_1 = 1;

/** The JSON a history usually holds, with its values' common beginnings: what deflate may refer back to. */
const DICTIONARY_1 = Buffer.from(
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
  const packed = deflateRawSync(JSON.stringify(history), { dictionary: DICTIONARY_1 });
  return Buffer.concat([Buffer.of(VERSION_1), packed]);
}

/**
 * The history entries of a `historyZ` attribute.
 * @throws Error for a version this release does not know (an item of a newer release)
 */
export function decodeCaseHistory(bytes: Uint8Array): CaseHistoryEntry[] {
  if (bytes[0] !== VERSION_1) throw new Error(`case history of unknown version ${bytes[0]}`);
  return JSON.parse(inflateRawSync(bytes.subarray(1), { dictionary: DICTIONARY_1 }).toString('utf8'));
}
