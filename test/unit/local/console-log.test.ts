import { describe, expect, it } from 'vitest';
import {
  caseLineOf,
  caseLinesOf,
  consoleNeeds,
  httpNoteOf,
  parseLogRecord,
  peopleNamesOf,
  shortLineOf,
  StatusLine,
  type LogRecord,
  type StatusSource,
} from '../../../infra/local/console-log.ts';
import { REPORT_WRITTEN } from '../../../shared/adapters/notify/report-senders.ts';
import { NOTIFICATION_WRITTEN } from '../../../shared/adapters/notify/outbox.ts';
import { demoConfig } from '../../factories/config.ts';
import { logger, withLogSink } from '../../../shared/observability/powertools.ts';

/** A Powertools record as the logger writes it inside a Lambda invocation (injectLambdaContext). */
function recordFactory(overrides: Record<string, unknown> = {}): LogRecord {
  return {
    level: 'INFO',
    message: 'Mention classified',
    timestamp: '2026-12-03T10:00:00.000Z',
    service: 'backchannel',
    sampling_rate: 0,
    cold_start: false,
    function_name: 'bc-demo-classify-mention',
    function_request_id: '6f1c0c0e-7e0a-4a53-9a53-4d7e1a2b3c4d',
    function_memory_size: '512',
    function_arn: 'arn:aws:lambda:eu-central-1:000000000000:function:bc-demo-classify-mention',
    ...overrides,
  } as LogRecord;
}

function caseEventFactory(detailType: string, overrides: Record<string, unknown> = {}) {
  return {
    'detail-type': detailType,
    detail: { caseId: 'c_123', department: 'service', action: 'assign', from: 'new', to: 'assigned', ...overrides },
  };
}

describe('parseLogRecord', () => {
  it('parses a Powertools JSON line', () => {
    // Act
    const record = parseLogRecord(JSON.stringify(recordFactory()));

    // Assess
    expect(record?.message).toBe('Mention classified');
  });

  it('returns undefined for a line that is not a logger record', () => {
    // Act
    const results = [parseLogRecord('not json'), parseLogRecord('{"message":"no level"}'), parseLogRecord('[1,2]')];

    // Assess
    expect(results).toEqual([undefined, undefined, undefined]);
  });
});

describe('shortLineOf', () => {
  it('keeps an informational record off the console', () => {
    // Act
    const line = shortLineOf(recordFactory({ mentionId: 'facebook:1', status: 'routed' }));

    // Assess
    expect(line).toBeUndefined();
  });

  it('turns a report written to the outbox into one line with the path of its HTML file', () => {
    // Arrange
    const record = recordFactory({
      message: REPORT_WRITTEN,
      key: 'weekly#2026-W48#management',
      target: 'email',
      file: '/data/outbox/reports/weekly-2026-W48-management.html',
    });

    // Act
    const line = shortLineOf(record);

    // Assess
    expect(line).toBe(
      'report weekly#2026-W48#management via email: /data/outbox/reports/weekly-2026-W48-management.html',
    );
  });

  it('turns a notification record into one notify line with the target, title and outbox file', () => {
    // Arrange
    const record = recordFactory({
      message: NOTIFICATION_WRITTEN,
      department: 'service',
      target: 'slack #kundenservice',
      title: 'New complaint case for Kundenservice',
      file: '.backchannel/demo/outbox/service.jsonl',
    });

    // Act
    const line = shortLineOf(record);

    // Assess
    expect(line).toBe(
      'notify service via slack #kundenservice: New complaint case for Kundenservice (outbox .backchannel/demo/outbox/service.jsonl)',
    );
  });

  it('turns a warning into one line with the function, its message and its own keys, without the standard keys', () => {
    // Arrange
    const record = recordFactory({
      level: 'WARN',
      message: 'Cloud classifier failed, local result used',
      mentionId: 'facebook:1',
      error: { name: 'TimeoutError', message: 'no answer in 800 ms', stack: 'TimeoutError: no answer\n    at x' },
    });

    // Act
    const line = shortLineOf(record);

    // Assess
    expect(line).toBe(
      'bc-demo-classify-mention WARN Cloud classifier failed, local result used (mentionId=facebook:1, error=TimeoutError: no answer in 800 ms)',
    );
  });

  it('clips a long error to one line of at most 240 characters', () => {
    // Arrange
    const record = recordFactory({ level: 'ERROR', message: 'Record failed', detail: `line one\n${'x'.repeat(400)}` });

    // Act
    const line = shortLineOf(record) ?? '';

    // Assess
    expect(line).toHaveLength(240);
    expect(line).not.toContain('\n');
    expect(line.endsWith('…')).toBe(true);
  });

  it('leaves a refused request to its HTTP line', () => {
    // Act
    const line = shortLineOf(
      recordFactory({ level: 'WARN', message: 'Request rejected', status: 401, reason: 'signature mismatch' }),
    );

    // Assess
    expect(line).toBeUndefined();
  });
});

