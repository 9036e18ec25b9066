import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifierConfigError } from '../../../shared/adapters/notify/errors.ts';
import { createNotifier } from '../../../shared/adapters/notify/index.ts';
import { OutboxNotifier, type OutboxLine } from '../../../shared/adapters/notify/outbox.ts';
import { registrySenders } from '../../../shared/adapters/notify/senders.ts';
import { SesMailTransport } from '../../../shared/adapters/notify/ses-email.ts';
import { WebhookUrls } from '../../../shared/adapters/notify/webhook-urls.ts';
import { SecretsManagerWebhookSecrets } from '../../../shared/adapters/secrets-store.ts';
import { demoConfig } from '../../factories/config.ts';
import { notificationFactory } from '../../factories/notification.ts';

const ses = mockClient(SESv2Client);
const secretsManager = mockClient(SecretsManagerClient);
const email = { type: 'email', to: ['presse@radwerk-hansen.example'] } as const;

/** The registered senders with e-mail through SES from `from`; no webhook is reachable. */
function sesNotifier(from: string | undefined) {
  return registrySenders({
    companyId: 'demo',
    companyName: 'Radwerk Hansen',
    urls: { urlFor: async () => expect.fail('no webhook in these tests') },
    mail: new SesMailTransport({ client: new SESv2Client({}), from }),
  }).notifier;
}

describe('the email target type through SES', () => {
  beforeEach(() => ses.reset());

  it('sends one e-mail with a text and an HTML part from the configured sender', async () => {
    // Arrange
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const notifier = sesNotifier('backchannel@radwerk-hansen.example');

    // Act
    await notifier.send(notificationFactory(), email);

    // Assess
    expect(ses).toReceiveCommandWith(SendEmailCommand, {
      FromEmailAddress: 'backchannel@radwerk-hansen.example',
      Destination: { ToAddresses: ['presse@radwerk-hansen.example'] },
      Content: {
        Simple: {
          Subject: {
            Data: 'New complaint case for Kundenservice: Erika Mustermann (@erika) on facebook',
            Charset: 'UTF-8',
          },
          Body: {
            Text: {
              Data: expect.stringContaining('> Mein Stadtflitzer ist kaputt <und> keiner antwortet & niemand hilft'),
              Charset: 'UTF-8',
            },
            Html: {
              Data: expect.stringContaining(
                'Mein Stadtflitzer ist kaputt &lt;und&gt; keiner antwortet &amp; niemand hilft',
              ),
              Charset: 'UTF-8',
            },
          },
        },
      },
    });
  });

  it('links the case and the mention in the HTML part', async () => {
    // Arrange
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const notifier = sesNotifier('backchannel@radwerk-hansen.example');

    // Act
    await notifier.send(notificationFactory(), email);

    // Assess
    const html = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body?.Html?.Data ?? '';
    expect(html).toContain('<a href="https://cases.radwerk-hansen.example/cases/case_0123456789abcdef0123">Open case');
    expect(html).toContain(
      '<a href="https://www.facebook.com/104729381726354/posts/901097836652708?comment_id=903438993085259">Erika Mustermann (@erika) on facebook</a>',
    );
    expect(html).toContain('<li>category complaint is owned by service</li>');
  });

  it('refuses to send without a sender, saying what to configure', async () => {
    // Arrange
    const notifier = sesNotifier(undefined);

    // Act
    const run = notifier.send(notificationFactory(), email);

    // Assess
    await expect(run).rejects.toThrow(
      new NotifierConfigError(
        'no sender for e-mails: set notifications.from in the company config (an address verified in Amazon SES)',
      ),
    );
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});

describe('OutboxNotifier', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'backchannel-outbox-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("appends one JSON line per delivery to the department's file and logs one line", async () => {
    // Arrange
    const lines: string[] = [];
    const outbox = new OutboxNotifier({
      dir: path.join(dir, 'outbox'),
      log: (line) => lines.push(line),
      now: () => new Date('2026-11-30T09:00:05.000Z'),
    });

    // Act
    await outbox.send(notificationFactory(), { type: 'slack', channel: '#kundenservice' });
    await outbox.send(notificationFactory({ id: 'sla-warn:x', kind: 'sla-warning' }), {
      type: 'slack',
      channel: '#kundenservice',
    });

    // Assess
    const written = (await readFile(path.join(dir, 'outbox', 'service.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OutboxLine);
    expect(written.map((l) => [l.notification.id, l.target])).toEqual([
      ['mention:facebook:1_2', { type: 'slack', channel: '#kundenservice' }],
      ['sla-warn:x', { type: 'slack', channel: '#kundenservice' }],
    ]);
    expect(written[0]?.writtenAt).toBe('2026-11-30T09:00:05.000Z');
    expect(lines[0]).toMatch(
      /^notify service via slack #kundenservice: New complaint case for Kundenservice: .* https:\/\/cases\.radwerk-hansen\.example\/cases\/case_0123456789abcdef0123 \(outbox .*service\.jsonl\)$/,
    );
  });
});

describe('WebhookUrls', () => {
  const fromSecret = (value: unknown) => new WebhookUrls({ secretFor: async () => value });

  it('reads a plain URL, a webhookUrl and a per-channel URL', async () => {
    // Act
    const urls = await Promise.all([
      fromSecret('https://hooks.slack.com/services/A/B/C').urlFor(
        { name: 'backchannel/demo/slack', channel: '#presse' },
        'slack #presse',
      ),
      fromSecret({ webhookUrl: 'https://prod.example/teams' }).urlFor(
        { name: 'backchannel/demo/teams' },
        'teams backchannel/demo/teams',
      ),
      fromSecret({
        webhookUrl: 'https://hooks.slack.com/services/A/B/other',
        channels: { '#presse': 'https://hooks.slack.com/services/A/B/presse' },
      }).urlFor({ name: 'backchannel/demo/slack', channel: '#presse' }, 'slack #presse'),
    ]);

    // Assess
    expect(urls).toEqual([
      'https://hooks.slack.com/services/A/B/C',
      'https://prod.example/teams',
      'https://hooks.slack.com/services/A/B/presse',
    ]);
  });

  it('names the secret, never its value, when a channel has no URL', async () => {
    // Act
    const run = fromSecret({ channels: { '#presse': 'https://hooks.slack.com/services/A/B/secretpath' } }).urlFor(
      { name: 'backchannel/demo/slack', channel: '#kundenservice' },
      'slack #kundenservice',
    );

    // Assess
    await expect(run).rejects.toThrow(
      'secret "backchannel/demo/slack" has no webhook URL for slack #kundenservice: add it under "channels" or as "webhookUrl"',
    );
  });

  it('refuses a secret without a URL', async () => {
    // Act
    const run = fromSecret({ verifyToken: 'generated' }).urlFor(
      { name: 'backchannel/demo/teams' },
      'teams backchannel/demo/teams',
    );

    // Assess
    await expect(run).rejects.toBeInstanceOf(NotifierConfigError);
  });
});

describe('SecretsManagerWebhookSecrets with plain text allowed', () => {
  beforeEach(() => secretsManager.reset());

  it('returns a SecretString that is not JSON as the plain string', async () => {
    // Arrange
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'https://hooks.slack.com/services/A/B/C\n' });
    const secrets = new SecretsManagerWebhookSecrets({
      client: new SecretsManagerClient({}),
      secretNameOf: (name) => name,
      allowPlainText: true,
    });

    // Act
    const value = await secrets.secretFor('backchannel/demo/slack');

    // Assess
    expect(value).toBe('https://hooks.slack.com/services/A/B/C');
    expect(secretsManager).toReceiveCommandWith(GetSecretValueCommand, { SecretId: 'backchannel/demo/slack' });
  });
});

