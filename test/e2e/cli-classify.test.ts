import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `backchannel classify` as a user runs it: the CLI in its own process, texts on stdin or in
 * a file, the demo company's classifier, JSON lines on stdout and skipped lines on stderr.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function run(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), 'classify', ...args],
      { cwd: ROOT },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('backchannel classify', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bc-classify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('classifies JSON Lines from stdin, one output line per text, and skips a bad line with its number (exit 1)', async () => {
    // Arrange
    const input = [
      '{"id": "a", "text": "Mein Fahrrad ist kaputt und niemand antwortet auf meine Reklamation."}',
      '{"text": ',
      '{"id": "b", "text": "Do you offer volume pricing for 500 units?", "platform": "x"}',
      '',
    ].join('\n');

    // Act
    const { code, stdout, stderr } = await run([], input);

    // Assess
    expect(code).toBe(1);
    const out = lines(stdout);
    expect(out.map((o) => [o.line, o.id])).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
    expect(out[0]).toMatchObject({
      language: 'de',
      relevant: expect.any(Boolean),
      sentiment: expect.any(String),
      category: expect.any(String),
      urgency: expect.any(Number),
      confidence: expect.any(Number),
      model: expect.stringMatching(/^ngram-de@/),
    });
    expect(out[1]).toMatchObject({ language: 'en', category: 'sales_lead' });
    expect((out[1]!.reasons as string[])[0]).toMatch(/^category sales_lead \(\d+%\): word "pricing"/);
    expect(stderr).toContain('line 2: skipped: not JSON');
    expect(stderr).toContain('classified 2 text(s), skipped 1 line(s)');
  });

  it('reads a CSV file with quoted commas, quotes and line breaks, and exits 0 when every line was read', async () => {
    // Arrange
    const file = path.join(dir, 'texts.csv');
    writeFileSync(
      file,
      'id,text\n1,"Danke, das war ""super"" schnell!"\n2,"Die Rechnung ist falsch.\nBitte korrigieren."\n3,Wann öffnet ihr am Samstag?\n',
    );

    // Act
    const { code, stdout, stderr } = await run(['--input', file]);

    // Assess
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(lines(stdout).map((o) => [o.line, o.id, o.language])).toEqual([
      [2, '1', 'de'],
      [3, '2', 'de'],
      [5, '3', 'de'],
    ]);
  });

  it('exits 2 with a message for a CSV without a text column, a missing file and an unknown format', async () => {
    // Arrange
    const file = path.join(dir, 'wrong.csv');
    writeFileSync(file, 'id,message\n1,hallo\n');

    // Act
    const [noColumn, missing, format] = await Promise.all([
      run(['--input', file]),
      run(['--input', path.join(dir, 'nope.jsonl')]),
      run(['--format', 'xml']),
    ]);

    // Assess
    expect(noColumn).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringContaining('has no "text" column; its columns: id, message'),
    });
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('nope.jsonl: no such file') });
    expect(format).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--format takes jsonl or csv, got "xml"'),
    });
  });
});
