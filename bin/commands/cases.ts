/**
 * `backchannel cases` lists a department's cases; `backchannel case <id>` shows one case
 * with its mentions and history. Both read the company table through the case repository.
 */
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { isInTriage } from '../../shared/domain/triage.ts';
import {
  AWAITING_RESPONSE_STATES,
  CASE_STATES,
  OPEN_STATES,
  type Case,
  type CaseState,
} from '../../shared/domain/case.ts';
import type { MentionRouted } from '../../shared/domain/events.ts';
import type { CaseRepository } from '../../shared/domain/ports.ts';
import {
  DEFAULT_COMPANY,
  TABLE_OPTIONS,
  TABLE_OPTIONS_HELP,
  type TableWhere,
  UsageError,
  loadConfig,
  parseCommand,
  withDocuments,
  type Command,
} from './shared.ts';

const TABLE_HELP = `${TABLE_OPTIONS_HELP}
  -h, --help       show this help`;

const CASES_USAGE = `Usage: backchannel cases [--department <id>] [--state open] [--due-before <time>] [--limit <n>] [--company <id>]
       backchannel cases ... --region <r> | --table <name> [--region <r>]

Lists cases with state, priority, assignee, due time (in the company timezone), SLA marks
and the first mention, earliest due first. Without --department: every department of the
config. Locally it reads the table of .backchannel/<company>/ (through the running runtime,
or by opening the data directory); with --region the deployed stack's table.

Options:
  --department <id>  the department (default: all)
  --state <s>        open (new, assigned, waiting, responded; the default), new, assigned,
                     waiting, responded or resolved; several with commas: new,assigned
  --due-before <t>   only cases due by then: an ISO time (2026-05-04T12:00:00Z), or a
                     time from now: 30m, 2h, 1d (0m: overdue now)
  --limit <n>        cases per department (default: 50)
${TABLE_HELP}`;

const CASE_USAGE = `Usage: backchannel case <id> [--company <id>]
       backchannel case <id> --region <r> | --table <name> [--region <r>]

Shows a case: state, department, assignee and why, due time and SLA marks, first response
and response time, resolution, reply and approval, corrections; then its mentions (oldest
first) and its history (who, when, what).

Options:
${TABLE_HELP}`;

const DEFAULT_LIMIT = 50;
/** Cases read per index query; a larger --limit reads page after page. */
const PAGE_SIZE = 100;

/** `open`, a state, or states separated by commas. */
export function parseStates(value: string): CaseState[] | undefined {
  const states = new Set<CaseState>();
  for (const part of value.split(',').map((s) => s.trim())) {
    if (part === 'open')
      OPEN_STATES.forEach((s) => {
        states.add(s);
      });
    else if ((CASE_STATES as readonly string[]).includes(part)) states.add(part as CaseState);
    else return undefined;
  }
  return states.size > 0 ? [...states] : undefined;
}

/** An ISO time, or `30m` / `2h` / `1d` from now, as an ISO time. */
export function parseDueBefore(value: string, now: Date): string | undefined {
  const age = /^(\d+)([mhd])$/.exec(value);
  if (age)
    return new Date(
      now.getTime() + Number(age[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 'm' | 'h' | 'd'],
    ).toISOString();
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) return undefined;
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Reads a deployed table (--table) or the local one, and hands the repository to `use`. */
async function withCases(
  config: CompanyConfig,
  where: TableWhere,
  command: string,
  use: (cases: CaseRepository, tableName: string) => Promise<number>,
): Promise<number> {
  const { DynamoCaseRepository } = await import('../../shared/adapters/dynamodb/index.ts');
  return withDocuments(config, where, command, (client, tableName) =>
    use(new DynamoCaseRepository(client, tableName), tableName),
  );
}

async function listUpTo(
  cases: CaseRepository,
  department: string,
  states: readonly CaseState[],
  dueBefore: string | undefined,
  limit: number,
): Promise<Case[]> {
  const items: Case[] = [];
  let cursor: string | undefined;
  do {
    const page = await cases.listCases({
      department,
      states,
      ...(dueBefore ? { dueBefore } : {}),
      limit: Math.min(limit - items.length, PAGE_SIZE),
      ...(cursor ? { cursor } : {}),
    });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor && items.length < limit);
  return items.slice(0, limit);
}

/** The mentions of a case, once each (a mention routed to two departments is recorded twice). */
function distinctMentions(mentions: readonly MentionRouted[]): MentionRouted[] {
  const seen = new Set<string>();
  return [...mentions]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .filter((m) => !seen.has(m.mentionId) && seen.add(m.mentionId));
}

/** SLA marks of a case at `now`: paused (waiting for the customer), overdue (due and no response yet), warned, breached, escalated. */
export function slaMarks(c: Case, now: Date): string[] {
  const marks: string[] = [];
  const paused = c.state === 'waiting' && c.slaPausedAt !== undefined;
  const awaiting = !paused && (AWAITING_RESPONSE_STATES as readonly CaseState[]).includes(c.state);
  if (paused) marks.push('sla paused');
  if (awaiting && Date.parse(c.dueAt) < now.getTime()) marks.push('overdue');
  else if (awaiting && c.slaWarnedAt) marks.push('warned');
  if (c.breachedAt) marks.push('breached');
  if (c.escalatedAt) marks.push('escalated');
  return marks;
}

/** `YYYY-MM-DD HH:MM` in the company's timezone. */
function timeIn(timeZone: string): (iso: string | undefined) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (iso) => {
    if (!iso) return '-';
    const p = Object.fromEntries(format.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  };
}

/** `45 min`, `3 h 05 min`, `2 d 4 h`. */
export function duration(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 1440) return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
}

