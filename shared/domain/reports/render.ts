import {
  BACKLOG_AGES,
  type DepartmentFigures,
  type InsightSection,
  type PreviousDepartmentFigures,
  type Report,
} from './report.ts';

/** The title of a report: subject of the e-mail, header of the chat message. */
export function reportTitle(r: Report): string {
  const what =
    r.kind === 'weekly'
      ? `Weekly report ${r.period.id} (${r.period.from} to ${r.period.to})`
      : `Daily report ${r.period.id}`;
  const who = r.audience === 'management' ? 'management' : (r.departments[0]?.name ?? r.audience);
  return `${r.company.name}: ${what}, ${who}`;
}

const pct = (share: number | null) => (share === null ? '-' : `${Math.round(share * 100)} %`);
const mins = (m: number | null) =>
  m === null ? '-' : m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
const label = (key: string) => key.replace(/_/g, ' ');

/** `12 (+3)` or `12 (-40 %)`: a figure and its change from the previous period. */
export function withChange(now: number, before: number): string {
  if (before === 0) return now === 0 ? '0' : `${now} (new)`;
  const change = Math.round(((now - before) / before) * 100);
  return `${now} (${change >= 0 ? '+' : ''}${change} %)`;
}

const NOT_AVAILABLE: Record<InsightSection, string> = {
  themes: 'Themes',
  defects: 'Known defects',
  ideas: 'Product ideas',
  communityProjects: 'Community projects',
  spikes: 'Spikes',
};

/** The short message for Slack and Teams: totals, the busiest categories, response and SLA, the top themes and spikes. */
export function reportSummary(r: Report): string[] {
  const lines = [`${withChange(r.total, r.previous.total)} mentions${r.cc > 0 ? `, ${r.cc} cc copies` : ''}.`];
  const top = Object.entries(r.byCategory)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4);
  if (top.length > 0) lines.push(`Top categories: ${top.map(([c, n]) => `${label(c)} ${n}`).join(', ')}.`);
  for (const d of r.departments) {
    if (d.total === 0 && d.responded === 0) continue;
    lines.push(
      `${d.name}: ${d.total} mentions, first response p50 ${mins(d.responseMinutes.p50)} / p90 ${mins(d.responseMinutes.p90)}, SLA ${pct(d.slaCompliance)}.`,
    );
  }
  const open = r.backlog.reduce((a, b) => a + b.total, 0);
  if (open > 0)
    lines.push(`Open cases: ${open}, ${r.backlog.reduce((a, b) => a + b.byAge['>7d'], 0)} older than 7 days.`);
  if (r.themes.length > 0)
    lines.push(
      `Top themes: ${r.themes
        .slice(0, 3)
        .map((t) => `${t.label} ${t.count} (${t.trend})`)
        .join(', ')}.`,
    );
  if (r.spikes.length > 0)
    lines.push(
      `Spikes: ${r.spikes.map((s) => `${s.label} at ${s.hour.slice(0, 13)}h, ${s.observed} vs ${s.expected.toFixed(1)} expected`).join('; ')}.`,
    );
  return lines;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A department's display name in the report, else its id. */
function nameOf(r: Report, id: string): string {
  return r.departments.find((d) => d.id === id)?.name ?? id;
}

function previousOf(r: Report, id: string): PreviousDepartmentFigures | undefined {
  return r.previous.departments.find((d) => d.id === id);
}

function departmentRow(d: DepartmentFigures, before: PreviousDepartmentFigures | undefined): string[] {
  return [
    d.name,
    withChange(d.total, before?.total ?? 0),
    String(d.cc),
    mins(d.responseMinutes.p50),
    mins(d.responseMinutes.p90),
    pct(d.slaCompliance),
    pct(d.reopenRate),
    pct(d.answeredPublicly),
  ];
}

const DEPT_HEADER = ['department', 'mentions', 'cc', 'response p50', 'p90', 'SLA met', 'reopened', 'answered publicly'];

function counts(now: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>): string[][] {
  return [...new Set([...Object.keys(now), ...Object.keys(before)])]
    .sort((a, b) => (now[b] ?? 0) - (now[a] ?? 0) || a.localeCompare(b))
    .map((k) => [label(k), String(now[k] ?? 0), String(before[k] ?? 0)]);
}

