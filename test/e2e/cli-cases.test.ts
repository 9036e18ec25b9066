import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb } from '../../infra/local/backends.ts';
import { createTable } from '../../infra/local/table.ts';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { Case } from '../../shared/domain/case.ts';
import { applyCaseCommand, type CaseCommand } from '../../shared/domain/case-lifecycle.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionRoutedFactory } from '../factories/mention.ts';

/**
 * `backchannel cases` and `backchannel case <id>` as a user runs them: from a project
 * directory whose runtime is stopped, so the CLI opens the persisted table itself. The
 * cases are written with the case repository and changed by the real state machine.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const EXPIRES = 4_102_444_800;
const HOUR = 3_600_000;

describe('backchannel cases and case on the persisted local table', () => {
  const config = demoConfig();
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-cases-'));
  const now = Date.now();
  const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();

  /** A press complaint from yesterday, past due and unanswered. */
  const overdue = caseFactory({
    id: 'case_overdue0000000000',
    department: 'press',
    category: 'press_inquiry',
    priority: 'high',
    openedAt: iso(-26 * HOUR),
    dueAt: iso(-2 * HOUR),
  });
  /** A press case assigned to a member, answered on the platform. */
  const answered = caseFactory({
    id: 'case_answered000000000',
    department: 'press',
    platform: 'x',
    openedAt: iso(-3 * HOUR),
    dueAt: iso(5 * HOUR),
    requireApproval: true,
    approverDepartment: 'press',
  });
  const resolved = caseFactory({
    id: 'case_resolved000000000',
    department: 'press',
    openedAt: iso(-50 * HOUR),
    dueAt: iso(-40 * HOUR),
  });
  const service = caseFactory({
    id: 'case_service0000000000',
    department: 'service',
    openedAt: iso(-HOUR),
    dueAt: iso(30 * HOUR),
  });
  /** Community: a case due soon, and one due later that waits for triage. */
  const communitySoon = caseFactory({
    id: 'case_commsoon000000000',
    department: 'community',
    openedAt: iso(-HOUR),
    dueAt: iso(2 * HOUR),
  });
  const triage = caseFactory({
    id: 'case_triage00000000000',
    department: 'community',
    openedAt: iso(-HOUR),
    dueAt: iso(20 * HOUR),
    tags: ['needs-triage'],
  });

  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), ...args], { cwd });

  beforeAll(async () => {
    // Arrange: the demo config and a stopped runtime's table with four cases
    mkdirSync(path.join(cwd, 'companies'));
    writeFileSync(path.join(cwd, 'companies/demo.yaml'), readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8'));
    const backend = await startDynamoDb({ dataDir: path.join(cwd, '.backchannel/demo/dynamodb') });
    try {
      const client = new DynamoDBClient({
        region: LOCAL_REGION,
        endpoint: backend.endpoint,
        credentials: LOCAL_CREDENTIALS,
      });
      const table = buildTopology(config).table;
      await createTable(client, table);
      const cases = new DynamoCaseRepository(
        DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
        table.name,
      );
      const change = async (c: Case, command: CaseCommand, actor: string, at: string): Promise<Case> => {
        const next = applyCaseCommand(c, command, { transitionId: `t-${c.id}-${c.version}`, actor, at }).case;
        await cases.saveTransition(next, c.version ?? 0, EXPIRES);
        return next;
      };
      for (const c of [overdue, answered, resolved, service, communitySoon, triage]) await cases.ensure(c, EXPIRES);

      await cases.recordMention(
        mentionRoutedFactory({
          caseId: overdue.id,
          mentionId: 'facebook:9_1',
          department: 'press',
          text: 'Stimmt es, dass ihr die Werkstatt in Kiel schließt? Anfrage der Kieler Nachrichten',
          createdAt: iso(-26 * HOUR),
          reasons: ['rule press-inquiries: category press_inquiry -> department press, stop'],
          classifierReasons: [
            'category press_inquiry (88%): word "anfrage", word "nachrichten"',
            'sentiment neutral (71%): word "stimmt"',
          ],
        }),
        EXPIRES,
      );
      await cases.recordMention(
        mentionRoutedFactory({
          caseId: answered.id,
          mentionId: 'x:100',
          department: 'press',
          platform: 'x',
          authorName: 'Jana Reporter',
          text: 'Wann kommt das neue Modell?',
          createdAt: iso(-3 * HOUR),
        }),
        EXPIRES,
      );
      // The same mention routed to legal too: it counts once on the case.
      await cases.recordMention(
        mentionRoutedFactory({
          caseId: answered.id,
          mentionId: 'x:100',
          department: 'legal',
          role: 'cc',
          platform: 'x',
          text: 'Wann kommt das neue Modell?',
          createdAt: iso(-3 * HOUR),
        }),
        EXPIRES,
      );
      await cases.recordMention(
        mentionRoutedFactory({
          caseId: answered.id,
          mentionId: 'x:101',
          department: 'press',
          platform: 'x',
          text: 'Und der Preis?',
          createdAt: iso(-2 * HOUR),
        }),
        EXPIRES,
      );

      let a = await change(
        answered,
        { type: 'assign', assignee: 'jana@demo.example', reason: 'round-robin: on duty' },
        'system:handle-department',
        iso(-3 * HOUR + 60_000),
      );
      a = await change(
        a,
        { type: 'respond', via: 'platform', at: iso(-2 * HOUR), mentionId: 'x:102', businessMinutes: 60 },
        'platform:x:102',
        iso(-2 * HOUR),
      );
      let r = await change(
        resolved,
        { type: 'assign', assignee: 'ole@demo.example', reason: 'round-robin: on duty' },
        'system:handle-department',
        iso(-49 * HOUR),
      );
      r = await change(r, { type: 'resolve', note: 'done' }, 'user:ole@demo.example', iso(-45 * HOUR));
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("lists a department's open cases earliest due first, with assignee, SLA mark, mentions and the first mention", async () => {
    // Act
    const { stdout } = await run('cases', '--department', 'press', '--state', 'open');

    // Assess
    const rows = stdout.split('\n').filter((line) => line.startsWith('press '));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      /^press\s+case_overdue0000000000\s+new\s+high\s+press_inquiry\s+-\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+overdue\s+facebook\s+1\s+Stimmt es, dass ihr die Werkstatt/,
    );
    expect(rows[1]).toMatch(
      /^press\s+case_answered000000000\s+responded\s+normal\s+complaint\s+jana@demo\.example\s+\S+ \S+\s+-\s+x\s+2\s+Wann kommt das neue Modell\?$/,
    );
    expect(stdout).toContain('2 open cases of press (times in Europe/Berlin)');
  });

  it('lists every department without --department, and resolved cases with --state resolved', async () => {
    // Act
    const open = await run('cases');
    const closed = await run('cases', '--department', 'press', '--state', 'resolved');

    // Assess
    expect(open.stdout).toMatch(/^service\s+case_service0000000000\s+new/m);
    expect(open.stdout).toContain('case_overdue0000000000');
    expect(closed.stdout).toMatch(
      /^press\s+case_resolved000000000\s+resolved\s+normal\s+complaint\s+ole@demo\.example/m,
    );
    expect(closed.stdout).not.toContain('case_overdue');
  });

  it('lists only the cases due before the given time', async () => {
    // Act
    const { stdout } = await run('cases', '--department', 'press', '--due-before', '0m');

    // Assess
    expect(stdout).toContain('case_overdue0000000000');
    expect(stdout).not.toContain('case_answered000000000');
  });

  it('shows a case with its fields, its mentions oldest first and its history', async () => {
    // Act
    const { stdout } = await run('case', answered.id);

    // Assess
    expect(stdout).toContain(`Case ${answered.id} (times in Europe/Berlin)`);
    expect(stdout).toMatch(/state\s+responded/);
    expect(stdout).toMatch(/assignee\s+jana@demo\.example \(round-robin: on duty\)/);
    expect(stdout).toMatch(/first response\s+\S+ \S+ after 1 h 00 min, 1 h 00 min in business hours/);
    expect(stdout).toMatch(/approval\s+required from press/);
    expect(stdout).toContain('Mentions (2)');
    expect(stdout.indexOf('Jana Reporter')).toBeLessThan(stdout.indexOf('Und der Preis?'));
    expect(stdout).toContain('History (2)');
    expect(stdout).toMatch(
      /system:handle-department\s+assign\s+new -> assigned\s+assignee: jana@demo\.example, reason: round-robin: on duty/,
    );
    expect(stdout).toMatch(/platform:x:102\s+respond\s+assigned -> responded\s+via: platform, mentionId: x:102/);
  });

  it("shows why each mention is on the case: the classifier's words and the routing rules", async () => {
    // Act
    const { stdout } = await run('case', overdue.id);

    // Assess
    expect(stdout).toContain(
      [
        'Why',
        '  facebook:9_1',
        '    classifier  category press_inquiry (88%): word "anfrage", word "nachrichten"',
        '    classifier  sentiment neutral (71%): word "stimmt"',
        '    routing     rule press-inquiries: category press_inquiry -> department press, stop',
      ].join('\n'),
    );
  });

  it('lists the cases waiting for triage first in their department', async () => {
    // Act
    const { stdout } = await run('cases', '--department', 'community');

    // Assess
    const rows = stdout.split('\n').filter((line) => line.startsWith('community '));
    expect(rows.map((row) => row.split(/\s+/)[1])).toEqual([triage.id, communitySoon.id]);
    expect(rows[0]).toMatch(/^community\s+case_triage00000000000\s+new \(triage\)\s+normal/);
  });

  it('shows the resolution of a resolved case', async () => {
    // Act
    const { stdout } = await run('case', resolved.id);

    // Assess
    expect(stdout).toMatch(/resolved\s+\S+ \S+ after 5 h 00 min/);
    expect(stdout).toMatch(/user:ole@demo\.example\s+resolve\s+assigned -> resolved\s+note: done/);
  });

  it('says so and exits 1 for a case that does not exist', async () => {
    const act = run('case', 'case_nope');

    await expect(act).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('No case case_nope in bc-demo-data'),
    });
  });

  it('exits 2 with a message for an unknown state', async () => {
    const act = run('cases', '--department', 'press', '--state', 'closed');

    await expect(act).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--state takes open, new, assigned, waiting, responded, resolved'),
    });
  });

  it('exits 2 with a message for an unknown department', async () => {
    const act = run('cases', '--department', 'marketing');

    await expect(act).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--department marketing is not a department of demo'),
    });
  });

  it('exits 2 with a message when the case id is missing', async () => {
    const act = run('case');

    await expect(act).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('give the case id') });
  });
});
