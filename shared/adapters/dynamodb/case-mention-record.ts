import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { MentionRouted } from '../../domain/events.ts';
import type { DeliveryClaimRequest } from '../../domain/ports.ts';
import { keys } from './keys.ts';

/**
 * The record of a routed mention on its case (`CASE#<id>` / `MENTION#<createdAt>#<mentionId>#<dept>`),
 * one per mention and department. Its readers (the case timeline of the API, console and
 * CLI, case-event notifications, reroutes, corrections, replies) use most of the event,
 * text and reasons included, so it keeps the whole event, deflated (`eventZ`, binary):
 * about half the bytes of its JSON, which takes a typical record under the 1 KB of one
 * write unit where the plain event took two.
 *
 * Records written before hold the event as a map (`event`); both are read.
 */
export function caseMentionItem(
  event: MentionRouted,
  expiresAt: number,
  claim?: DeliveryClaimRequest,
): Record<string, unknown> {
  return {
    ...keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department),
    type: 'case-mention',
    eventZ: deflateRawSync(JSON.stringify(event)),
    expiresAt,
    // The claim of the mention's notification (notification-claims.ts RecordNotificationClaims):
    // `complete` says the record keeps it; `owner` and `leaseUntil` while a sender holds it;
    // `mark`: the sender's batch settles it in that settlement mark (settlement-mark.ts).
    ...(claim
      ? {
          complete: false,
          owner: claim.owner,
          leaseUntil: claim.leaseUntil,
          ...(claim.mark ? { mark: claim.mark } : {}),
        }
      : {}),
  };
}

/** The event a record holds, deflated or (written before) as a map. */
export function eventOfCaseMention(item: Record<string, unknown>): MentionRouted {
  const packed = item.eventZ;
  if (packed instanceof Uint8Array) return JSON.parse(inflateRawSync(packed).toString('utf8')) as MentionRouted;
  return item.event as MentionRouted;
}

/** Whether a record holds its event deflated (else as a map, updatable in place). */
export function isDeflatedCaseMention(item: Record<string, unknown>): boolean {
  return item.eventZ instanceof Uint8Array;
}

/**
 * A deflated record with the mention's words and author taken out, as the in-place update
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
  return { ...item, eventZ: deflateRawSync(JSON.stringify(erased)) };
}
