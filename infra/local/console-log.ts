import { NOTIFICATION_WRITTEN } from '../../shared/adapters/notify/outbox.ts';
import { REPORT_WRITTEN } from '../../shared/adapters/notify/report-senders.ts';
import { memberId } from '../../shared/domain/assignment.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { EventEnvelope } from './event-bus.ts';

/**
 * What `npm start` prints: short lines a person reads, made from what the functions log
 * (Powertools JSON records) and what crosses the local bus. One line per webhook
 * (`POST /webhooks/meta -> 200, 3 mentions`), per routed mention and case change
 * (`case c_123 service: new -> assigned (Ole Hansen)`), per notification, per warning or
 * error; the full JSON records stay in `<dataDir>/logs/functions.jsonl` and behind
 * `--json-logs`.
 */

/** A function's log record: the Powertools logger's JSON object. */
export type LogRecord = Readonly<Record<string, unknown>> & { readonly level: string; readonly message: string };

/** The message ingest-webhook logs once per accepted webhook, with its counts. */
const WEBHOOK_RECEIVED = 'Webhook received';
/** The message every HTTP function logs for a refused request, with its status and reason (http-errors.ts). */
const REQUEST_REJECTED = 'Request rejected';

/** Keys every Powertools record carries: not worth a place on a short line. */
const STANDARD_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
]);

/** Longest short line made from a warning or error record; the JSON keeps the rest. */
const MAX_LINE = 240;

/** Messages below the warnings that make a console line (shortLineOf, httpNoteOf). */
const CONSOLE_MESSAGES = new Set([NOTIFICATION_WRITTEN, REPORT_WRITTEN, WEBHOOK_RECEIVED, REQUEST_REJECTED]);

/**
 * Whether the console needs a record that the log level does not print: warnings and worse,
 * and the few informational messages its short lines are made of. The runtime's log sink
 * passes this to withLogSink, so the other records are not built at all.
 */
export function consoleNeeds(message: string, warningOrWorse: boolean): boolean {
  return warningOrWorse || CONSOLE_MESSAGES.has(message);
}

/** Parses one JSON line of the Powertools logger; undefined for anything else. */
export function parseLogRecord(json: string): LogRecord | undefined {
  try {
    const value: unknown = JSON.parse(json);
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as LogRecord).level === 'string' &&
      typeof (value as LogRecord).message === 'string'
    ) {
      return value as LogRecord;
    }
  } catch {
    // Not a logger line.
  }
  return undefined;
}

/**
 * The console line of a function's record, or undefined when it has none: a notification
 * becomes `notify <department> via <target>: <title>`, a report `report <key> via <target>: <html file>`; a warning or an error becomes
 * `<function> WARN <message> (key=value, ...)`; informational records stay in the JSON log
 * (the webhook's and case's lines say what they say).
 */
