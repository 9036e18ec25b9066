import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendCommand, sendHint } from '../../bin/commands/send.ts';
import { UsageError } from '../../bin/commands/shared.ts';
import { adminEnv } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/index.ts';
import { platformRegistry } from '../../shared/platforms/registry.ts';
import type { Case } from '../../shared/domain/case.ts';
import { demoConfig } from '../factories/config.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

/**
 * `backchannel send --text` as a user runs it against `npm start`: a persisted runtime in a
 * temporary working directory (its runtime.json and secrets.json are what the CLI reads),
 * and the CLI in a child process building, signing and posting the platform's webhook.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('backchannel send --text against the local runtime', () => {
  const config = demoConfig();
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-send-'));
  let runtime: Runtime;

  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), 'send', ...args], {
      cwd,
    });
  /** The case a mention was recorded on, read from the runtime's table. */
  const caseOf = async (mentionId: string): Promise<{ case: Case; mentions: string[] } | undefined> => {
    const client = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
    try {
      const cases = new DynamoCaseRepository(client, runtime.tableName);
      for (const department of config.departments) {
        for (const c of await cases.openCasesOf(department.id)) {
          const mentions = [...new Set((await cases.mentionsOf(c.id)).map((m) => m.mentionId))];
          if (mentions.includes(mentionId)) return { case: c, mentions };
        }
      }
      return undefined;
    } finally {
      client.destroy();
    }
  };

  beforeAll(async () => {
    // Arrange: the runtime as `npm start` runs it for the demo company, in a fresh directory
    mkdirSync(path.join(cwd, 'companies'));
    writeFileSync(path.join(cwd, 'companies/demo.yaml'), readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8'));
    runtime = await startRuntime({
      config,
      port: 0,
      dataDir: path.join(cwd, '.backchannel/demo'),
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => undefined,
    });
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("runs the command npm start suggests: a Facebook comment that becomes a case; then a reply that joins the case's thread", async () => {
    // Arrange: the hint's arguments after `send`, quotes removed
    const hint = sendHint(
      config,
      platformRegistry.adapters.filter((a) => a.isEnabled(config)).map((a) => a.id),
      runtime.url,
      true,
    );
    const hinted = [...hint.slice(hint.indexOf(' send ') + 6).matchAll(/"([^"]*)"|(\S+)/g)].map(
      (m) => m[1] ?? m[2] ?? '',
    );

    // Act: the suggested mention, then a reply in its case
    const first = await run(...hinted);
    const mentionId = /^Mention (\S+)/m.exec(first.stdout)?.[1] as string;
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    const opened = await caseOf(mentionId);
    const second = await run(
      '--reply-to',
      opened?.case.id as string,
      '--text',
      'Bei mir genauso, auch keine Antwort.',
      '--author',
      'Melanie Krüger',
    );
    const replyId = /^Mention (\S+)/m.exec(second.stdout)?.[1] as string;
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    const after = await caseOf(replyId);

    // Assess
    expect(hinted).toEqual([
      '--platform',
      'meta',
      '--text',
      'Seit drei Wochen keine Antwort vom Service',
      '--author',
      'Erika Muster',
      '--company',
      'demo',
    ]);
    expect(first.stdout).toMatch(/^HTTP 200 \{"enqueued":1,"deleted":0,"ignored":0,"revoked":0\}$/m);
    expect(mentionId).toMatch(/^facebook:\d+_\d+$/);
    expect(opened?.case).toMatchObject({ platform: 'facebook' });
    expect(second.stdout).toContain(`(in the thread of case ${opened?.case.id})`);
    expect(replyId).toMatch(/^facebook:\d+_\d+$/);
    expect(after?.case.id).toBe(opened?.case.id);
    expect(after?.mentions.sort()).toEqual([mentionId, replyId].sort());
    // Two CLI processes (tsx, 15-30 s each under load) and two idle waits (IDLE_TIMEOUT_MS each).
  }, 150_000);

  describe('refusals, in this process', () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'bc-send-stopped-'));
    const home = process.cwd();
    let stderr: string[];

    beforeAll(() => {
      // Another project directory: X switched off, and no runtime started there
      mkdirSync(path.join(other, 'companies'));
      const yaml = readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8');
      writeFileSync(path.join(other, 'companies/demo.yaml'), yaml.replace(/^( {2}x:\n {4}enabled: )true/m, '$1false'));
    });

    beforeEach(() => {
      stderr = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
    });

    afterEach(() => {
      vi.restoreAllMocks();
      process.chdir(home);
    });

    afterAll(() => rmSync(other, { recursive: true, force: true }));

    it('says which case is unknown and how to list them', async () => {
      // Arrange
      process.chdir(cwd);

      // Act
      const code = await sendCommand.run(['--reply-to', 'case_doesnotexist', '--text', 'Hallo']);

      // Assess
      expect(code).toBe(1);
      expect(stderr.join('')).toContain(
        `no case case_doesnotexist in ${runtime.tableName}: \`npm run backchannel -- cases --company demo\` lists them`,
      );
    });

    it('says that no runtime is running and how to start one', async () => {
      // Arrange
      process.chdir(other);

      // Act
      const code = await sendCommand.run(['--text', 'Hallo']);

      // Assess
      expect(code).toBe(1);
      expect(stderr.join('')).toContain(
        'no runtime is running for demo (nothing live in .backchannel/demo/): start it with `npm start -- --company demo`',
      );
    });

    it('refuses a platform that is not enabled for the company, naming the enabled ones', async () => {
      // Arrange
      process.chdir(other);

      // Act
      const act = sendCommand.run(['--platform', 'x', '--text', 'Hallo']);

      // Assess
      await expect(act).rejects.toThrow(
        new UsageError(
          '--platform x is not enabled for demo (companies/demo.yaml); enabled: meta, linkedin, youtube, tiktok, generic',
          'send',
        ),
      );
    });
  });
});
