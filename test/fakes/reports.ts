import type {
  CommunityProjectSummary,
  DefectEffect,
  IdeaSummary,
  Period,
  SpikeSource,
  SpikeSummary,
  ThemeInsightSource,
  ThemeKind,
  ThemeSummary,
} from '../../shared/domain/insights.ts';
import type { NotificationTarget } from '../../shared/domain/notification.ts';
import type { ReportKind } from '../../shared/domain/reports/period.ts';
import type { Report } from '../../shared/domain/reports/report.ts';
import type { ReportMessage, ReportSender, ReportStore } from '../../shared/domain/reports/run-reports.ts';
import type { ReportTallies, Tally } from '../../shared/domain/reports/tallies.ts';

/** Day x department tallies, added to like the table's `ADD`. */
export class InMemoryTallies implements ReportTallies {
  readonly items = new Map<string, Tally>();
  writes = 0;

  async tally(day: string, department: string, fields: Readonly<Record<string, number>>): Promise<void> {
    this.writes++;
    const key = `${day}|${department}`;
    const before = this.items.get(key)?.fields ?? {};
    const after: Record<string, number> = { ...before };
    for (const [name, value] of Object.entries(fields)) after[name] = (after[name] ?? 0) + value;
    this.items.set(key, { day, department, fields: after });
  }

  async talliesOf(day: string): Promise<Tally[]> {
    return [...this.items.values()].filter((t) => t.day === day);
  }
}

export class InMemoryReportStore implements ReportStore {
  readonly reports = new Map<string, Report>();
  readonly cursors = new Map<ReportKind, string>();

  async putReport(report: Report): Promise<void> {
    this.reports.set(`${report.kind}|${report.period.id}|${report.audience}`, report);
  }

  async getReport(kind: ReportKind, periodId: string, audience: string): Promise<Report | undefined> {
    return this.reports.get(`${kind}|${periodId}|${audience}`);
  }

  async lastReported(kind: ReportKind): Promise<string | undefined> {
    return this.cursors.get(kind);
  }

  async markReported(kind: ReportKind, periodId: string): Promise<void> {
    const current = this.cursors.get(kind);
    if (current === undefined || current < periodId) this.cursors.set(kind, periodId);
  }
}

/** Records what was sent where; `failFor` makes sends to targets of that type throw. */
export class RecordingReportSender implements ReportSender {
  readonly sent: { readonly message: ReportMessage; readonly target: NotificationTarget }[] = [];
  failFor: NotificationTarget['type'] | undefined;

  async send(message: ReportMessage, target: NotificationTarget): Promise<void> {
    if (this.failFor === target.type) throw new Error(`${target.type} unavailable`);
    this.sent.push({ message, target });
  }
}

const inPeriod = (day: string, period: Period) => day >= period.from && day <= period.to;

/** Themes, ideas, projects and defects held in memory: the reports' side of the insight contract. */
export class FakeThemeInsights implements ThemeInsightSource {
  constructor(
    private readonly data: {
      readonly themes?: readonly ThemeSummary[];
      readonly ideas?: readonly IdeaSummary[];
      readonly projects?: readonly CommunityProjectSummary[];
      readonly defects?: readonly DefectEffect[];
    },
  ) {}

  async themes(
    period: Period,
    options: { readonly kind?: ThemeKind; readonly department?: string; readonly limit?: number } = {},
  ): Promise<ThemeSummary[]> {
    return (this.data.themes ?? [])
      .filter(
        (t) =>
          (options.kind ? t.kind === options.kind : true) &&
          (options.department ? t.departments.includes(options.department) : true),
      )
      .filter((t) => t.daily.some((d) => inPeriod(d.day, period) && d.count > 0))
      .slice(0, options.limit ?? 100);
  }

  async ideas(_period: Period, limit = 10): Promise<IdeaSummary[]> {
    return [...(this.data.ideas ?? [])].slice(0, limit);
  }

  async communityProjects(_period: Period, limit = 10): Promise<CommunityProjectSummary[]> {
    return [...(this.data.projects ?? [])].slice(0, limit);
  }

  async defectEffects(asOf: string): Promise<DefectEffect[]> {
    return (this.data.defects ?? []).filter((d) => d.fixDate <= asOf);
  }
}

export class FakeSpikes implements SpikeSource {
  constructor(private readonly all: readonly SpikeSummary[]) {}

  async spikes(period: Period): Promise<SpikeSummary[]> {
    return this.all.filter((s) => inPeriod(s.hour.slice(0, 10), period));
  }
}

/** A complaint theme with mentions on the given days. */
export function themeFactory(
  overrides: Partial<ThemeSummary> & { readonly days?: Record<string, number> } = {},
): ThemeSummary {
  const { days = { '2026-11-24': 3, '2026-11-25': 2 }, ...rest } = overrides;
  const count = Object.values(days).reduce((a, b) => a + b, 0);
  return {
    id: 'theme-repair',
    kind: 'complaint',
    language: 'de',
    label: 'Reparatur dauert Wochen',
    terms: ['reparatur', 'wochen'],
    count,
    previousCount: 2,
    trend: 'rising',
    daily: Object.entries(days).map(([day, n]) => ({ day, count: n })),
    processId: 'repair',
    owner: 'Werkstattleitung',
    departments: ['service'],
    examples: [
      {
        mentionId: 'm1',
        platform: 'facebook',
        text: 'Seit drei Wochen in der Reparatur!',
        createdAt: '2026-11-24T09:00:00.000Z',
      },
    ],
    support: { mentions: count, authors: count, reactions: 0 },
    ...rest,
  };
}
