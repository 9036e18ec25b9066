import { CASE_DETAIL_TYPES, type CaseDetailType, type CaseEvent } from './events.ts';

/**
 * The case events a company's own integrations consume (config `events.caseEvents`):
 * every one (`'all'`), or these detail-types. Empty (the default): none of its own.
 */
export type CaseEventSubscription = 'all' | readonly CaseDetailType[];

/** Every case detail-type, in the order of CASE_DETAIL_TYPES. */
export const CASE_EVENT_DETAIL_TYPES: readonly CaseDetailType[] = Object.values(CASE_DETAIL_TYPES);

/** Whether a text names a case detail-type (`Case Assigned`, ...). */
export function isCaseDetailType(value: string): value is CaseDetailType {
  return (CASE_EVENT_DETAIL_TYPES as readonly string[]).includes(value);
}

/**
 * Whether a case event is put on the bus: only when something consumes it.
 *
 * - it has recipients: the stack's `notify-<department>` rules take a case event whose
 *   `recipients` name the department (they are the only rules for case events; the
 *   topology test holds them to that), so it is delivered and notifies;
 * - or the company subscribed its detail-type for its own integrations (`'all'`, or the
 *   detail-type listed).
 *
 * Anything else would reach only the bus archive, and EventBridge bills every entry.
 *
 * @example
 * isCaseEventConsumed(assigned, []); // false: no recipients, not subscribed
 * isCaseEventConsumed(assigned, ['Case Assigned']); // true
 * isCaseEventConsumed(escalated, []); // true when it names press among its recipients
 */
export function isCaseEventConsumed(event: CaseEvent, subscription: CaseEventSubscription): boolean {
  if (event.recipients.length > 0 || subscription === 'all') return true;
  return subscription.includes(CASE_DETAIL_TYPES[event.action]);
}

/**
 * The case events to put on the bus (isCaseEventConsumed), in their order, and how many of
 * the others were withheld (for the caller's batch line or metric).
 */
export function consumedCaseEvents(
  events: readonly CaseEvent[],
  subscription: CaseEventSubscription,
): { readonly consumed: readonly CaseEvent[]; readonly withheld: number } {
  const consumed = events.filter((event) => isCaseEventConsumed(event, subscription));
  return { consumed, withheld: events.length - consumed.length };
}
