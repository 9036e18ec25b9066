import { mkdir, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { NotificationTarget } from '../../domain/notification.ts';
import { reportHtml } from '../../domain/reports/render.ts';
import type { ReportMessage, ReportSender } from '../../domain/reports/run-reports.ts';
import { logger } from '../../observability/powertools.ts';

/** The log message of a report written to the outbox; the local runtime prints it with the HTML file's path. */
export const REPORT_WRITTEN = 'Report written to outbox';

/** The HTML file of a report for a browser: the charts inline as data URIs. */
export function reportFileHtml(message: ReportMessage): string {
  return reportHtml(
    message.report,
    message.charts.map((c) => ({
      id: c.id,
      title: c.title,
      alt: c.alt,
      src: `data:image/png;base64,${Buffer.from(c.png).toString('base64')}`,
    })),
  );
}

/** The file name of a report: `<kind>-<period>-<audience>.html`. */
export function reportFileName(message: Pick<ReportMessage, 'report'>): string {
  const r = message.report;
  return `${r.kind}-${r.period.id}-${path.basename(r.audience)}.html`;
}

/**
 * The local stand-in for report delivery: nothing leaves the machine. Each delivery is one
 * JSON line in `<dir>/reports.jsonl` (target, title, summary, the file), and the report is
 * written once as `<dir>/reports/<kind>-<period>-<audience>.html` to open in a browser.
 */
export class OutboxReportSender implements ReportSender {
  constructor(
    private readonly options: {
      readonly dir: string;
      readonly log?: (line: string) => void;
      readonly now?: () => Date;
    },
  ) {}

  fileOf(message: Pick<ReportMessage, 'report'>): string {
    return path.join(this.options.dir, 'reports', reportFileName(message));
  }

  async send(message: ReportMessage, target: NotificationTarget): Promise<void> {
    const file = this.fileOf(message);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, reportFileHtml(message), 'utf8');
    const line = {
      writtenAt: (this.options.now ?? (() => new Date()))().toISOString(),
      target,
      key: message.key,
      title: message.title,
      summary: message.summary,
      file,
    };
    await appendFile(path.join(this.options.dir, 'reports.jsonl'), `${JSON.stringify(line)}\n`, 'utf8');
    if (this.options.log) this.options.log(`report ${message.key} via ${target.type}: ${message.title} (${file})`);
    else logger.info(REPORT_WRITTEN, { key: message.key, target: target.type, title: message.title, file });
  }
}
