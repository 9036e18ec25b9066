import type { CompanyDirectory } from '../company-directory.ts';
import { authorizeReportReading, standingOf } from '../access-policy.ts';
import type { AdminUser } from '../case-admin.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import { dayIn } from '../time.ts';
import { MANAGEMENT } from './build-reports.ts';
import { latestCompletePeriod, periodOf, previousPeriod, REPORT_KINDS, type ReportKind } from './period.ts';
import type { Report } from './report.ts';
import type { ReportStore } from './run-reports.ts';

/**
 * The stored reports as the console reads them (build-report stores one per period and
 * audience): a list of the latest periods, and one report by id. Reading asks the access
 * policy: a department's reports for its people, the management report for leads and admins.
 */

export interface ReportQueryDeps {
  readonly config: CompanyDirectory;
  readonly reports: Pick<ReportStore, 'getReport'>;
  readonly clock: Clock;
}

/** A stored report in a list. */
export interface ReportListEntry {
  /** `<kind>:<period id>:<audience>`, e.g. `weekly:2026-W48:management`. */
  readonly id: string;
  readonly scope: string;
  readonly period: 'day' | 'week';
  readonly periodId: string;
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  readonly total: number;
}

export interface ReportListQuery {
  /** A department id or `management`; absent: every audience the caller may read. */
  readonly scope?: string;
  /** Absent: both. */
  readonly period?: 'day' | 'week';
  /** Periods looked back per kind and audience (default 14, at most 60). */
  readonly limit?: number;
}

const KIND_OF = { day: 'daily', week: 'weekly' } as const satisfies Record<string, ReportKind>;
const PERIOD_OF = { daily: 'day', weekly: 'week' } as const satisfies Record<ReportKind, string>;

/** The id of a stored report. */
export function reportIdOf(kind: ReportKind, periodId: string, audience: string): string {
  return `${kind}:${periodId}:${audience}`;
}

/**
 * The stored reports of the latest `limit` complete periods (newest first), of one scope
 * or of every scope the caller may read. Each is one read by key (reports are stored per
 * period and audience); periods without a stored report are left out.
 * @throws ValidationError for an unknown scope or a bad limit
 * @throws ForbiddenError when the caller may not read the scope
 */
export async function listReports(
  query: ReportListQuery,
  user: AdminUser,
  deps: ReportQueryDeps,
): Promise<{ readonly reports: readonly ReportListEntry[] }> {
  const limit = query.limit ?? 14;
  if (!Number.isInteger(limit) || limit < 1 || limit > 60)
    throw new ValidationError(`limit must be a whole number from 1 to 60, got ${limit}`);
  const scopes =
    query.scope === undefined ? readableScopesOf(deps.config, user) : [checkedScope(deps.config, query.scope)];
  for (const scope of scopes) authorizeReportReading(deps.config, user, scope);
  const kinds: readonly ReportKind[] = query.period ? [KIND_OF[query.period]] : REPORT_KINDS;
  const today = dayIn(deps.clock.now(), deps.config.company.timezone);
  const wanted = kinds.flatMap((kind) => {
    const periods = [latestCompletePeriod(kind, today)];
    while (periods.length < limit)
      periods.push(previousPeriod(periods[periods.length - 1] as (typeof periods)[number]));
    return periods.flatMap((p) => scopes.map((scope) => ({ kind, periodId: p.id, scope })));
  });
  const found = await Promise.all(wanted.map((w) => deps.reports.getReport(w.kind, w.periodId, w.scope)));
  const reports = found.flatMap((r): ReportListEntry[] =>
    r
      ? [
          {
            id: reportIdOf(r.kind, r.period.id, r.audience),
            scope: r.audience,
            period: PERIOD_OF[r.kind],
            periodId: r.period.id,
            from: r.period.from,
            to: r.period.to,
            generatedAt: r.generatedAt,
            total: r.total,
          },
        ]
      : [],
  );
  return { reports: reports.sort((a, b) => b.to.localeCompare(a.to) || a.scope.localeCompare(b.scope)) };
}

/**
 * One stored report by id.
 * @throws ValidationError for an id that is not `<kind>:<period>:<audience>`
 * @throws ForbiddenError when the caller may not read its audience (asked before it is read)
 * @throws NotFoundError when no such report is stored
 */
export async function getStoredReport(id: string, user: AdminUser, deps: ReportQueryDeps): Promise<Report> {
  const [kind, periodId, audience, ...rest] = id.split(':');
  if (rest.length > 0 || !kind || !periodId || !audience || !(REPORT_KINDS as readonly string[]).includes(kind))
    throw new ValidationError(
      `not a report id: use <daily|weekly>:<period>:<audience>, e.g. weekly:2026-W48:management`,
    );
  periodOf(kind as ReportKind, periodId);
  authorizeReportReading(deps.config, user, checkedScope(deps.config, audience));
  const report = await deps.reports.getReport(kind as ReportKind, periodId, audience);
  if (!report) throw new NotFoundError(`no ${kind} report of ${periodId} for ${audience} is stored`);
  return report;
}

/** The audiences a person may read: management for admins and leads, and their own departments. */
function readableScopesOf(config: CompanyDirectory, user: AdminUser): string[] {
  const standing = standingOf(config, user);
  const departments = standing.admin ? config.departments.map((d) => d.id) : [...standing.departments.keys()];
  const management = standing.admin || [...standing.departments.values()].includes('lead');
  if (departments.length === 0 && !management)
    throw new ForbiddenError('you may not read reports: you are neither an admin nor in any department');
  return [...(management ? [MANAGEMENT] : []), ...departments];
}

function checkedScope(config: CompanyDirectory, scope: string): string {
  if (scope === MANAGEMENT || config.departments.some((d) => d.id === scope)) return scope;
  throw new ValidationError(
    `unknown scope "${scope}"; use ${MANAGEMENT} or a department: ${config.departments.map((d) => d.id).join(', ')}`,
  );
}
