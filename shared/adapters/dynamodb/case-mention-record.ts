import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { MentionRouted } from '../../domain/events.ts';
import type { DeliveryClaimRequest } from '../../domain/ports.ts';
import { keys } from './keys.ts';

/** Version byte of `eventD`: deflate with DICTIONARY_1. */
const VERSION_1 = 1;

/**
 * The JSON a record's event usually holds, with its values' common beginnings: what deflate
 * may refer back to. The dictionary of a version never changes (records written with it
 * must stay readable); a better one is a new version byte beside the old one.
 */
const DICTIONARY_1 = Buffer.from(
  '{"companyId":"demo","mentionId":"facebook:","caseId":"case_","department":"service","role":"primary",' +
    '"platform":"facebook","category":"complaint","sentiment":"negative","priority":"normal","urgency":0.,' +
    '"language":"de","authorId":"","authorName":"","authorHandle":"@","url":"https://www.facebook.com/",' +
    '"text":"","createdAt":"2026-12-0","routedAt":"2026-12-0",' +
    '"reasons":["rule : category complaint -> department service","priority normal from urgency 0.",' +
    '"no rule decided the department: fallback department "],' +
    '"classifierReasons":["relevant (9%): word \\"","sentiment negative (%): word \\"","category complaint (%): word \\"",' +
    '"urgency 0.: negative sentiment","language de: "],"tags":[],"requireApproval":false,"matchedRules":[]}',
);

/**
 * The record of a routed mention on its case (`CASE#<id>` / `MENTION#<createdAt>#<mentionId>#<dept>`),
 * one per mention and department. Its readers (the case timeline of the API, console and
 * CLI, case-event notifications, reroutes, corrections, replies) use most of the event,
 * text and reasons included, so it keeps the whole event, deflated (`eventZ`, binary):
 * about half the bytes of its JSON, which takes a typical record under the 1 KB of one
 * write unit where the plain event took two. Since round w12 it is `eventD`: a version byte,
 * then the deflate with a preset dictionary of the event's usual JSON (about 150 bytes less
 * again), so records with a long text or many reasons stay under 1 KB too.
 *
 * Records written before hold the event deflated without a dictionary (`eventZ`) or as a
 * map (`event`); all three are read.
 */
export function caseMentionItem(
  event: MentionRouted,
  expiresAt: number,
  claim?: DeliveryClaimRequest,
): Record<string, unknown> {
  return {
    ...keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department),
    type: 'case-mention',
    eventD: encodeEvent(event),
    expiresAt,
    // The claim of the mention's notification (notification-claims.ts RecordNotificationClaims):
    // `complete` says the record keeps it; `owner` and `leaseUntil` while a sender holds it;
    // `mark2`: the sender's batch settles it in its item of that day (settlement-mark.ts), and
    // `mark` NULL is the fence: a release before w22 reads a string `mark` only and cannot take
    // the record over (it would not see the settlement and send again).
    ...(claim
      ? {
          complete: false,
          owner: claim.owner,
          leaseUntil: claim.leaseUntil,
          ...(claim.mark ? { mark: null, mark2: claim.mark } : {}),
        }
      : {}),
  };
}

/** The `eventD` attribute of a record. */
function encodeEvent(event: MentionRouted): Uint8Array {
  return Buffer.concat([Buffer.of(VERSION_1), deflateRawSync(JSON.stringify(event), { dictionary: DICTIONARY_1 })]);
}

/**
 * The event a record holds: packed with the dictionary, deflated, or (written before) as a map.
 * @throws Error for an `eventD` of a version this release does not know (a record of a newer release)
 */
export function eventOfCaseMention(item: Record<string, unknown>): MentionRouted {
  const packed = item.eventD;
  if (packed instanceof Uint8Array) {
    if (packed[0] !== VERSION_1) throw new Error(`case-mention event of unknown version ${packed[0]}`);
    return JSON.parse(inflateRawSync(packed.subarray(1), { dictionary: DICTIONARY_1 }).toString('utf8'));
  }
  const deflated = item.eventZ;
  if (deflated instanceof Uint8Array) return JSON.parse(inflateRawSync(deflated).toString('utf8')) as MentionRouted;
  return item.event as MentionRouted;
}

/** Whether a record holds its event packed or deflated (else as a map, updatable in place). */
export function isDeflatedCaseMention(item: Record<string, unknown>): boolean {
  return item.eventD instanceof Uint8Array || item.eventZ instanceof Uint8Array;
}

/**
 * A packed (or deflated) record with the mention's words and author taken out, as the in-place update
 * does to a record of a map: text and reasons emptied, the author pseudonymized, name,
 * handle, link and classifier reasons removed.
 */
export function erasedCaseMentionItem(item: Record<string, unknown>, erasedAuthorId: string): Record<string, unknown> {
  const {
    authorName: _name,
    authorHandle: _handle,
    url: _url,
    classifierReasons: _why,
    ...rest
  } = eventOfCaseMention(item);
  const erased: MentionRouted = { ...rest, text: '', authorId: erasedAuthorId, reasons: [] };
  const { eventZ: _deflated, ...others } = item;
  return { ...others, eventD: encodeEvent(erased) };
}
