import type { Clock, DailyReport, MetricRepository, ReportRepository } from './ports.ts';
import { expiresAtEpochSeconds } from './time.ts';

export interface BuildDailyReportDeps {
  readonly departments: readonly string[];
  readonly retentionDays: number;
  readonly metrics: MetricRepository;
  readonly reports: ReportRepository;
  readonly clock: Clock;
}

/**
 * Builds and stores the daily summary of every department for one day.
 *
 * 1. read the day's counters
 * 2. sum them per department and category (a department with no mentions gets a zero report)
 * 3. store one report per department (overwriting: building a day twice gives the same reports)
 */
export async function buildDailyReport(day: string, deps: BuildDailyReportDeps): Promise<DailyReport[]> {
  const counters = await deps.metrics.countersOf(day);
  const generatedAt = deps.clock.now().toISOString();
  const known = new Set(deps.departments);
  // A department removed from the config still gets the report of the counts it has.
  const departments = [...deps.departments, ...new Set(counters.map((c) => c.department).filter((d) => !known.has(d)))];
  const reports = departments.map((department): DailyReport => {
    const byCategory: Record<string, number> = {};
    for (const counter of counters) {
      if (counter.department !== department) continue;
      byCategory[counter.category] = (byCategory[counter.category] ?? 0) + counter.count;
    }
    const total = Object.values(byCategory).reduce((a, b) => a + b, 0);
    return { day, department, total, byCategory, generatedAt };
  });
  const expiresAt = expiresAtEpochSeconds(deps.clock.now(), deps.retentionDays);
  for (const report of reports) await deps.reports.put(report, expiresAt);
  return reports;
}