describe('registrySenders', () => {
  it('fails a target whose type no module registers, never handing it to another type', async () => {
    // Arrange
    const notifier = sesNotifier('backchannel@radwerk-hansen.example');

    // Act
    const run = notifier.send(notificationFactory(), { type: 'pigeon', secretName: 'backchannel/demo/teams' });

    // Assess
    await expect(run).rejects.toThrow(
      new NotifierConfigError('no notifier for pigeon targets: it is not a registered type'),
    );
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it("refuses a target that does not match its type's schema", async () => {
    // Act
    const run = sesNotifier('backchannel@radwerk-hansen.example').send(notificationFactory(), {
      type: 'email',
      to: 'presse@radwerk-hansen.example',
    });

    // Assess
    await expect(run).rejects.toBeInstanceOf(NotifierConfigError);
  });
});

describe('createNotifier', () => {
  it('writes to the outbox when NOTIFY_OUTBOX_DIR is set', () => {
    // Act
    const notifier = createNotifier({ NOTIFY_OUTBOX_DIR: '/tmp/outbox' }, demoConfig());

    // Assess
    expect(notifier).toBeInstanceOf(OutboxNotifier);
  });

  it('uses the registered senders otherwise', async () => {
    // Arrange
    const notifier = createNotifier({ AWS_REGION: 'eu-central-1' }, demoConfig());

    // Act
    const run = notifier.send(notificationFactory(), { type: 'pigeon', secretName: 'x' });

    // Assess
    expect(notifier).not.toBeInstanceOf(OutboxNotifier);
    await expect(run).rejects.toThrow('no notifier for pigeon targets');
  });
});
