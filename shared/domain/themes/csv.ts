import type { CommunityProjectSummary, IdeaSummary } from '../insights.ts';

/** A CSV field: quoted when it holds a comma, quote or line break; a leading =, +, - or @ is defused for spreadsheets. */
function field(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string {
  return `${[header, ...rows].map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}

/** Ranked ideas as CSV (RFC 4180, CRLF): rank, id, label, score, support, trend, departments, first example. */
export function ideasCsv(ideas: readonly IdeaSummary[]): string {
  return csv(
    ['rank', 'id', 'label', 'score', 'mentions', 'authors', 'reactions', 'previous', 'trend', 'departments', 'example'],
    ideas.map((idea, i) => [
      i + 1,
      idea.id,
      idea.label,
      idea.score,
      idea.support.mentions,
      idea.support.authors,
      idea.support.reactions,
      idea.previousCount,
      idea.trend,
      idea.departments.join(' '),
      idea.examples[0]?.text,
    ]),
  );
}

/** Ranked community projects as CSV: like ideas, with the organisation and place. */
export function projectsCsv(projects: readonly CommunityProjectSummary[]): string {
  return csv(
    [
      'rank',
      'id',
      'label',
      'organisation',
      'place',
      'score',
      'mentions',
      'authors',
      'reactions',
      'trend',
      'departments',
      'example',
    ],
    projects.map((p, i) => [
      i + 1,
      p.id,
      p.label,
      p.organisation,
      p.place,
      p.score,
      p.support.mentions,
      p.support.authors,
      p.support.reactions,
      p.trend,
      p.departments.join(' '),
      p.examples[0]?.text,
    ]),
  );
}
