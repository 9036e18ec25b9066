import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fontFilesOf } from '../../../functions/build-report/handler.ts';
import { SvgChartRenderer } from '../../../shared/adapters/charts/svg-chart-renderer.ts';
import { NotifierConfigError } from '../../../shared/adapters/notify/errors.ts';
import { OutboxReportSender } from '../../../shared/adapters/notify/report-senders.ts';
import { registrySenders } from '../../../shared/adapters/notify/senders.ts';
import { SesMailTransport } from '../../../shared/adapters/notify/ses-email.ts';
import { slackReportMessage } from '../../../shared/adapters/notify/slack.ts';
import { buildReports } from '../../../shared/domain/reports/build-reports.ts';
import { chartsOf } from '../../../shared/domain/reports/charts.ts';
import { periodOf } from '../../../shared/domain/reports/period.ts';
import { messageOf, type ReportMessage } from '../../../shared/domain/reports/run-reports.ts';
import { fixedClock, InMemoryMetrics } from '../../fakes/in-memory.ts';
import { InMemoryTallies } from '../../fakes/reports.ts';

const ses = mockClient(SESv2Client);
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

/** The registered report senders with e-mail through SES from `from`; no webhook is reachable. */
function sesReports(from: string | undefined) {
  return registrySenders({
    companyId: 'demo',
    companyName: 'Radwerk Hansen',
    urls: { urlFor: async () => expect.fail('no webhook in these tests') },
    mail: new SesMailTransport({ client: new SESv2Client({}), from }),
  }).reports;
}

async function weeklyMessage(): Promise<ReportMessage> {
  const tallies = new InMemoryTallies();
  await tallies.tally('2026-11-24', 'service', {
    mentions: 3,
    'category.complaint': 2,
    'category.question': 1,
    'platform.x': 3,
    'sentiment.negative': 3,
  });
  const [report] = await buildReports(
    periodOf('weekly', '2026-W48'),
    {
      company: { id: 'demo', name: 'Radwerk Hansen', timezone: 'Europe/Berlin' },
      departments: [{ id: 'service', name: 'Kundenservice' }],
      tallies,
      histograms: new InMemoryMetrics(),
      clock: fixedClock('2026-11-30T06:00:00.000Z'),
    },
    ['management'],
  );
  return messageOf('weekly#2026-W48#management', report!, new SvgChartRenderer());
}

describe('report charts and senders', () => {
  beforeEach(() => ses.reset());

  it('renders every chart of a report to a PNG on the server, without a browser', async () => {
    // Act
    const message = await weeklyMessage();

    // Assess
    expect(message.charts.map((c) => c.id)).toEqual(chartsOf(message.report).map((c) => c.id));
    for (const chart of message.charts) expect([...chart.png.slice(0, 4)]).toEqual(PNG_SIGNATURE);
  });

  it("renders the chart to SVG with the chart's labels as text", async () => {
    const [chart] = chartsOf((await weeklyMessage()).report);

    const svg = new SvgChartRenderer().svg(chart!.spec);

    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('complaint');
  });

  it("draws the charts' text with the shipped font on a machine without fonts, as the Lambda runtime is", async () => {
    // Arrange: the font build-report finds (beside the bundle in AWS, from its package here)
    const [chart] = chartsOf((await weeklyMessage()).report);
    const fonts = fontFilesOf({ LAMBDA_TASK_ROOT: '/nonexistent' });

    // Act
    const withFont = await new SvgChartRenderer(fonts).png(chart!.spec);
    const withoutAnyFont = await new SvgChartRenderer({ fontFiles: [] }).png(chart!.spec);

    // Assess: a font was found, and the text it draws changes the picture
    expect(fonts?.fontFiles[0]).toMatch(/DejaVuSans\.ttf$/);
    expect(Buffer.from(withFont).equals(Buffer.from(withoutAnyFont))).toBe(false);
  });

  it('e-mails the report through SES with the charts as inline images the HTML names by cid', async () => {
    // Arrange
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const message = await weeklyMessage();

    // Act
    await sesReports('backchannel@radwerk-hansen.example').send(message, { type: 'email', to: ['board@example.de'] });

    // Assess
    expect(ses).toReceiveCommandWith(SendEmailCommand, {
      FromEmailAddress: 'backchannel@radwerk-hansen.example',
      Destination: { ToAddresses: ['board@example.de'] },
      Content: {
        Simple: expect.objectContaining({
          Subject: { Data: message.title, Charset: 'UTF-8' },
          Attachments: message.charts.map((c) =>
            expect.objectContaining({
              ContentId: c.id,
              ContentDisposition: 'INLINE',
              ContentType: 'image/png',
              RawContent: c.png,
            }),
          ),
        }),
      },
    });
    expect(message.html).toContain('src="cid:volume-by-category"');
  });

  it('refuses to e-mail a report without a sender address', async () => {
    const message = await weeklyMessage();

    await expect(
      sesReports(undefined).send(message, {
        type: 'email',
        to: ['a@example.de'],
      }),
    ).rejects.toThrow(NotifierConfigError);
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
  });

  it('sends Slack the title and the summary, escaped', async () => {
    const message = await weeklyMessage();

    const payload = slackReportMessage({ ...message, summary: ['Top <b>themes</b> & more'] });

    expect(payload.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '• Top &lt;b&gt;themes&lt;/b&gt; &amp; more' },
    });
  });

  describe('outbox', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'bc-report-outbox-'));
    });
    afterEach(async () => rm(dir, { recursive: true, force: true }));

    it('writes the report as an HTML file with the charts inline and a line per delivery', async () => {
      // Arrange
      const message = await weeklyMessage();
      const lines: string[] = [];

      // Act
      await new OutboxReportSender({ dir, log: (l) => lines.push(l) }).send(message, {
        type: 'email',
        to: ['board@example.de'],
      });

      // Assess
      const file = path.join(dir, 'reports', 'weekly-2026-W48-management.html');
      const html = await readFile(file, 'utf8');
      expect(html).toContain('src="data:image/png;base64,');
      expect(html).not.toContain('cid:');
      const [line] = (await readFile(path.join(dir, 'reports.jsonl'), 'utf8')).trim().split('\n');
      expect(JSON.parse(line!)).toMatchObject({ key: 'weekly#2026-W48#management', target: { type: 'email' }, file });
      expect(lines).toEqual([`report weekly#2026-W48#management via email: ${message.title} (${file})`]);
    });
  });
});
