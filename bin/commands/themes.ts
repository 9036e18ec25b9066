/**
 * `backchannel themes`, `theme <id>`, `ideas` and `projects`: what the back channel teaches
 * the company, read from the company table with the same use cases as the admin API
 * (shared/domain/themes). `theme <id> --defect` marks a known defect.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { THEME_KINDS, type Period, type ThemeKind, type ThemeSummary } from '../../shared/domain/insights.ts';
import type { ThemeRepository } from '../../shared/domain/themes/ports.ts';
import { dayIn, isDay } from '../../shared/domain/time.ts';
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

/** Days a listing covers without --since. */
const DEFAULT_DAYS = 28;
const THEME_ID = /^th_(complaint|idea|project)_[a-z]{2,3}_[0-9a-f]{12}$/;

const TABLE_HELP = `${TABLE_OPTIONS_HELP}
  -h, --help       show this help

Exit codes: 0 done, 1 failed (no local data, no such theme), 2 usage error.`;

const THEMES_USAGE = `Usage: backchannel themes [--kind complaint|idea|project] [--department <id>] [--since YYYY-MM-DD] [--limit <n>]
       backchannel themes ... --region <r> | --table <name> [--region <r>]

Lists the recurring themes of the period from --since to today (default: the last ${DEFAULT_DAYS}
days), most mentioned first: id, label (its salient words), mentions in the period and
in the period of equal length before, trend, the process and owner it points to
(config \`processes:\`), the departments whose cases hold it, and a defect mark.
Complaints include questions asked in anger.

Options:
  --kind <k>         complaint (default), idea or project
  --department <id>  only themes with mentions routed to this department
  --since <day>      first day of the period, YYYY-MM-DD
  --limit <n>        themes at most (default: 30)
${TABLE_HELP}`;

const THEME_USAGE = `Usage: backchannel theme <id> [--since YYYY-MM-DD]
       backchannel theme <id> --defect --owner <name> --fix-date YYYY-MM-DD [--note <text>]
       backchannel theme <id> ... --region <r> | --table <name> [--region <r>]

Shows a theme: label, terms, mentions per day, trend, process and owner, departments,
examples, and when it is marked as a known defect, its daily rate in equal windows
before and after the fix date (up to 28 days each): did the fix work?
With --defect it marks the theme as a known defect first (who marked it and when is
recorded; a new mark replaces the old one).

Options:
  --defect           mark the theme as a known defect (needs --owner and --fix-date)
  --owner <name>     who fixes it
  --fix-date <day>   the day the fix took effect (or will), YYYY-MM-DD
  --note <text>      what was done
  --since <day>      first day of the period shown (default: ${DEFAULT_DAYS} days ago)
${TABLE_HELP}`;

const rankedUsage = (
  name: 'ideas' | 'projects',
) => `Usage: backchannel ${name} [--format text|csv|json] [--out <file>] [--since YYYY-MM-DD] [--limit <n>]
       backchannel ${name} ... --region <r> | --table <name> [--region <r>]

Lists the ${name === 'ideas' ? 'product ideas' : 'suggested community projects (with the organisation and place their texts name)'} of the period (default: the last ${DEFAULT_DAYS}
days), ranked by support: score = 3 x distinct authors + mentions + log2(1 + reactions).

Options:
  --format <f>     text (default), csv or json
  --out <file>     write there instead of to the terminal
  --since <day>    first day of the period, YYYY-MM-DD
  --limit <n>      entries at most (default: 30)
${TABLE_HELP}`;

/** Reads a deployed table (--table) or the local one, and hands the theme repository to `use`. */
async function withThemes(
  config: CompanyConfig,
  where: TableWhere,
  command: string,
  use: (themes: ThemeRepository, tableName: string) => Promise<number>,
): Promise<number> {
  const { DynamoThemeRepository } = await import('../../shared/adapters/dynamodb/index.ts');
  return withDocuments(config, where, command, (client, tableName) =>
    use(new DynamoThemeRepository(client, tableName), tableName),
  );
}

function periodOf(since: string | undefined, config: CompanyConfig, command: string): Period {
  const today = dayIn(new Date(), config.company.timezone);
  if (since === undefined) {
    const from = new Date(`${today}T12:00:00Z`);
    from.setUTCDate(from.getUTCDate() - (DEFAULT_DAYS - 1));
    return { from: from.toISOString().slice(0, 10), to: today };
  }
  if (!isDay(since)) throw new UsageError(`--since takes a day YYYY-MM-DD, got "${since}"`, command);
  if (since > today) throw new UsageError(`--since ${since} is after today (${today})`, command);
  return { from: since, to: today };
}