describe('consoleNeeds', () => {
  it('asks for warnings and the records of console lines, not other informational records', () => {
    expect(consoleNeeds('Mention classified', false)).toBe(false);
    expect(consoleNeeds('Mention classified', true)).toBe(true);
    expect(consoleNeeds(NOTIFICATION_WRITTEN, false)).toBe(true);
    expect(consoleNeeds(REPORT_WRITTEN, false)).toBe(true);
    expect(consoleNeeds('Webhook received', false)).toBe(true);
    expect(consoleNeeds('Request rejected', false)).toBe(true);
  });

  it('as the filter of a log sink, drops the unprinted records it does not need and keeps the rest', () => {
    const level = logger.getLevelName();
    logger.setLogLevel('ERROR');
    try {
      const seen: { message: string; printed: boolean }[] = [];
      withLogSink(
        (json, printed) => seen.push({ message: (JSON.parse(json) as { message: string }).message, printed }),
        () => {
          logger.info('Mention classified');
          logger.info(NOTIFICATION_WRITTEN, { department: 'support' });
          logger.warn('Slow');
          logger.error('Broken');
        },
        consoleNeeds,
      );
      expect(seen).toEqual([
        { message: NOTIFICATION_WRITTEN, printed: false },
        { message: 'Slow', printed: false },
        { message: 'Broken', printed: true },
      ]);
    } finally {
      logger.setLogLevel(level);
    }
  });
});

describe('httpNoteOf', () => {
  it('counts the mentions of a webhook, and what was ignored or deleted when there was any', () => {
    // Act
    const notes = [
      httpNoteOf([recordFactory({ message: 'Webhook received', status: 200, enqueued: 3 })]),
      httpNoteOf([
        recordFactory({
          message: 'Webhook received',
          status: 200,
          enqueued: 1,
          DeletionsEnqueued: 2,
          EventsIgnored: 4,
        }),
      ]),
    ];

    // Assess
    expect(notes).toEqual(['3 mentions', '1 mention, 4 ignored, 2 deletions']);
  });

  it('gives the reason of a refused request', () => {
    // Act
    const note = httpNoteOf([
      recordFactory({ level: 'WARN', message: 'Request rejected', status: 401, reason: 'signature mismatch' }),
    ]);

    // Assess
    expect(note).toBe('signature mismatch');
  });

  it('adds nothing for an invocation without such a record', () => {
    // Act
    const note = httpNoteOf([recordFactory()]);

    // Assess
    expect(note).toBeUndefined();
  });
});

