/**
 * The single-table key design (documented in the README). One place builds every key so
 * the access patterns stay readable:
 *
 * | item             | PK                         | SK                                     | GSI1 (dept view)                            |
 * |------------------|----------------------------|----------------------------------------|---------------------------------------------|
 * | mention          | MENTION#<mentionId>        | MENTION                                |                                             |
 * | case             | CASE#<caseId>              | CASE                                   | DEPT#<dept>#<state> / [!]<dueAt>#<caseId>; GSI3: DEPT#<first cc>#cc#<state> / (the same GSI1SK) |
 * | case mention     | CASE#<caseId>              | MENTION#<createdAt>#<mentionId>#<dept> |                                             |
 * | case note        | CASE#<caseId>              | NOTE#<at>#<kind>#<mentionId>           |                                             |
 * | case ref         | CASE#<caseId>              | REF#<cc or approver>#<dept>            | DEPT#<dept>#cc#<state> / [!]<dueAt>#<caseId>, DEPT#<dept>#approver / <draftedAt>#<caseId> |
 * | notification log | CASE#<caseId>              | NOTIFIED#<notification id>#targets (per-target `#<target>` before) |                                             |
 * | round-robin      | RR#<dept>                  | RR                                     |                                             |
 * | counter          | METRIC#<day>               | DEPT#<dept>#CATEGORY#<category>        |                                             |
 * | histogram        | HIST#<day>                 | DEPT#<dept>#<response or resolution>   |                                             |
 * | tally            | TALLY#<day>                | DEPT#<dept>                            |                                             |
 * | batch tally (+ settlements, w22) | TALLY#<day> | DEPT#<dept>#<mark>                  |                                             |
 * | daily report     | REPORT#DAILY#<day>         | DEPT#<dept>                            |                                             |
 * | report           | REPORTS#<daily|weekly>#<id>| AUDIENCE#<management or dept>          |                                             |
 * | report cursor    | REPORTCURSOR#<daily|weekly>| CURSOR                                 |                                             |
 * | report sent      | REPORTSENT#<kind>#<id>#<audience> | SENT#<target>                   |                                             |
 * | poller cursor    | CURSOR#<platform>#<source> | CURSOR                                 |                                             |
 * | record failure   | FAIL#<SQS message id>      | FAIL                                   |                                             |
 * | erasure audit    | AUDIT#ERASURE              | <at>#<erasure id>                      |                                             |
 * | erasure request  | ERASURE#<request id>       | REQUEST                                |                                             |
 * | rate counters    | RATE#<UTC day>             | COUNT#<hour>                           |                                             |
 * | rate claim (+ themes) | RATE#<UTC day>     | MENTION#<hour>#~<000001..>             |                                             |
 * | rate mention (past the claim cap; before w13) | RATE#<UTC day> | MENTION#<hour>#<mentionId> |                                             |
 * | spike            | SPIKE                      | <hour>#<spike id>                      |                                             |
 * | spike cursor     | SPIKE#CURSOR               | CURSOR                                 |                                             |
 * | correction       | CORRECTION                 | MENTION#<mentionId>                    |                                             |
 * | theme            | THEME#<kind>#<language>    | <themeId>                              |                                             |
 * | theme of mention (old, read only) | THEMEMENTION#<mentionId> | THEMEMENTION                 |                                             |
 * | theme day        | THEMEDAY#<day>             | <themeId>                              |                                             |
 * | theme day node   | THEMEDAY#<day>#<themeId>#<first hex digit> | <hex digits>           |                                             |
 * | open-day note    | THEMEDAY#<day>             | ~OPEN#<hash of its theme ids>          |                                             |
 * | moved-on note    | THEMEDAY#<day>             | ~OPEN#~MOVED#<themeId>                 |                                             |
 * | theme author (old)| THEMEAUTHOR#<themeId>     | <day>#<author hash>                    |                                             |
 * | theme defect     | THEMEDEFECT                | <themeId>                              |                                             |
 * | account timeline | KEYACCOUNT#<accountId>     | <at>#<mention or reply>#<item id>      |                                             |
 *
 * There is no author index (GSI2 until round w18): an erasure finds an author's mentions,
 * cases and corrections by a scan of the table, run as a job (erasure-job-store.ts). Items
 * written before keep their `GSI2PK`/`GSI2SK` attributes, which nothing reads.
 * The index projects keys only (infra/topology.ts): an index entry costs one write unit,
 * and a write that changes none of its keys writes nothing there; whoever queries an index
 * reads the items it found by key (query-all.ts `itemsOfEntries`).
 * A case that names other departments is listed under each: its first cc department (the
 * first of `cc` besides its own) by the case item's own entry on GSI3 (`GSI3PK` =
 * `DEPT#<dept>#cc#<state>`, sorted by the case's `GSI1SK` = `[!]<dueAt>#<caseId>`, since round w22: case format 3),
 * every further one by a small ref item (`CASE#<id>` / `REF#cc#<dept>`, and `REF#approver#<dept>`
 * while a draft waits for that department's approval), written only when that department's
 * listing of it changes: its GSI1 entry is `DEPT#<dept>#cc#<state>` / `<dueAt>#<caseId>` (cc),
 * or `DEPT#<dept>#approver` / `<draftedAt>#<caseId>` (approver). Cases of earlier formats have a
 * ref for their first cc too, until their next write. A cc listing queries the department's
 * partition on both indexes and reads the cases in one BatchGetItem; an approver listing reads
 * GSI1 alone; cases naming nobody cost nothing.
 * The case item carries `version` (optimistic lock: every transition writes version + 1 on
 * the condition that the stored one is unchanged) and its `history` (appended in the same
 * write). Its GSI1 entry follows its department, state and due time, so "the department's
 * cases in state s due before t" is one query on `DEPT#<dept>#<s>` with `GSI1SK <= <t>~`;
 * resolved cases stay listed under `DEPT#<dept>#resolved`. A case tagged `needs-triage`
 * (shared/domain/triage.ts) has `!` before its due time: `!` sorts before every digit, so the
 * department's listing shows the cases waiting for triage first, still in one query per
 * state; a due-before query reads them too and keeps those due by then. Cases written before the
 * lifecycle sit under `DEPT#<dept>#OPEN` until their first transition moves them.
 * A theme item holds its term vector, examples and departments under `version` (optimistic
 * lock, like a case); the kind's and language's themes are one query, the clusterer's
 * candidates. record-insights writes a theme once per SQS batch with all of the batch's
 * mentions of it (since w17; the version then grows by the number of mentions added, as it
 * did by one write per mention before, so items of either release read and lock alike).
 * A theme's latest day with mentions (its open day) is kept in the theme item, one entry per
 * mention (`[author hash, department, reactions]` by mention id), and written with the theme
 * (since w19); an open-day note (`~OPEN#`, the theme ids of one batch that may open the day)
 * lets a reader of the day find those themes; once the theme was written with a later open day,
 * a moved-on note (`~OPEN#~MOVED#<themeId>`, since w20: to a release before, an open-day note of
 * no themes) tells readers of the day not to read the theme. When a later day opens, the open day
 * is counted on its theme day item first, as follows; readers count a mention held by both once.
 * A theme day counts with `ADD` (of all of a batch's mentions of the theme and day in one
 * write) on the condition that its `mentionIds` set holds none of them yet and has room. Since
 * w20 a theme day is a tree of such items (theme-day-nodes.ts): the theme day item is its root
 * (up to 100 mentions), a full node is marked `full` and never changes its ids again, and further
 * mentions go to its 16 children of up to 40 (by the next hex digit of the mention id's hash, and
 * so on; in 16 partitions of their own, `THEMEDAY#<day>#<themeId>#<first digit>`), so a
 * redelivery walks the same path and never counts twice, and a day holds any number of mentions
 * (before w20 one item, up to about 7,000 within the 400 KB item limit). Theme authors are
 * pseudonymous hashes in the same nodes' `authors` sets, added by the same write, joined over the
 * nodes and days of a period; the one-item-per-author marks written before are still read and
 * erased until they expire.
 * Histograms count observations per bucket (`le_15`, ..., `le_10080`, `gt_10080`) with
 * `count` and `sumMinutes`, all added with `ADD`; metrics are `response` (wall-clock),
 * `response-business` (business minutes, the reports' percentiles) and `resolution`.
 * A tally holds the reports' figures of a day and department as number attributes, all
 * added with `ADD` in one write per observation (shared/domain/reports/tallies.ts):
 * `mentions` and `category.<c>`, `platform.<p>`, `sentiment.<s>` (primary only, moved on a
 * reroute), `cc` and `ccCategory.<c>`, `responded`, `slaMet`, `slaMissed`,
 * `answeredPublicly`, `resolved`, `reopened`. Since w22 a handle-department batch that settles
 * notifications writes its sums of a day and department into an item of its own beside the day's
 * (`DEPT#<dept>#<mark>`, with `settled`, the batch's settlement mark: settlement-mark.ts); readers
 * sum every item of the department. A report item holds the whole report JSON;
 * the report cursor the id of the last period whose reports all went out; a report-sent
 * item is the claim and sent-marker of one report at one target (as notifications have).
 * Rate counters hold one number attribute per dimension value (`n#category#complaint`,
 * `n#platform#x`, `n#theme#<id>`) in one item per UTC hour, so the mentions of one SQS batch
 * add to all of their values in one write per hour, and `applied` says up to which of the hour's
 * rate claims they hold. A rate claim is one batch's mentions of the hour (each with its case,
 * department, category, platform and theme: what a spike tags, what a redelivery and erasure
 * look up), numbered 1, 2, ... per hour and written once on the condition that its number is
 * free: that write is each of its mentions' once-only claim (rate-store.ts). An hour holds at
 * most 256 claims; past them each mention is claimed by a rate mention (one item per mention,
 * as every mention was before round w13), read by key, not by a query of the hour. Counters
 * expire after 14 weeks, claims with the longer of that and the company's retention.
 * Spikes sit in one partition by their first hour: a company has a few a week.
 * A correction is a person's labelled example of one mention (text, corrected labels, who,
 * when): personal data, so it carries `expiresAt` like the mention, and erasure finds it by
 * `correction.authorId`; the `CORRECTION` partition lists them all for training.
 */