async function casesRun(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      department: { type: 'string' },
      state: { type: 'string' },
      'due-before': { type: 'string' },
      limit: { type: 'string' },
      ...TABLE_OPTIONS,
    },
    'cases',
    CASES_USAGE,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const now = new Date();
  const stateOption = values.state ?? 'open';
  const states = parseStates(stateOption);
  if (!states)
    throw new UsageError(
      `--state takes open, ${CASE_STATES.join(', ')} (several with commas); got "${values.state}"`,
      'cases',
    );
  const dueBefore = values['due-before'] === undefined ? undefined : parseDueBefore(values['due-before'], now);
  if (values['due-before'] !== undefined && !dueBefore) {
    throw new UsageError(
      `--due-before takes an ISO time such as 2026-05-04T12:00:00Z, or a time from now such as 30m, 2h, 1d; got "${values['due-before']}"`,
      'cases',
    );
  }
  const limit = values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit takes a whole number above 0, got "${values.limit}"`, 'cases');
  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);
  const ids = config.departments.map((d) => d.id);
  if (values.department !== undefined && !ids.includes(values.department)) {
    throw new UsageError(
      `--department ${values.department} is not a department of ${config.company.id}; its departments: ${ids.join(', ')}`,
      'cases',
    );
  }
  const departments = values.department === undefined ? ids : [values.department];

  return withCases(config, values, 'cases', async (cases, tableName) => {
    const { excerpt, formatTable } = await import('../../infra/local/text-table.ts');
    const time = timeIn(config.company.timezone);
    const rows: string[][] = [];
    for (const department of departments) {
      for (const c of await listUpTo(cases, department, states, dueBefore, limit)) {
        const mentions = distinctMentions(await cases.mentionsOf(c.id));
        rows.push([
          department,
          c.id,
          // Listed first in the department: say why.
          isInTriage(c) ? `${c.state} (triage)` : c.state,
          c.priority,
          c.category,
          c.assignee ?? '-',
          time(c.dueAt),
          slaMarks(c, now).join(',') || '-',
          c.platform,
          String(mentions.length),
          excerpt(mentions[0]?.text ?? '', 60),
        ]);
      }
    }
    const which = `${stateOption} cases of ${values.department ?? 'every department'}${dueBefore ? ` due before ${time(dueBefore)}` : ''}`;
    if (rows.length === 0) {
      process.stdout.write(`No ${which} in ${tableName}.\n`);
      return 0;
    }
    process.stdout.write(`${rows.length} ${which} (times in ${config.company.timezone})\n`);
    process.stdout.write(
      `${formatTable(['department', 'case', 'state', 'priority', 'category', 'assignee', 'due', 'sla', 'platform', 'mentions', 'text'], rows)}\n`,
    );
    return 0;
  });
}

/** The case's fields as `label  value` lines. */
function caseFields(c: Case, config: CompanyConfig, now: Date): [string, string][] {
  const time = timeIn(config.company.timezone);
  const fields: [string, string][] = [
    ['state', c.state],
    ['department', c.cc.length > 0 ? `${c.department} (cc ${c.cc.join(', ')})` : c.department],
    ['platform', `${c.platform}, thread ${c.threadId}`],
    ['priority', c.priority],
    ['category', c.category],
  ];
  if (c.tags && c.tags.length > 0) fields.push(['tags', c.tags.join(', ')]);
  fields.push(['opened', time(c.openedAt)]);
  if (c.reopenedAt) fields.push(['reopened', time(c.reopenedAt)]);
  fields.push(['assignee', `${c.assignee ?? 'team queue'}${c.assignedReason ? ` (${c.assignedReason})` : ''}`]);
  fields.push([
    'due',
    `${time(c.dueAt)}${slaMarks(c, now).includes('overdue') ? `, overdue by ${duration((now.getTime() - Date.parse(c.dueAt)) / 60_000)}` : ''}`,
  ]);
  const sla = [
    c.slaWarnedAt ? `warned ${time(c.slaWarnedAt)}` : '',
    c.breachedAt ? `breached ${time(c.breachedAt)}` : '',
    c.escalatedAt ? `escalated ${time(c.escalatedAt)} to ${(c.escalatedTo ?? []).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  fields.push(['sla', sla || '-']);
  const business =
    c.responseBusinessMinutes === undefined ? '' : `, ${duration(c.responseBusinessMinutes)} in business hours`;
  fields.push([
    'first response',
    c.firstResponseAt
      ? `${time(c.firstResponseAt)}${c.responseMinutes === undefined ? '' : ` after ${duration(c.responseMinutes)}${business}`}`
      : 'none yet',
  ]);
  if (c.resolvedAt)
    fields.push([
      'resolved',
      `${time(c.resolvedAt)}${c.resolutionMinutes === undefined ? '' : ` after ${duration(c.resolutionMinutes)}`}`,
    ]);
  fields.push([
    'approval',
    c.requireApproval ? `required from ${c.approverDepartment ?? 'the approving department'}` : 'not required',
  ]);
  if (c.reply) {
    const r = c.reply;
    const approval = r.approvedBy
      ? `approved by ${r.approvedBy} ${time(r.approvedAt)}`
      : c.requireApproval
        ? 'awaiting approval'
        : '';
    const sent = r.sentBy ? `sent by ${r.sentBy} ${time(r.sentAt)}` : 'not sent';
    fields.push([
      'reply',
      [`drafted by ${r.draftedBy} ${time(r.draftedAt)}`, approval, sent].filter(Boolean).join('; '),
    ]);
    fields.push(['reply text', r.text.replace(/\s+/g, ' ').trim()]);
  }
  for (const k of c.corrections ?? [])
    fields.push(['correction', `${k.from} -> ${k.to} by ${k.by} ${time(k.at)}: ${k.reason}`]);
  return fields;
}

