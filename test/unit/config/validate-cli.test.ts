import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = (args: string[]) =>
  promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bin/backchannel.ts'), 'validate', ...args],
    { cwd: ROOT },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

describe('backchannel validate', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bc-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 for valid configs and says what it found, with each department's SLAs in business days and hours", async () => {
    const result = await run(['companies/demo.yaml', 'companies/manufacturer.yaml']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('companies/demo.yaml: valid (company demo, 6 departments');
    expect(result.stdout).toContain('companies/manufacturer.yaml: valid (company manufacturer');
    expect(result.stdout).toContain(
      '\n  product: first response within 1 business day (high), 3 business days (normal), 5 business days (low); hours mon-fri 08:00-17:00; holidays DE-HH + 2 own days\n',
    );
  });

  it('exits 2 and prints every problem as file:line:column: path: message', async () => {
    // Arrange
    const file = path.join(dir, 'broken.yaml');
    const text = readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8')
      .replace('timezone: Europe/Berlin', 'timezone: Europe/Hamborg')
      .replace(
        'then: { department: sales, tags: [b2b], sla: 4h }',
        'then: { department: vertrieb, tags: [b2b], sla: 4h }',
      );
    writeFileSync(file, text);
    const lines = text.split('\n');
    const tzLine = lines.findIndex((l) => l.includes('Europe/Hamborg')) + 1;
    const deptLine = lines.findIndex((l) => l.includes('department: vertrieb')) + 1;

    // Act
    const result = await run([file]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:${tzLine}:13: company.timezone: not an IANA timezone`);
    expect(result.stderr).toContain(
      `${file}:${deptLine}:${(lines[deptLine - 1]?.indexOf('vertrieb') ?? 0) + 1}: routing.rules.7.then.department: unknown department "vertrieb"; use one of:`,
    );
    expect(result.stdout).toBe('');
  });

  it('exits 2 for a file that does not exist', async () => {
    const result = await run([path.join(dir, 'missing.yaml')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing.yaml:1:1: cannot read the config');
  });
});