export function shortLineOf(record: LogRecord): string | undefined {
  if (record.message === NOTIFICATION_WRITTEN) {
    const url = typeof record.caseUrl === 'string' ? ` ${record.caseUrl}` : '';
    return `notify ${String(record.department)} via ${String(record.target)}: ${String(record.title)}${url} (outbox ${String(record.file)})`;
  }
  if (record.message === REPORT_WRITTEN)
    return `report ${String(record.key)} via ${String(record.target)}: ${String(record.file)}`;
  // A refused request is told on its HTTP line (httpNoteOf).
  if (record.message === REQUEST_REJECTED) return undefined;
  if (!['WARN', 'ERROR', 'CRITICAL'].includes(record.level)) return undefined;
  const who = typeof record.function_name === 'string' ? record.function_name : String(record.service ?? 'function');
  const details = Object.entries(record)
    .filter(([key, value]) => !STANDARD_KEYS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${describe(value)}`);
  return clip(`${who} ${record.level} ${record.message}${details.length ? ` (${details.join(', ')})` : ''}`);
}

/**
 * What the records of one HTTP invocation add to its line (`POST ... -> 200, <note>`): the
 * webhook's counts, or the reason a request was refused.
 */
export function httpNoteOf(records: readonly LogRecord[]): string | undefined {
  const received = records.find((r) => r.message === WEBHOOK_RECEIVED);
  if (received) {
    // The rarer counts are under their metric names (the line is their EMF record); a missing one is 0.
    const count = (key: string) => (typeof received[key] === 'number' ? (received[key] as number) : 0);
    const parts = [plural(count('enqueued'), 'mention')];
    if (count('EventsIgnored') > 0) parts.push(`${count('EventsIgnored')} ignored`);
    if (count('DeletionsEnqueued') > 0) parts.push(plural(count('DeletionsEnqueued'), 'deletion'));
    if (count('AuthorizationsRevoked') > 0) parts.push(`${count('AuthorizationsRevoked')} revoked`);
    return parts.join(', ');
  }
  const rejected = records.find((r) => r.message === REQUEST_REJECTED);
  return rejected && typeof rejected.reason === 'string' ? clip(rejected.reason) : undefined;
}

/** The name of an assignee (`memberId`: the e-mail, lower case, or the name) from the company's people. */
export function peopleNamesOf(config: CompanyConfig): (assignee: string) => string {
  const names = new Map<string, string>();
  for (const department of config.departments) {
    for (const person of [...(department.leads ?? []), ...(department.members ?? [])])
      names.set(memberId(person), person.name);
  }
  return (assignee) => names.get(assignee) ?? assignee;
}

/**
 * The console line of an event on the bus, or undefined when it tells nothing of a case:
 * `case <id> <department>: mention <id> (<category>, <priority>)` for a routed mention (its
 * primary department only), `case <id> <department>: <from> -> <to>` for a change of state,
 * or the change's name when the state stays (`escalated`, `sla warning`), with the assignee
 * for an assignment, or why nobody was assigned.
 */
export function caseLineOf(
  event: Pick<EventEnvelope, 'detail-type' | 'detail'>,
  nameOf: (assignee: string) => string = (a) => a,
): string | undefined {
  const detail = event.detail;
  const text = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : undefined);
  const caseId = text('caseId');
  const department = text('department');
  if (!caseId || !department) return undefined;
  if (event['detail-type'] === 'Mention Routed') {
    if (text('role') !== 'primary') return undefined;
    return `case ${caseId} ${department}: mention ${text('mentionId') ?? '?'} (${text('category') ?? '?'}, ${text('priority') ?? '?'})`;
  }
  const from = text('from');
  const to = text('to');
  if (!from || !to) return undefined;
  const assignee = text('assignee');
  if (text('action') === 'assign' && !assignee) {
    // Nobody took it: the reason says why (outside business hours, a team-queue department).
    const reason = (detail.detail as Record<string, unknown> | undefined)?.reason;
    return `case ${caseId} ${department}: ${typeof reason === 'string' ? reason : 'team queue'}`;
  }
  const change = from === to ? event['detail-type'].replace(/^Case /, '').toLowerCase() : `${from} -> ${to}`;
  return `case ${caseId} ${department}: ${change}${text('action') === 'assign' && assignee ? ` (${nameOf(assignee)})` : ''}`;
}

/**
 * The console lines of an event on the bus: caseLineOf's line, or one per mention of a
 * `Mentions Routed` batch (each as its own `Mention Routed` would print).
 */
export function caseLinesOf(
  event: Pick<EventEnvelope, 'detail-type' | 'detail'>,
  nameOf: (assignee: string) => string = (a) => a,
): string[] {
  const mentions = event['detail-type'] === 'Mentions Routed' ? event.detail.mentions : undefined;
  const events = Array.isArray(mentions)
    ? mentions.map((detail) => ({ 'detail-type': 'Mention Routed', detail: detail as Record<string, unknown> }))
    : [event];
  return events.map((e) => caseLineOf(e, nameOf)).filter((line): line is string => line !== undefined);
}

/** What the status line counts. */
export interface StatusSource {
  /** Messages waiting in the work queues. */
  queued(): Promise<number>;
  /** Function invocations running now. */
  inFlight(): number;
  /** Queue messages the pollers finished, and those that failed, since start. */
  processed(): { readonly done: number; readonly failed: number };
}

/**
 * The status line printed every minute while work is pending:
 * `queued 12 · in flight 3 · done 240 · failed 1`. Nothing while idle: a line is due when
 * something is queued or running, or once after a burst, when the counts moved since the
 * last line.
 */
export class StatusLine {
  private last: { done: number; failed: number } = { done: 0, failed: 0 };

  constructor(private readonly source: StatusSource) {}

  /** The line that is due now, or undefined when there is nothing to tell. */
  async next(): Promise<string | undefined> {
    const queued = await this.source.queued();
    const inFlight = this.source.inFlight();
    const { done, failed } = this.source.processed();
    const moved = done !== this.last.done || failed !== this.last.failed;
    if (queued === 0 && inFlight === 0 && !moved) return undefined;
    this.last = { done, failed };
    return `queued ${queued} · in flight ${inFlight} · done ${done} · failed ${failed}`;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
    const error = value as { name?: unknown; message: string };
    return typeof error.name === 'string' ? `${error.name}: ${error.message}` : error.message;
  }
  return JSON.stringify(value);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function clip(line: string): string {
  const single = line.replace(/\s*\n\s*/g, ' ');
  return single.length > MAX_LINE ? `${single.slice(0, MAX_LINE - 1)}…` : single;
}
