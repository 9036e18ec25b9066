import { randomUUID } from 'node:crypto';
import { targetIdentity, type NotificationTarget } from '../notification.ts';
import type { NotificationLog, ReportRepository } from '../ports.ts';
import { expiresAtEpochSeconds } from '../time.ts';
import { buildReports, type BuildReportsDeps } from './build-reports.ts';
import { chartsOf, type ChartRenderer, type RenderedChart } from './charts.ts';
import { periodsToReport, type ReportKind, type ReportPeriod } from './period.ts';
import { reportHtml, reportSummary, reportText, reportTitle } from './render.ts';
import type { Report } from './report.ts';

/** Port: stored reports and the cursor of the last period whose reports all went out. */
export interface ReportStore {
  putReport(report: Report, expiresAt: number): Promise<void>;
  getReport(kind: ReportKind, periodId: string, audience: string): Promise<Report | undefined>;
  lastReported(kind: ReportKind): Promise<string | undefined>;
  /** Moves the cursor to this period unless it is already there or beyond. */
  markReported(kind: ReportKind, periodId: string, at: string): Promise<void>;
}

/** A report ready to send: the text for chat, the HTML with `cid:` images and the images. */
export interface ReportMessage {
  /** `<kind>#<period>#<audience>`: the idempotency key of the report's deliveries. */
  readonly key: string;
  readonly report: Report;
  readonly title: string;
  readonly summary: readonly string[];
  readonly text: string;
  /** The e-mail HTML: charts as `cid:<chart id>`. */
  readonly html: string;
  readonly charts: readonly RenderedChart[];
}

/** Port: sends a report to one target (SES e-mail, Slack, Teams; locally the outbox). */
export interface ReportSender {
  send(message: ReportMessage, target: NotificationTarget): Promise<void>;
}

export interface RunReportsDeps extends BuildReportsDeps {
  readonly store: ReportStore;
  readonly sender: ReportSender;
  /** Claims and sent-markers of report deliveries (the notifications' log, under report keys). */
  readonly sent: NotificationLog;
  /** Without it reports go out without charts (their alt text stands in the HTML). */
  readonly charts?: ChartRenderer;
  /** Who receives a report: a department's own targets, the management list for `management`. */
  readonly targetsOf: (audience: string) => readonly NotificationTarget[];
  readonly retentionDays: number;
  /** The per-department daily summaries that `backchannel report --day` printed before (kept for their readers). */
  readonly dailySummaries?: Pick<ReportRepository, 'put'>;
  /** How long a delivery claim holds before another run may take it over (default 5 minutes). */
  readonly leaseMs?: number;
}

export interface PeriodOutcome {
  readonly period: string;
  readonly reports: number;
  readonly sent: readonly string[];
  readonly skipped: readonly string[];
}