describe('caseLineOf', () => {
  const nameOf = peopleNamesOf(demoConfig());

  it('names the change of state and the assignee by name', () => {
    // Act
    const line = caseLineOf(
      caseEventFactory('Case Assigned', { assignee: 'ole.hansen@radwerk-hansen.example' }),
      nameOf,
    );

    // Assess
    expect(line).toBe('case c_123 service: new -> assigned (Ole Hansen)');
  });

  it('says why nobody was assigned when a case stays in the team queue', () => {
    // Act
    const line = caseLineOf(
      caseEventFactory('Case Assigned', {
        from: 'new',
        to: 'new',
        detail: { reason: "team queue: outside the department's business hours, nobody is on duty" },
      }),
      nameOf,
    );

    // Assess
    expect(line).toBe("case c_123 service: team queue: outside the department's business hours, nobody is on duty");
  });

  it('names a change that keeps the state by its event', () => {
    // Act
    const line = caseLineOf(
      caseEventFactory('Case SLA Warning', { action: 'warn-sla', from: 'assigned', to: 'assigned' }),
      nameOf,
    );

    // Assess
    expect(line).toBe('case c_123 service: sla warning');
  });

  it('tells a routed mention on its primary department only', () => {
    // Arrange
    const routed = (role: string) => ({
      'detail-type': 'Mention Routed',
      detail: {
        caseId: 'c_123',
        department: 'service',
        role,
        mentionId: 'facebook:1',
        category: 'complaint',
        priority: 'high',
      },
    });

    // Act
    const lines = [caseLineOf(routed('primary'), nameOf), caseLineOf(routed('cc'), nameOf)];

    // Assess
    expect(lines).toEqual(['case c_123 service: mention facebook:1 (complaint, high)', undefined]);
  });

  it('returns undefined for an event without a case', () => {
    // Act
    const line = caseLineOf({ 'detail-type': 'Report Ready', detail: { department: 'press' } }, nameOf);

    // Assess
    expect(line).toBeUndefined();
  });
});

describe('StatusLine', () => {
  /** A source whose numbers the test sets. */
  function sourceFactory() {
    const state = { queued: 0, inFlight: 0, done: 0, failed: 0 };
    const source: StatusSource = {
      queued: async () => state.queued,
      inFlight: () => state.inFlight,
      processed: () => ({ done: state.done, failed: state.failed }),
    };
    return { state, source };
  }

  it('prints queued, in flight, done and failed while work is pending', async () => {
    // Arrange
    const { state, source } = sourceFactory();
    Object.assign(state, { queued: 12, inFlight: 3, done: 240, failed: 1 });

    // Act
    const line = await new StatusLine(source).next();

    // Assess
    expect(line).toBe('queued 12 · in flight 3 · done 240 · failed 1');
  });

  it('prints nothing while idle', async () => {
    // Arrange
    const { source } = sourceFactory();

    // Act
    const line = await new StatusLine(source).next();

    // Assess
    expect(line).toBeUndefined();
  });

  it('prints the counts once after a burst has finished, then nothing until work comes again', async () => {
    // Arrange
    const { state, source } = sourceFactory();
    const status = new StatusLine(source);
    Object.assign(state, { queued: 5, inFlight: 1, done: 2 });
    await status.next();
    Object.assign(state, { queued: 0, inFlight: 0, done: 7, failed: 0 });

    // Act
    const lines = [await status.next(), await status.next()];

    // Assess
    expect(lines).toEqual(['queued 0 · in flight 0 · done 7 · failed 0', undefined]);
  });

  it('prints one line per mention of a Mentions Routed batch', () => {
    // Arrange
    const mention = (id: string) => ({
      caseId: `c_${id}`,
      department: 'service',
      role: 'primary',
      mentionId: `facebook:${id}`,
      category: 'question',
      priority: 'normal',
    });
    const batch = {
      'detail-type': 'Mentions Routed',
      detail: { companyId: 'demo', department: 'service', role: 'primary', mentions: [mention('1'), mention('2')] },
    };

    // Act
    const lines = caseLinesOf(batch, peopleNamesOf(demoConfig()));

    // Assess
    expect(lines).toEqual([
      'case c_1 service: mention facebook:1 (question, normal)',
      'case c_2 service: mention facebook:2 (question, normal)',
    ]);
  });
});