export const keys = {
  mention: (mentionId: string) => ({ PK: `MENTION#${mentionId}`, SK: 'MENTION' }),
  /** The mark that a mention's events were all published: a small item beside it, not a rewrite of it. */
  mentionRouted: (mentionId: string) => ({ PK: `MENTION#${mentionId}`, SK: 'ROUTED' }),
  /** The routed mark of one intake batch: the ids of its mentions whose events were all published (one write per batch). */
  routedMark: (mark: string) => ({ PK: `ROUTED#${mark}`, SK: 'ROUTED' }),
  /** The settlement mark of one handle-department batch before w22: the records whose notification it settled (read only since). */
  settlementMark: (mark: string) => ({ PK: `SETTLED#${mark}`, SK: 'SETTLED' }),
  case: (caseId: string) => ({ PK: `CASE#${caseId}`, SK: 'CASE' }),
  caseMention: (caseId: string, createdAt: string, mentionId: string, department: string) => ({
    PK: `CASE#${caseId}`,
    SK: `MENTION#${createdAt}#${mentionId}#${department}`,
  }),
  caseMentionPrefix: 'MENTION#',
  /** The records of one mention on a case (one per department). */
  caseMentionsOf: (createdAt: string, mentionId: string) => `MENTION#${createdAt}#${mentionId}#`,
  caseNote: (caseId: string, at: string, kind: string, mentionId: string) => ({
    PK: `CASE#${caseId}`,
    SK: `NOTE#${at}#${kind}#${mentionId}`,
  }),
  caseNotePrefix: 'NOTE#',
  /** GSI1 partition of a department's cases in one state. */
  casesByState: (department: string, state: string) => `DEPT#${department}#${state}`,
  /** GSI1 sort key: cases sort by due time, those waiting for triage first; the id makes it unique. */
  caseDue: (dueAt: string, caseId: string, inTriage = false) =>
    `${inTriage ? TRIAGE_SORT_PREFIX : ''}${dueAt}#${caseId}`,
  /** GSI1 partition of the open cases written before the lifecycle (state `new`, no version). */
  legacyOpenCasesOf: (department: string) => `DEPT#${department}#OPEN`,
  /** A department a case names as cc or approver (case-refs.ts): listed on GSI1 under that department. */
  caseRef: (caseId: string, role: string, department: string) => ({
    PK: `CASE#${caseId}`,
    SK: `REF#${role}#${department}`,
  }),
  caseRefPrefix: 'REF#',
  /** GSI1 partition of the cases naming a department as cc (per state) or waiting for its approval. */
  casesNaming: (department: string, role: 'cc' | 'approver', state?: string) =>
    role === 'cc' ? `DEPT#${department}#cc#${state}` : `DEPT#${department}#approver`,
  notification: (caseId: string, key: string) => ({ PK: `CASE#${caseId}`, SK: `NOTIFIED#${key}` }),
  /** One notification's claim on all its targets; `#targets` ends it as a target key ends a per-target marker, so erasure finds both. */
  notificationClaim: (caseId: string, notificationId: string) => ({
    PK: `CASE#${caseId}`,
    SK: `NOTIFIED#${notificationId}#targets`,
  }),
  assignmentCursor: (department: string) => ({ PK: `RR#${department}`, SK: 'RR' }),
  histograms: (day: string) => `HIST#${day}`,
  histogram: (day: string, department: string, metric: string) => ({
    PK: `HIST#${day}`,
    SK: `DEPT#${department}#${metric}`,
  }),
  /** The author index's partition of releases before w18 (GSI2PK): old items keep it, nothing reads it. */
  author: (platform: string, authorId: string) => `AUTHOR#${platform}#${authorId}`,
  counters: (day: string) => `METRIC#${day}`,
  counter: (day: string, department: string, category: string) => ({
    PK: `METRIC#${day}`,
    SK: `DEPT#${department}#CATEGORY#${category}`,
  }),
  tallies: (day: string) => `TALLY#${day}`,
  tally: (day: string, department: string) => ({ PK: `TALLY#${day}`, SK: `DEPT#${department}` }),
  /** One handle-department batch's tally of a day and department, with its settlements there (since w22). */
  batchTally: (day: string, department: string, mark: string) => ({
    PK: `TALLY#${day}`,
    SK: `DEPT#${department}#${mark}`,
  }),
  report: (kind: string, periodId: string, audience: string) => ({
    PK: `REPORTS#${kind}#${periodId}`,
    SK: `AUDIENCE#${audience}`,
  }),
  reportsOf: (kind: string, periodId: string) => `REPORTS#${kind}#${periodId}`,
  reportCursor: (kind: string) => ({ PK: `REPORTCURSOR#${kind}`, SK: 'CURSOR' }),
  reportSent: (reportKey: string, target: string) => ({ PK: `REPORTSENT#${reportKey}`, SK: `SENT#${target}` }),
  dailyReports: (day: string) => `REPORT#DAILY#${day}`,
  dailyReport: (day: string, department: string) => ({ PK: `REPORT#DAILY#${day}`, SK: `DEPT#${department}` }),
  pollCursor: (platform: string, source: string) => ({ PK: `CURSOR#${platform}#${source}`, SK: 'CURSOR' }),
  recordFailure: (messageId: string) => ({ PK: `FAIL#${messageId}`, SK: 'FAIL' }),
  /** The partition of one UTC day's rate counters and rate mentions. */
  rates: (hour: string) => `RATE#${hour.slice(0, 10)}`,
  rateCounters: (hour: string) => ({ PK: `RATE#${hour.slice(0, 10)}`, SK: `COUNT#${hour}` }),
  rateMention: (hour: string, mentionId: string) => ({
    PK: `RATE#${hour.slice(0, 10)}`,
    SK: `MENTION#${hour}#${mentionId}`,
  }),
  rateMentionsOf: (hour: string) => `MENTION#${hour}#`,
  /**
   * The claim of one batch's mentions in an hour, numbered from 1 per hour (rate-claims.ts):
   * `~` sorts after every mention id, so an hour's claims follow its old notes in one query.
   */
  rateClaim: (hour: string, seq: number) => ({
    PK: `RATE#${hour.slice(0, 10)}`,
    SK: `MENTION#${hour}#~${String(seq).padStart(RATE_CLAIM_DIGITS, '0')}`,
  }),
  rateClaimsOf: (hour: string) => `MENTION#${hour}#~`,
  spikes: 'SPIKE',
  spike: (hour: string, spikeId: string) => ({ PK: 'SPIKE', SK: `${hour}#${spikeId}` }),
  spikeCursor: { PK: 'SPIKE#CURSOR', SK: 'CURSOR' },
  /** The themes of one kind and language; the sort key is the theme id. */
  themes: (kind: string, language: string) => `THEME#${kind}#${language}`,
  theme: (kind: string, language: string, themeId: string) => ({ PK: `THEME#${kind}#${language}`, SK: themeId }),
  themeOfMention: (mentionId: string) => ({ PK: `THEMEMENTION#${mentionId}`, SK: 'THEMEMENTION' }),
  themeDays: (day: string) => `THEMEDAY#${day}`,
  themeDay: (day: string, themeId: string) => ({ PK: `THEMEDAY#${day}`, SK: themeId }),
  /**
   * A node of a theme day's tree (theme-day-nodes.ts): the root is the theme day item; the nodes
   * below it (`path`: hex digits) lie in 16 partitions of their own, by the path's first digit,
   * outside the day's partition (which reports query, and a release before w20 would misread).
   */
  themeDayNode: (day: string, themeId: string, path: string) =>
    path ? { PK: themeDayBranch(day, themeId, path.slice(0, 1)), SK: path } : { PK: `THEMEDAY#${day}`, SK: themeId },
  /** The partition of a theme day's nodes whose path starts with `digit`. */
  themeDayBranch,
  /** The note that a theme's open day moved past `day` (readers of the day need not read the theme). */
  themeMovedOn: (day: string, themeId: string) => ({ PK: `THEMEDAY#${day}`, SK: `~OPEN#~MOVED#${themeId}` }),
  /** A batch's note of the themes whose open day may be `day` (`~` sorts after every theme id). */
  themeOpenDays: (day: string, noteId: string) => ({ PK: `THEMEDAY#${day}`, SK: `~OPEN#${noteId}` }),
  themeAuthors: (themeId: string) => `THEMEAUTHOR#${themeId}`,
  themeAuthor: (themeId: string, day: string, authorHash: string) => ({
    PK: `THEMEAUTHOR#${themeId}`,
    SK: `${day}#${authorHash}`,
  }),
  themeDefects: 'THEMEDEFECT',
  themeDefect: (themeId: string) => ({ PK: 'THEMEDEFECT', SK: themeId }),
  keyAccountTimeline: (accountId: string) => `KEYACCOUNT#${accountId}`,
  keyAccountItem: (accountId: string, at: string, kind: string, itemId: string) => ({
    PK: `KEYACCOUNT#${accountId}`,
    SK: `${at}#${kind}#${itemId}`,
  }),
  /** One erasure request's audit entry; the partition lists them all by time. */
  erasureAudit: (at: string, id: string) => ({ PK: 'AUDIT#ERASURE', SK: `${at}#${id}` }),
  /** One erasure request run as a job (erasure-job-store.ts): its scan cursor, what it found, its outcome. */
  erasureRequest: (id: string) => ({ PK: `ERASURE#${id}`, SK: 'REQUEST' }),
  /** The labelled example of one mention; the partition holds every correction of the company. */
  correction: (mentionId: string) => ({ PK: 'CORRECTION', SK: `MENTION#${mentionId}` }),
  corrections: 'CORRECTION',
} as const;

/** Digits of a rate claim's number (an hour holds at most 999,999 batches' claims). */
export const RATE_CLAIM_DIGITS = 6;

/** Sorts before the digits of every due time (see `caseDue`). */
const TRIAGE_SORT_PREFIX = '!';

export const GSI1 = 'GSI1';

/** The index of a case's first cc department (`GSI3PK` on the case item, its `GSI1SK` the sort key; since round w22; case-refs.ts). */
export const GSI3 = 'GSI3';

/** Whether an SDK error is DynamoDB's answer to a failed condition. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Awaits a conditional write: true when it was made, false when DynamoDB refused it for its
 * condition (an item already there, a version moved on). Any other error is thrown.
 *
 * @example
 * ```ts
 * return conditionalWrite(client.send(new PutCommand({ TableName, Item, ConditionExpression: 'attribute_not_exists(PK)' })));
 * ```
 */
export async function conditionalWrite(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** The partition of a theme day's tree nodes whose path starts with `digit` (since w20). */
function themeDayBranch(day: string, themeId: string, digit: string): string {
  return `THEMEDAY#${day}#${themeId}#${digit}`;
}