/** Deliveries of a run that failed or that another run holds; the cursor stays, the schedule's retry sends what is missing. */
export class ReportDeliveryError extends Error {
  constructor(
    readonly period: string,
    readonly failures: readonly { readonly key: string; readonly error: unknown }[],
  ) {
    super(
      `reports of ${period}: ${failures.length} deliveries not done (${failures.map((f) => `${f.key}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join('; ')})`,
    );
    this.name = 'ReportDeliveryError';
  }
}

/** The delivery key of a target: its type and where ({@link targetIdentity}), never a secret (webhook URLs live in secrets). */
export function targetKey(target: NotificationTarget): string {
  return `${target.type}:${targetIdentity(target)}`;
}

/**
 * A scheduled run: reports every period since the last one reported, so no day or week
 * is skipped however the schedule fires, and sends each report once.
 *
 * 1. the periods: every complete period after the cursor (the first run: the latest one)
 * 2. per period, oldest first: build, store and send its reports (deliverPeriod)
 * 3. move the cursor past the period only when all its deliveries are done; a failure
 *    throws, the schedule retries, and the retry sends only what is missing
 *
 * @throws ReportDeliveryError when a delivery failed or another run holds it
 */
export async function runScheduledReports(
  kind: ReportKind,
  today: string,
  deps: RunReportsDeps,
): Promise<PeriodOutcome[]> {
  const periods = periodsToReport(kind, await deps.store.lastReported(kind), today);
  const outcomes: PeriodOutcome[] = [];
  for (const period of periods) {
    outcomes.push(await deliverPeriod(period, deps));
    await deps.store.markReported(kind, period.id, deps.clock.now().toISOString());
  }
  return outcomes;
}

/**
 * Builds, stores and sends the reports of one period (also for a rebuild by hand).
 *
 * Each report goes to each of its targets exactly once: a delivery is claimed with a
 * conditional write before it is sent, marked sent after, released when the send failed.
 * A report that was sent is not sent again by a retry or a second run.
 */
export async function deliverPeriod(period: ReportPeriod, deps: RunReportsDeps): Promise<PeriodOutcome> {
  const reports = await buildReports(period, deps);
  const now = deps.clock.now();
  const expiresAt = expiresAtEpochSeconds(now, deps.retentionDays);
  for (const report of reports) await deps.store.putReport(withoutQuotes(report), expiresAt);
  if (period.kind === 'daily' && deps.dailySummaries) {
    const management = reports.find((r) => r.audience === 'management');
    for (const d of management?.departments ?? []) {
      await deps.dailySummaries.put(
        { day: period.id, department: d.id, total: d.total, byCategory: d.byCategory, generatedAt: now.toISOString() },
        expiresAt,
      );
    }
  }
  const sent: string[] = [];
  const skipped: string[] = [];
  const failures: { key: string; error: unknown }[] = [];
  for (const report of reports) {
    const targets = deps.targetsOf(report.audience);
    if (targets.length === 0) continue;
    const key = `${report.kind}#${report.period.id}#${report.audience}`;
    let message: ReportMessage | undefined;
    for (const target of targets) {
      const deliveryKey = `${key}@${targetKey(target)}`;
      const owner = randomUUID();
      try {
        const at = deps.clock.now();
        const claim = await deps.sent.claim(key, targetKey(target), {
          owner,
          at: at.toISOString(),
          leaseUntil: new Date(at.getTime() + (deps.leaseMs ?? 300_000)).toISOString(),
          expiresAt,
        });
        if (claim === 'sent') {
          skipped.push(deliveryKey);
          continue;
        }
        if (claim === 'held') throw new Error('another run is sending it');
        try {
          message ??= await messageOf(key, report, deps.charts);
          await deps.sender.send(message, target);
        } catch (error) {
          await deps.sent.release(key, targetKey(target), owner).catch(() => undefined);
          throw error;
        }
        await deps.sent.markSent(key, targetKey(target), deps.clock.now().toISOString(), expiresAt);
        sent.push(deliveryKey);
      } catch (error) {
        // Collected: the other targets and reports still get their turn.
        failures.push({ key: deliveryKey, error });
      }
    }
  }
  if (failures.length > 0) throw new ReportDeliveryError(period.id, failures);
  return { period: period.id, reports: reports.length, sent, skipped };
}

/** Renders a report for sending: charts to PNG (when a renderer is given), HTML with `cid:` images, text and summary. */
export async function messageOf(
  key: string,
  report: Report,
  renderer: ChartRenderer | undefined,
): Promise<ReportMessage> {
  const charts: RenderedChart[] = [];
  if (renderer) for (const chart of chartsOf(report)) charts.push({ ...chart, png: await renderer.png(chart.spec) });
  return {
    key,
    report,
    title: reportTitle(report),
    summary: reportSummary(report),
    text: reportText(report),
    html: reportHtml(
      report,
      charts.map((c) => ({ id: c.id, title: c.title, alt: c.alt, src: `cid:${c.id}` })),
    ),
    charts,
  };
}

/**
 * The report as the table keeps it: without the example mentions quoted in themes, ideas
 * and projects, so a stored report holds no one's words and erasing an author needs to
 * touch no report (the sent e-mail quotes them, like a notification does).
 */
export function withoutQuotes(report: Report): Report {
  const strip = <T extends { example?: string }>(rows: readonly T[]): T[] =>
    rows.map(({ example: _example, ...rest }) => rest as T);
  return {
    ...report,
    themes: strip(report.themes),
    ideas: strip(report.ideas),
    communityProjects: strip(report.communityProjects),
  };
}