function limitOf(value: string | undefined, command: string): number {
  if (value === undefined) return 30;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit takes a whole number above 0, got "${value}"`, command);
  return limit;
}

async function insightsOf(themes: ThemeRepository, config: CompanyConfig) {
  const { ThemeInsights } = await import('../../shared/domain/themes/theme-insights.ts');
  return new ThemeInsights({ themes, processes: config.processes });
}

async function themesRun(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      ...TABLE_OPTIONS,
      kind: { type: 'string' },
      department: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
    },
    'themes',
    THEMES_USAGE,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  if (values.kind !== undefined && !(THEME_KINDS as readonly string[]).includes(values.kind))
    throw new UsageError(`--kind takes ${THEME_KINDS.join(', ')}; got "${values.kind}"`, 'themes');
  const limit = limitOf(values.limit, 'themes');
  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);
  const ids = config.departments.map((d) => d.id);
  if (values.department !== undefined && !ids.includes(values.department)) {
    throw new UsageError(
      `--department ${values.department} is not a department of ${config.company.id}; its departments: ${ids.join(', ')}`,
      'themes',
    );
  }
  const period = periodOf(values.since, config, 'themes');
  const kind = (values.kind ?? 'complaint') as ThemeKind;
  return withThemes(config, values, 'themes', async (themes, tableName) => {
    const insights = await insightsOf(themes, config);
    const found = await insights.themes(period, {
      kind,
      ...(values.department ? { department: values.department } : {}),
      limit,
    });
    const which = `${kind} themes${values.department ? ` of ${values.department}` : ''} from ${period.from} to ${period.to}`;
    if (found.length === 0) {
      process.stdout.write(`No ${which} in ${tableName}.\n`);
      return 0;
    }
    const { formatTable } = await import('../../infra/local/text-table.ts');
    process.stdout.write(`${found.length} ${which}\n`);
    process.stdout.write(
      `${formatTable(
        ['theme', 'label', 'mentions', 'before', 'trend', 'process', 'owner', 'departments', 'defect'],
        found.map((t) => [
          t.id,
          t.label,
          String(t.count),
          String(t.previousCount),
          t.trend,
          t.processId ?? '-',
          t.owner ?? '-',
          t.departments.join(',') || '-',
          t.defect ? `fix ${t.defect.fixDate} (${t.defect.owner})` : '-',
        ]),
      )}\n`,
    );
    return 0;
  });
}

async function themeRun(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      ...TABLE_OPTIONS,
      defect: { type: 'boolean' },
      owner: { type: 'string' },
      'fix-date': { type: 'string' },
      note: { type: 'string' },
      since: { type: 'string' },
    },
    'theme',
    THEME_USAGE,
    { positionals: true },
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? 'give the theme id, e.g. backchannel theme th_complaint_de_3f2a9c1b7e04 (from backchannel themes)'
        : 'give exactly one theme id',
      'theme',
    );
  const id = positionals[0] as string;
  if (!THEME_ID.test(id))
    throw new UsageError(
      `"${id}" is not a theme id (th_<kind>_<language>_<12 hex digits>, from backchannel themes)`,
      'theme',
    );
  const marking = values.defect === true;
  if (!marking && (values.owner !== undefined || values['fix-date'] !== undefined || values.note !== undefined))
    throw new UsageError('--owner, --fix-date and --note go with --defect', 'theme');
  if (marking && (!values.owner?.trim() || values['fix-date'] === undefined))
    throw new UsageError('--defect needs --owner <name> and --fix-date YYYY-MM-DD', 'theme');
  if (marking && !isDay(values['fix-date'] as string))
    throw new UsageError(`--fix-date takes a day YYYY-MM-DD, got "${values['fix-date']}"`, 'theme');
  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);
  const period = periodOf(values.since, config, 'theme');

  return withThemes(config, values, 'theme', async (themes, tableName) => {
    if (!(await themes.theme(id))) {
      process.stderr.write(`No theme ${id} in ${tableName}.\n`);
      return 1;
    }
    if (marking) {
      const { markThemeDefect } = await import('../../shared/domain/themes/mark-defect.ts');
      // The CLI acts with the credentials that open the table: the account's operator.
      const user = { sub: `cli:${os.userInfo().username}`, operator: true };
      const defect = await markThemeDefect(
        id,
        {
          owner: values.owner as string,
          fixDate: values['fix-date'] as string,
          ...(values.note ? { note: values.note } : {}),
        },
        user,
        { config, themes, clock: { now: () => new Date() } },
      );
      process.stdout.write(
        `Marked ${id} as a known defect: owner ${defect.owner}, fix date ${defect.fixDate} (by ${defect.markedBy}).\n\n`,
      );
    }
    const detail = await (await insightsOf(themes, config)).detail(id, period);
    process.stdout.write(`${themeText(detail.summary, detail)}\n`);
    return 0;
  });
}

function themeText(
  t: ThemeSummary,
  extra: {
    processName?: string;
    effect?: { perDayBefore: number; perDayAfter: number; change: number; daysBefore: number; daysAfter: number };
    organisation?: string;
    place?: string;
  },
): string {
  const fields: [string, string][] = [
    ['label', t.label],
    ['kind', `${t.kind} (${t.language})`],
    ['terms', t.terms.join(', ')],
    ['period', `${t.daily[0]?.day ?? '-'} to ${t.daily.at(-1)?.day ?? '-'}`],
    ['mentions', `${t.count} (before: ${t.previousCount}, ${t.trend})`],
    ['per day', t.daily.map((d) => d.count).join(' ')],
    ['support', `${t.support.authors} authors, ${t.support.reactions} reactions`],
    ['process', extra.processName ? `${extra.processName} (${t.processId}), owner ${t.owner}` : '-'],
    ['departments', t.departments.join(', ') || '-'],
  ];
  if (extra.organisation) fields.push(['organisation', extra.organisation]);
  if (extra.place) fields.push(['place', extra.place]);
  if (t.defect)
    fields.push([
      'defect',
      `owner ${t.defect.owner}, fix date ${t.defect.fixDate}, marked by ${t.defect.markedBy} at ${t.defect.markedAt}${t.defect.note ? `: ${t.defect.note}` : ''}`,
    ]);
  if (extra.effect) {
    const e = extra.effect;
    fields.push([
      'fix effect',
      `${e.perDayBefore}/day in ${e.daysBefore} days before, ${e.perDayAfter}/day in ${e.daysAfter} days after (${e.change >= 0 ? '+' : ''}${Math.round(e.change * 100)} %)`,
    ]);
  } else if (t.defect) {
    fields.push(['fix effect', `none yet: the fix date ${t.defect.fixDate} is after the period`]);
  }
  const width = Math.max(...fields.map(([label]) => label.length));
  const lines = [
    `Theme ${t.id}`,
    ...fields.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
    `Examples (${t.examples.length})`,
  ];
  for (const e of t.examples)
    lines.push(
      `  ${e.createdAt.slice(0, 16).replace('T', ' ')}  ${e.platform}  ${e.mentionId}  ${e.text.replace(/\s+/g, ' ')}`,
    );
  return lines.join('\n');
}

function rankedCommand(name: 'ideas' | 'projects'): Command {
  const usage = rankedUsage(name);
  return {
    summary:
      name === 'ideas'
        ? 'product ideas ranked by support (text, csv, json)'
        : 'suggested community projects ranked by support',
    usage,
    async run(args: string[]): Promise<number> {
      const parsed = parseCommand(
        args,
        {
          ...TABLE_OPTIONS,
          format: { type: 'string' },
          out: { type: 'string' },
          since: { type: 'string' },
          limit: { type: 'string' },
        },
        name,
        usage,
      );
      if (!parsed) return 0;
      const { values } = parsed;
      const format = values.format ?? 'text';
      if (!['text', 'csv', 'json'].includes(format))
        throw new UsageError(`--format takes text, csv or json; got "${format}"`, name);
      if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a file name', name);
      const limit = limitOf(values.limit, name);
      const config = await loadConfig(values.company ?? DEFAULT_COMPANY);
      const period = periodOf(values.since, config, name);
      return withThemes(config, values, name, async (themes) => {
        const insights = await insightsOf(themes, config);
        const { ideasCsv, projectsCsv } = await import('../../shared/domain/themes/csv.ts');
        const ranked =
          name === 'ideas' ? await insights.ideas(period, limit) : await insights.communityProjects(period, limit);
        let output: string;
        if (format === 'json')
          output = `${JSON.stringify({ period, [name === 'ideas' ? 'ideas' : 'communityProjects']: ranked }, null, 2)}\n`;
        else if (format === 'csv')
          output =
            name === 'ideas'
              ? ideasCsv(ranked as Parameters<typeof ideasCsv>[0])
              : projectsCsv(ranked as Parameters<typeof projectsCsv>[0]);
        else if (ranked.length === 0) output = `No ${name} from ${period.from} to ${period.to}.\n`;
        else {
          const { excerpt, formatTable } = await import('../../infra/local/text-table.ts');
          const extra = (r: (typeof ranked)[number]) =>
            'organisation' in r ? [r.organisation ?? '-', r.place ?? '-'] : [];
          output = `${ranked.length} ${name} from ${period.from} to ${period.to}, by support\n${formatTable(
            [
              '#',
              'theme',
              'label',
              ...(name === 'projects' ? ['organisation', 'place'] : []),
              'score',
              'mentions',
              'authors',
              'reactions',
              'trend',
              'example',
            ],
            ranked.map((r, i) => [
              String(i + 1),
              r.id,
              r.label,
              ...extra(r),
              String(r.score),
              String(r.support.mentions),
              String(r.support.authors),
              String(r.support.reactions),
              r.trend,
              excerpt(r.examples[0]?.text ?? '', 50),
            ]),
          )}\n`;
        }
        if (values.out) {
          writeFileSync(values.out, output);
          process.stdout.write(`Wrote ${ranked.length} ${name} to ${values.out}.\n`);
        } else process.stdout.write(output);
        return 0;
      });
    },
  };
}

export const themesCommand: Command = {
  summary: 'recurring complaint, idea and project themes',
  usage: THEMES_USAGE,
  run: themesRun,
};
export const themeCommand: Command = {
  summary: 'show a theme; --defect marks it as a known defect',
  usage: THEME_USAGE,
  run: themeRun,
};
export const ideasCommand = rankedCommand('ideas');
export const projectsCommand = rankedCommand('projects');