/** The report as text for a terminal. */
export function reportText(r: Report): string {
  const out = [
    reportTitle(r),
    `Previous period ${r.previous.period.id}. Every mention counts once, in its primary department (cc copies apart); response times in business minutes.`,
    '',
  ];
  /** A table of the items, when there are any. */
  const textTable = <T>(items: readonly T[], header: readonly string[], row: (item: T) => readonly string[]) => {
    if (items.length > 0) out.push(table(header, items.map(row)), '');
  };
  out.push(`Mentions: ${withChange(r.total, r.previous.total)}${r.cc > 0 ? `, cc copies ${r.cc}` : ''}`, '');
  out.push(
    table(
      DEPT_HEADER,
      r.departments.map((d) => departmentRow(d, previousOf(r, d.id))),
    ),
    '',
  );
  for (const [title, now, before] of [
    ['category', r.byCategory, r.previous.byCategory],
    ['platform', r.byPlatform, r.previous.byPlatform],
    ['sentiment', r.bySentiment, r.previous.bySentiment],
  ] as const) {
    const rows = counts(now, before);
    if (rows.length > 0) out.push(table([title, 'mentions', 'previous'], rows), '');
  }
  textTable(r.backlog, ['open cases', ...BACKLOG_AGES, 'total'], (b) => [
    nameOf(r, b.department),
    ...BACKLOG_AGES.map((a) => String(b.byAge[a])),
    String(b.total),
  ]);
  textTable(r.themes, ['theme', 'count', 'previous', 'trend', 'owner'], (t) => [
    t.label,
    String(t.count),
    String(t.previousCount),
    t.trend,
    t.owner ?? '-',
  ]);
  textTable(r.defects, ['known defect', 'owner', 'fixed', 'per day before', 'after', 'change'], (d) => [
    d.label,
    d.owner,
    d.fixDate,
    d.perDayBefore.toFixed(1),
    d.perDayAfter.toFixed(1),
    `${Math.round(d.change * 100)} %`,
  ]);
  textTable(r.ideas, ['product idea', 'score', 'mentions', 'authors', 'reactions'], (i) => [
    i.label,
    i.score.toFixed(1),
    String(i.mentions),
    String(i.authors),
    String(i.reactions),
  ]);
  textTable(r.communityProjects, ['community project', 'organisation', 'place', 'mentions', 'authors'], (p) => [
    p.label,
    p.organisation ?? '-',
    p.place ?? '-',
    String(p.mentions),
    String(p.authors),
  ]);
  textTable(r.spikes, ['spike', 'hour (UTC)', 'observed', 'expected', 'departments'], (s) => [
    `${s.dimension} ${s.label}`,
    s.hour.slice(0, 16),
    String(s.observed),
    s.expected.toFixed(1),
    s.departments.join(', '),
  ]);
  if (r.unavailable.length > 0)
    out.push(`Not available in this deployment: ${r.unavailable.map((s) => NOT_AVAILABLE[s]).join(', ')}.`);
  return out.join('\n').trimEnd();
}

export const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A chart as the HTML shows it: `cid:<id>` in an e-mail, a data URI in a file. */
export interface ChartImage {
  readonly id: string;
  readonly title: string;
  readonly alt: string;
  readonly src: string;
}

