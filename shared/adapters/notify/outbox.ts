import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { outboxLineNames, type AuthorTraces, type NotificationOutbox } from '../../domain/erasure.ts';
import { targetLabel, type Notification, type NotificationTarget } from '../../domain/notification.ts';
import type { Notifier } from '../../domain/notify-department.ts';
import { logger } from '../../observability/powertools.ts';

/** Set by the local runtime: notifications go to files there instead of Slack, Teams and SES. */
export const NOTIFY_OUTBOX_DIR_ENV = 'NOTIFY_OUTBOX_DIR';

/** The log message of a notification written to the outbox; the local runtime prints it as `notify <department> via <target>: <title>`. */
export const NOTIFICATION_WRITTEN = 'Notification written to outbox';

/** One line of `<department>.jsonl`: what would have been sent, and where to. */
export interface OutboxLine {
  readonly writtenAt: string;
  readonly target: NotificationTarget;
  readonly notification: Notification;
}

export interface OutboxNotifierOptions {
  /** `.backchannel/<company>/outbox` under `npm start` (NOTIFY_OUTBOX_DIR). */
  readonly dir: string;
  /**
   * Where the one-line summary goes. Default: a log record ({@link NOTIFICATION_WRITTEN}),
   * which the local runtime prints as that line through its own `log`.
   */
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

/**
 * The local stand-in for Slack, Teams and e-mail: nothing leaves the machine. Each delivery
 * (a notification at one target) is appended as one JSON line to `<dir>/<department>.jsonl`
 * and logged in one line ({@link NOTIFICATION_WRITTEN}; `npm start` prints it on the console).
 */
export class OutboxNotifier implements Notifier {
  private readonly log: ((line: string) => void) | undefined;
  private readonly now: () => Date;

  private madeDir = false;

  constructor(private readonly options: OutboxNotifierOptions) {
    this.log = options.log;
    this.now = options.now ?? (() => new Date());
  }

  /** The file of a department's notifications. */
  fileOf(department: string): string {
    // Department ids are `[a-z][a-z0-9-]*` (config schema); basename keeps any other value inside dir.
    return path.join(this.options.dir, `${path.basename(department)}.jsonl`);
  }

  async send(notification: Notification, target: NotificationTarget): Promise<void> {
    const line: OutboxLine = { writtenAt: this.now().toISOString(), target, notification };
    const file = this.fileOf(notification.department);
    const text = `${JSON.stringify(line)}\n`;
    // The folder is made once per notifier, and again only if it went away since.
    if (!this.madeDir) {
      await mkdir(this.options.dir, { recursive: true });
      this.madeDir = true;
    }
    try {
      await appendFile(file, text, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(this.options.dir, { recursive: true });
      await appendFile(file, text, 'utf8');
    }
    if (!this.log) {
      // DEBUG: the outbox line itself is the record of the notification (and the console's
      // short line is made from this record at any log level: consoleNeeds).
      logger.debug(NOTIFICATION_WRITTEN, {
        department: notification.department,
        target: targetLabel(target),
        title: notification.title,
        caseUrl: notification.caseUrl,
        file,
      });
      return;
    }
    this.log(
      `notify ${notification.department} via ${targetLabel(target)}: ${notification.title}${notification.caseUrl ? ` ${notification.caseUrl}` : ''} (outbox ${file})`,
    );
  }
}

/** Rewrites of one file tried before giving up because the runtime keeps appending to it. */
const REWRITE_ATTEMPTS = 5;

/**
 * Erasure in the outbox: every line of `<dir>/*.jsonl` that names the author or one of
 * their mentions is removed. A file is rewritten through a temporary file and a rename, so
 * a crash leaves either the old or the new file, never half of one. A running runtime may
 * append meanwhile: when the file grew after it was read, the rewrite starts over, so
 * only an append in the instant between that check and the rename can be lost.
 */
export class OutboxEraser implements NotificationOutbox {
  constructor(private readonly dir: string) {}

  async erase(traces: AuthorTraces, options: { readonly dryRun?: boolean } = {}): Promise<number> {
    let files: string[];
    try {
      files = (await readdir(this.dir)).filter((name) => name.endsWith('.jsonl'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const name of files) removed += await this.eraseIn(path.join(this.dir, name), traces, options.dryRun === true);
    return removed;
  }

  private async eraseIn(file: string, traces: AuthorTraces, dryRun: boolean): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const content = await readFile(file);
      const lines = content
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '');
      const kept = lines.filter((line) => !outboxLineNames(line, traces));
      if (kept.length === lines.length || dryRun) return lines.length - kept.length;
      const temporary = `${file}.erasing`;
      await writeFile(temporary, kept.map((line) => `${line}\n`).join(''), 'utf8');
      if ((await stat(file)).size === content.length) {
        await rename(temporary, file);
        return lines.length - kept.length;
      }
      await rm(temporary, { force: true });
      if (attempt >= REWRITE_ATTEMPTS)
        throw new Error(`outbox ${file} kept growing while it was erased; run the erasure again`);
    }
  }
}

/** The outbox that erasure cleans, where there is one (NOTIFY_OUTBOX_DIR, locally); in AWS sent messages are beyond reach. */
export function createOutboxEraser(env: Readonly<Record<string, string | undefined>>): OutboxEraser | undefined {
  const outboxDir = env[NOTIFY_OUTBOX_DIR_ENV];
  return outboxDir ? new OutboxEraser(outboxDir) : undefined;
}
