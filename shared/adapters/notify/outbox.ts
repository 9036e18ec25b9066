import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Notification, NotificationTarget } from '../../domain/notification.ts';
import type { Notifier } from '../../domain/notify-department.ts';

/** One line of `<department>.jsonl`: what would have been sent, and where to. */
export interface OutboxLine {
  readonly writtenAt: string;
  readonly target: NotificationTarget;
  readonly notification: Notification;
}

export interface OutboxNotifierOptions {
  /** `.backchannel/<company>/outbox` under `npm start` (NOTIFY_OUTBOX_DIR). */
  readonly dir: string;
  /** Where the one-line summary goes; default stderr, like the local runtime's own lines. */
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

/**
 * The local stand-in for Slack, Teams and e-mail: nothing leaves the machine. Each delivery
 * (a notification at one target) is appended as one JSON line to `<dir>/<department>.jsonl`
 * and summarised in one line on the console.
 */
export class OutboxNotifier implements Notifier {
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(private readonly options: OutboxNotifierOptions) {
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.now = options.now ?? (() => new Date());
  }

  /** The file of a department's notifications. */
  fileOf(department: string): string {
    // Department ids are `[a-z][a-z0-9-]*` (config schema); basename keeps any other value inside dir.
    return path.join(this.options.dir, `${path.basename(department)}.jsonl`);
  }

  async send(notification: Notification, target: NotificationTarget): Promise<void> {
    const line: OutboxLine = { writtenAt: this.now().toISOString(), target, notification };
    await mkdir(this.options.dir, { recursive: true });
    const file = this.fileOf(notification.department);
    await appendFile(file, `${JSON.stringify(line)}\n`, 'utf8');
    this.log(`notify ${notification.department} via ${describe(target)}: ${notification.title}${notification.caseUrl ? ` ${notification.caseUrl}` : ''} (outbox ${file})`);
  }
}

function describe(target: NotificationTarget): string {
  switch (target.type) {
    case 'slack':
      return `slack ${target.channel}`;
    case 'teams':
      return `teams ${target.secretName}`;
    case 'email':
      return `email ${target.to.join(', ')}`;
  }
}