const TABLE = 'border-collapse:collapse;margin:0 0 16px;font-size:13px';
const TH = 'text-align:left;padding:4px 10px;border-bottom:2px solid #d0d7de;background:#f6f8fa';
const TD = 'padding:4px 10px;border-bottom:1px solid #eaeef2';

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h) => `<th style="${TH}">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td style="${TD}">${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table style="${TABLE}"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

const h2 = (text: string) => `<h2 style="font-size:16px;margin:24px 0 8px;color:#24292f">${escapeHtml(text)}</h2>`;
const note = (text: string) => `<p style="color:#57606a;font-size:13px;margin:0 0 12px">${escapeHtml(text)}</p>`;

/**
 * The report as HTML for e-mail and the browser: inline styles and tables only (what mail
 * clients show), charts as images with their message as alt text.
 */
export function reportHtml(r: Report, charts: readonly ChartImage[]): string {
  const chart = (id: string) => {
    const c = charts.find((x) => x.id === id);
    return c
      ? `<p style="margin:0 0 16px"><img src="${escapeHtml(c.src)}" alt="${escapeHtml(`${c.title}: ${c.alt}`)}" width="600" style="max-width:100%;height:auto;border:0"></p>`
      : '';
  };
  const parts = [
    `<h1 style="font-size:20px;margin:0 0 4px;color:#24292f">${escapeHtml(reportTitle(r))}</h1>`,
    note(
      `Compared with ${r.previous.period.id}. Every mention counts once, in its primary department where its case ended; cc copies are shown apart. Response times are first responses in business minutes (interpolated within the stored histogram buckets).`,
    ),
    `<p style="font-size:15px;margin:0 0 16px"><strong>${escapeHtml(withChange(r.total, r.previous.total))}</strong> mentions${r.cc > 0 ? `, ${r.cc} cc copies` : ''}</p>`,
    h2('Departments'),
    htmlTable(
      DEPT_HEADER,
      r.departments.map((d) => departmentRow(d, previousOf(r, d.id))),
    ),
    chart('response-times'),
    h2('Volume'),
    chart('mentions-per-day'),
    chart('volume-by-category'),
    htmlTable(['platform', 'mentions', 'previous'], counts(r.byPlatform, r.previous.byPlatform)),
    htmlTable(['sentiment', 'mentions', 'previous'], counts(r.bySentiment, r.previous.bySentiment)),
  ];
  if (r.backlog.length > 0) {
    parts.push(
      h2('Open backlog by age'),
      chart('backlog-by-age'),
      htmlTable(
        ['department', ...BACKLOG_AGES, 'total'],
        r.backlog.map((b) => [
          nameOf(r, b.department),
          ...BACKLOG_AGES.map((a) => String(b.byAge[a])),
          String(b.total),
        ]),
      ),
    );
  }
  const unavailable = new Set(r.unavailable);
  const section = (key: InsightSection, title: string, body: () => string, empty: string) => {
    if (unavailable.has(key)) parts.push(h2(title), note('Not available in this deployment.'));
    else parts.push(h2(title), body() || note(empty));
  };
  /** A section that is a table of its items, or a note when there are none. */
  const tableSection = <T>(
    key: InsightSection,
    title: string,
    items: readonly T[],
    header: readonly string[],
    row: (item: T) => readonly string[],
    empty: string,
  ) => section(key, title, () => (items.length === 0 ? '' : htmlTable(header, items.map(row))), empty);
  tableSection(
    'themes',
    'Top complaint themes',
    r.themes,
    ['theme', 'mentions', 'previous', 'trend', 'owner', 'departments'],
    (t) => [t.label, String(t.count), String(t.previousCount), t.trend, t.owner ?? '-', t.departments.join(', ')],
    'No recurring complaint theme in this period.',
  );
  tableSection(
    'defects',
    'Known defects: before and after the fix',
    r.defects,
    ['defect', 'owner', 'fix date', 'per day before', 'per day after', 'change'],
    (d) => [
      d.label,
      d.owner,
      d.fixDate,
      d.perDayBefore.toFixed(1),
      d.perDayAfter.toFixed(1),
      `${d.change > 0 ? '+' : ''}${Math.round(d.change * 100)} %`,
    ],
    'No theme is marked as a fixed defect.',
  );
  if (r.audience === 'management' || r.ideas.length > 0 || unavailable.has('ideas')) {
    tableSection(
      'ideas',
      'Top product ideas',
      r.ideas,
      ['idea', 'score', 'mentions', 'authors', 'reactions', 'example'],
      (i) => [i.label, i.score.toFixed(1), String(i.mentions), String(i.authors), String(i.reactions), i.example ?? ''],
      'No product idea in this period.',
    );
  }
  if (r.audience === 'management' || r.communityProjects.length > 0 || unavailable.has('communityProjects')) {
    tableSection(
      'communityProjects',
      'Community projects shortlist',
      r.communityProjects,
      ['project', 'organisation', 'place', 'mentions', 'authors', 'example'],
      (p) => [p.label, p.organisation ?? '-', p.place ?? '-', String(p.mentions), String(p.authors), p.example ?? ''],
      'No community project suggested in this period.',
    );
  }
  tableSection(
    'spikes',
    'Spikes',
    r.spikes,
    ['what', 'hour (UTC)', 'observed', 'expected', 'departments', 'cases'],
    (s) => [
      `${s.dimension}: ${s.label}`,
      s.hour.slice(0, 16).replace('T', ' '),
      String(s.observed),
      s.expected.toFixed(1),
      s.departments.join(', '),
      String(s.caseIds.length),
    ],
    'No spike in this period.',
  );
  parts.push(note(`Built ${r.generatedAt} for ${r.company.name} (${r.company.timezone}).`));
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(reportTitle(r))}</title></head><body style="font-family:Arial,Helvetica,sans-serif;color:#24292f;max-width:760px;margin:0 auto;padding:16px">${parts.filter(Boolean).join('\n')}</body></html>`;
}
