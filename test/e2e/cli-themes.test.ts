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
import { DynamoRateStore, DynamoThemeRepository } from '../../shared/adapters/dynamodb/index.ts';
import { recordRoutedInsight } from '../../functions/record-insights/handler.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionRoutedFactory } from '../factories/mention.ts';

/**
 * `backchannel themes`, `theme`, `ideas` and `projects` as a user runs them: from a project
 * directory whose runtime is stopped, so the CLI opens the persisted table itself. The
 * themes are grouped with the record-insights use case.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const DAY = 86_400_000;

describe('backchannel themes, theme, ideas and projects on the persisted local table', () => {
  const config = demoConfig();
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-themes-'));
  // Noon UTC of past days: the same calendar day in UTC and in the company's zone
  // (Europe/Berlin), so a run between 23:00 and 24:00 UTC counts the same days as any other.
  const noonToday = new Date();
  noonToday.setUTCHours(12, 0, 0, 0);
  const daysAgo = (n: number) => new Date(noonToday.getTime() - n * DAY).toISOString();
  const fixDate = daysAgo(3).slice(0, 10);
  let repairTheme = '';

  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), ...args], { cwd });
  const fails = async (...args: string[]) => {
    try {
      await run(...args);
    } catch (error) {
      const e = error as { code: number; stderr: string };
      return { code: e.code, stderr: e.stderr };
    }
    throw new Error(`backchannel ${args.join(' ')} succeeded`);
  };

  beforeAll(async () => {
    // Arrange: a stopped runtime's table with a repair complaint theme (3 mentions before the fix, 1 after), an idea and a project
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
      const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
      const themes = new DynamoThemeRepository(documents, table.name);
      const rates = new DynamoRateStore(documents, table.name);
      const deps = {
        themes,
        rates,
        clock: { now: () => new Date() },
        timezone: config.company.timezone,
        retentionDays: 365,
      };
      const mentions = [
        mentionRoutedFactory({
          mentionId: 'facebook:r1',
          authorId: 'a1',
          text: 'Die Reparatur in der Werkstatt dauert schon Wochen',
          createdAt: daysAgo(6),
        }),
        mentionRoutedFactory({
          mentionId: 'facebook:r2',
          authorId: 'a2',
          text: 'Reparatur dauert Wochen, Werkstatt meldet sich nicht',
          createdAt: daysAgo(5),
        }),
        mentionRoutedFactory({
          mentionId: 'facebook:r3',
          authorId: 'a3',
          text: 'Seit Wochen in der Werkstatt, Reparatur nicht fertig',
          createdAt: daysAgo(4),
        }),
        mentionRoutedFactory({
          mentionId: 'facebook:r4',
          authorId: 'a4',
          text: 'Reparatur in der Werkstatt dauert Wochen',
          createdAt: daysAgo(1),
        }),
        mentionRoutedFactory({
          mentionId: 'x:i1',
          platform: 'x',
          department: 'product',
          category: 'product_idea',
          sentiment: 'positive',
          text: 'Bitte einen Kindersitz für das Lastenrad anbieten',
          createdAt: daysAgo(2),
        }),
        mentionRoutedFactory({
          mentionId: 'x:p1',
          platform: 'x',
          department: 'community',
          category: 'community_project',
          sentiment: 'positive',
          text: 'Unterstützt doch den TSV Grünwald in Harburg mit Rädern',
          createdAt: daysAgo(2),
        }),
      ];
      // As record-insights does: the theme, then the mention's claim and count in its hour's rates.
      for (const m of mentions) repairTheme = (await recordRoutedInsight(m, deps)).themeId ?? repairTheme;
      repairTheme = (await themes.assignmentOf('facebook:r1', mentions[0]?.createdAt as string)) as string;
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('lists the complaint themes with mentions, process and owner', async () => {
    const { stdout } = await run('themes');

    expect(stdout).toContain('1 complaint themes');
    expect(stdout).toMatch(new RegExp(`${repairTheme}.*Reparatur.*\\b4\\b.*new.*repairs.*Kai Lüders.*service`));
  });

  it('marks a theme as a defect and shows its rate before and after the fix', async () => {
    const { stdout } = await run(
      'theme',
      repairTheme,
      '--defect',
      '--owner',
      'Kai Lüders',
      '--fix-date',
      fixDate,
      '--note',
      'Ersatzteillager',
    );

    expect(stdout).toContain(`Marked ${repairTheme} as a known defect: owner Kai Lüders, fix date ${fixDate}`);
    expect(stdout).toContain('fix effect   1/day in 3 days before, 0.333/day in 3 days after (-67 %)');
    const { stdout: listed } = await run('themes');
    expect(listed).toContain(`fix ${fixDate} (Kai Lüders)`);
  });

  it('exports ideas as CSV to a file and projects as JSON with organisation and place', async () => {
    const out = path.join(cwd, 'ideas.csv');

    await run('ideas', '--format', 'csv', '--out', out);
    const { stdout } = await run('projects', '--format', 'json');

    expect(readFileSync(out, 'utf8')).toMatch(
      /^rank,id,label,score,mentions,authors,reactions,previous,trend,departments,example\r\n1,th_idea_de_/,
    );
    expect(JSON.parse(stdout).communityProjects[0]).toMatchObject({
      organisation: 'TSV Grünwald',
      place: 'Harburg',
      support: { mentions: 1, authors: 1 },
    });
  });

  it.each([
    [['themes', '--kind', 'praise'], '--kind takes complaint, idea, project'],
    [['themes', '--department', 'hr'], '--department hr is not a department of demo'],
    [['theme', 'th_nope'], 'is not a theme id'],
    [
      ['theme', 'th_complaint_de_000000000000', '--defect', '--owner', 'Kai'],
      '--defect needs --owner <name> and --fix-date',
    ],
    [['theme', 'th_complaint_de_000000000000', '--owner', 'Kai'], '--owner, --fix-date and --note go with --defect'],
    [
      ['theme', 'th_complaint_de_000000000000', '--defect', '--owner', 'Kai', '--fix-date', '2026-13-01'],
      '--fix-date takes a day YYYY-MM-DD',
    ],
    [['ideas', '--format', 'xml'], '--format takes text, csv or json'],
    [['projects', '--since', 'yesterday'], '--since takes a day YYYY-MM-DD'],
    [['theme-format'], '--down is required (close the open days)'],
    [['case-format', '--dry-run'], '--down is required (to an older format)'],
    [['case-format', '--down', '--to', '3'], '--to must be one of 1, 2'],
    [['theme-format', '--down', '--to', '1'], '--to is not an option of this command'],
    [['settlement-format', '--dry-run'], '--down is required (lift the fence)'],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const result = await fails(...args);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('counts the themes a rollback past w19 would close, and writes nothing on a dry run', async () => {
    const { stdout } = await run('theme-format', '--down', '--dry-run');
    const again = await run('theme-format', '--down', '--dry-run');

    // Three themes (the repairs, the idea, the project), each written by this release with its open day.
    expect(stdout).toBe('3 themes written since w19 in bc-demo-data (dry run: nothing written).\n');
    expect(again.stdout).toBe(stdout);
  });

  it('counts the records a rollback past w22 would settle or free, and writes nothing on a dry run', async () => {
    const { stdout } = await run('settlement-format', '--down', '--dry-run');
    const again = await run('settlement-format', '--down', '--dry-run');

    expect(stdout).toMatch(/^\d+ records claimed since w22 in bc-demo-data \(dry run: nothing written\)\.\n$/);
    expect(again.stdout).toBe(stdout);
  });

  it('counts the cases a rollback past a case format would write, by the format asked for (none here: a table of themes)', async () => {
    const toFormat2 = await run('case-format', '--down', '--to', '2', '--dry-run');
    const toFormat1 = await run('case-format', '--down', '--dry-run');

    expect(toFormat2.stdout).toBe('0 cases of format 3 in bc-demo-data (dry run: nothing written).\n');
    expect(toFormat1.stdout).toBe('0 cases of format 2 or 3 in bc-demo-data (dry run: nothing written).\n');
  });

  it('exits 1 for a theme that is not in the table', async () => {
    const result = await fails('theme', 'th_complaint_de_000000000000');

    expect(result).toEqual({
      code: 1,
      stderr: expect.stringContaining('No theme th_complaint_de_000000000000 in bc-demo-data'),
    });
  });
});