async function caseRun(args: string[]): Promise<number> {
  const parsed = parseCommand(args, TABLE_OPTIONS, 'case', CASE_USAGE, { positionals: true });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'give the case id, e.g. backchannel case case_3f2a...' : 'give exactly one case id',
      'case',
    );
  const id = positionals[0] as string;
  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);

  return withCases(config, values, 'case', async (cases, tableName) => {
    const c = await cases.get(id);
    if (!c) {
      process.stderr.write(`No case ${id} in ${tableName}.\n`);
      return 1;
    }
    const { excerpt, formatTable } = await import('../../infra/local/text-table.ts');
    const time = timeIn(config.company.timezone);
    const fields = caseFields(c, config, new Date());
    const width = Math.max(...fields.map(([label]) => label.length));
    const out = [
      `Case ${c.id} (times in ${config.company.timezone})`,
      ...fields.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    ];

    const mentions = distinctMentions(await cases.mentionsOf(c.id));
    out.push('', `Mentions (${mentions.length})`);
    if (mentions.length > 0) {
      out.push(
        formatTable(
          ['time', 'mention', 'author', 'sentiment', 'text'],
          mentions.map((m) => [
            time(m.createdAt),
            m.mentionId,
            m.authorName ?? m.authorHandle ?? m.authorId,
            m.sentiment,
            excerpt(m.text, 80),
          ]),
        ),
      );
    }
    // Why each mention is here: what the classifier saw and how the rules routed it.
    const explained = mentions.filter((m) => (m.classifierReasons ?? []).length > 0 || m.reasons.length > 0);
    if (explained.length > 0) out.push('', 'Why');
    for (const m of explained) {
      out.push(`  ${m.mentionId}`);
      for (const r of m.classifierReasons ?? []) out.push(`    classifier  ${r}`);
      for (const r of m.reasons) out.push(`    routing     ${r}`);
    }
    const history = c.history ?? [];
    out.push('', `History (${history.length})`);
    if (history.length > 0) {
      out.push(
        formatTable(
          ['time', 'who', 'what', 'state', 'detail'],
          history.map((h) => [
            time(h.at),
            h.actor,
            h.action,
            h.from === h.to ? h.to : `${h.from} -> ${h.to}`,
            Object.entries(h.detail ?? {})
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ') || '-',
          ]),
        ),
      );
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  });
}

export const casesCommand: Command = { summary: "list a department's cases", usage: CASES_USAGE, run: casesRun };
export const caseCommand: Command = {
  summary: 'show a case with its mentions and history',
  usage: CASE_USAGE,
  run: caseRun,
};
