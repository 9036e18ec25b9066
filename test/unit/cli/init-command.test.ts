import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { askMissing, type Prompt } from '../../../bin/commands/init.ts';
import { checkAnswers, initConfigYaml } from '../../../shared/config/init-config.ts';
import { parseCompanyConfigYaml } from '../../../shared/config/load.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** A terminal that gives these answers in order and records the questions and what is printed. */
function scriptedPrompt(answers: string[]): Prompt & { questions: string[]; printed: string[] } {
  const questions: string[] = [];
  const printed: string[] = [];
  return {
    questions,
    printed,
    question: async (text) => {
      questions.push(text);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`no scripted answer for "${text}"`);
      return answer;
    },
    print: (line) => printed.push(line),
  };
}

describe('askMissing (init on a terminal)', () => {
  it('asks for every missing answer and gives answers that make a valid config', async () => {
    // Arrange
    const prompt = scriptedPrompt([
      'Isar Versicherung AG',
      'Europe/Berlin',
      'DE-BY',
      'service, legal',
      'Kundenservice',
      'Ole Hansen <ole@isar.example>',
      'Ada Roth <ada@isar.example>; Ben Kurz <ben@isar.example>',
      '',
      '',
      '',
      'meta, bluesky',
      '111, 222',
      '',
      'isar.bsky.social',
      '',
    ]);

    // Act
    const answers = await askMissing({}, prompt);

    // Assess
    const config = parseCompanyConfigYaml(initConfigYaml('isar', checkAnswers(answers)), 'companies/isar.yaml');
    expect(config.departments.map((d) => [d.id, d.name, d.members?.length ?? 0])).toEqual([
      ['service', 'Kundenservice', 2],
      ['legal', 'Legal & Compliance', 0],
    ]);
    expect(config.platforms.meta?.pageIds).toEqual(['111', '222']);
    expect(config.platforms.bluesky?.handle).toBe('isar.bsky.social');
    expect(config.calendar?.holidays?.region).toBe('DE-BY');
  });

  it('asks again after a wrong answer and says why', async () => {
    // Arrange: a made-up timezone first, then a real one
    const prompt = scriptedPrompt(['Europe/Munich', 'Europe/Berlin']);

    // Act
    const answers = await askMissing(
      {
        name: 'Isar',
        region: 'DE-BY',
        departments: [{ id: 'service', leads: [], members: [] }],
        platforms: { x: { accountId: ['1'] } },
      },
      prompt,
    );

    // Assess
    expect(answers.timezone).toBe('Europe/Berlin');
    expect(prompt.questions).toHaveLength(2);
    expect(prompt.printed).toEqual([
      '  "Europe/Munich" is not an IANA timezone; use a name such as Europe/Berlin or America/New_York',
    ]);
  });

  it("offers this machine's timezone, taken on an empty answer", async () => {
    const prompt = scriptedPrompt(['']);

    const answers = await askMissing(
      {
        name: 'Isar',
        region: 'none',
        departments: [{ id: 'press', leads: [], members: [] }],
        platforms: { x: { accountId: ['1'] } },
      },
      prompt,
    );

    expect(answers.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(prompt.questions[0]).toContain(`[${Intl.DateTimeFormat().resolvedOptions().timeZone}]`);
  });
});

describe('backchannel init (spawned, stdin not a terminal)', () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-init-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), 'init', ...args], {
      cwd,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );

  it('fails with exit 2 listing the missing answers, and writes nothing', async () => {
    // Act
    const result = await run('acme', '--name', 'Acme');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('stdin is not a terminal');
    expect(result.stderr).toMatch(
      /--timezone <IANA zone[\s\S]*--region <holiday region[\s\S]*--department <id>[\s\S]*--platform <platform>/,
    );
    expect(existsSync(path.join(cwd, 'companies/acme.yaml'))).toBe(false);
  });

  it('writes the answers of --answers (options win over the file), then refuses to overwrite without --force', async () => {
    // Arrange
    const file = path.join(cwd, 'answers.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'Acme GmbH',
        timezone: 'Europe/Vienna',
        region: 'AT-9',
        departments: [{ id: 'sales', name: 'Vertrieb', leads: [{ name: 'Eva Berg', email: 'eva@acme.example' }] }],
        platforms: { x: { accountId: ['42'] } },
      }),
    );

    // Act
    const first = await run('acme', '--answers', file, '--region', 'AT-1');
    const written = readFileSync(path.join(cwd, 'companies/acme.yaml'), 'utf8');
    const second = await run('acme', '--answers', file);

    // Assess
    expect(first.code).toBe(0);
    const config = parseCompanyConfigYaml(written, 'companies/acme.yaml');
    expect(config.company).toMatchObject({ id: 'acme', name: 'Acme GmbH', timezone: 'Europe/Vienna' });
    expect(config.calendar?.holidays?.region).toBe('AT-1');
    expect(config.departments[0]?.leads).toEqual([{ name: 'Eva Berg', email: 'eva@acme.example' }]);
    expect(first.stdout).toContain('backchannel/acme/x: {"consumerSecret": "..."}');
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('companies/acme.yaml exists already; pass --force to overwrite it');
    expect(readFileSync(path.join(cwd, 'companies/acme.yaml'), 'utf8')).toBe(written);
  });
});
