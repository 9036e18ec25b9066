/**
 * The single-table key design (documented in the README). One place builds every key so
 * the access patterns stay readable:
 *
 * | item            | PK                     | SK                                  | GSI1 (dept view)            | GSI2 (author)                 |
 * |-----------------|------------------------|-------------------------------------|-----------------------------|-------------------------------|
 * | mention         | MENTION#<mentionId>    | MENTION                             |                             | AUTHOR#<platform>#<id> / MENTION#<createdAt> |
 * | case            | CASE#<caseId>          | CASE                                | DEPT#<dept>#OPEN / <dueAt>#<caseId> | AUTHOR#<platform>#<id> / CASE#<openedAt> |
 * | case mention    | CASE#<caseId>          | MENTION#<createdAt>#<mentionId>#<dept> |                          |                               |
 * | case note       | CASE#<caseId>          | NOTE#<at>#<kind>#<mentionId>        |                             |                               |
 * | counter         | METRIC#<day>           | DEPT#<dept>#CATEGORY#<category>     |                             |                               |
 * | daily report    | REPORT#DAILY#<day>     | DEPT#<dept>                         |                             |                               |
 * | poller cursor   | CURSOR#<platform>#<source> | CURSOR                          |                             |                               |
 */
export const keys = {
  mention: (mentionId: string) => ({ PK: `MENTION#${mentionId}`, SK: 'MENTION' }),
  case: (caseId: string) => ({ PK: `CASE#${caseId}`, SK: 'CASE' }),
  caseMention: (caseId: string, createdAt: string, mentionId: string, department: string) => ({
    PK: `CASE#${caseId}`,
    SK: `MENTION#${createdAt}#${mentionId}#${department}`,
  }),
  caseMentionPrefix: 'MENTION#',
  /** The records of one mention on a case (one per department). */
  caseMentionsOf: (createdAt: string, mentionId: string) => `MENTION#${createdAt}#${mentionId}#`,
  caseNote: (caseId: string, at: string, kind: string, mentionId: string) => ({ PK: `CASE#${caseId}`, SK: `NOTE#${at}#${kind}#${mentionId}` }),
  caseNotePrefix: 'NOTE#',
  openCasesOf: (department: string) => `DEPT#${department}#OPEN`,
  author: (platform: string, authorId: string) => `AUTHOR#${platform}#${authorId}`,
  counters: (day: string) => `METRIC#${day}`,
  counter: (day: string, department: string, category: string) => ({
    PK: `METRIC#${day}`,
    SK: `DEPT#${department}#CATEGORY#${category}`,
  }),
  dailyReports: (day: string) => `REPORT#DAILY#${day}`,
  dailyReport: (day: string, department: string) => ({ PK: `REPORT#DAILY#${day}`, SK: `DEPT#${department}` }),
  pollCursor: (platform: string, source: string) => ({ PK: `CURSOR#${platform}#${source}`, SK: 'CURSOR' }),
} as const;

export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';

/** Whether an SDK error is DynamoDB's answer to a failed condition. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
