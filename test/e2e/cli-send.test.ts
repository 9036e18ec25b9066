import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEnv } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { Case } from '../../shared/domain/case.ts';
import { demoConfig } from '../factories/config.ts';

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

  const run = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), 'send', ...args], { cwd });
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
    runtime = await startRuntime({ config, port: 0, dataDir: path.join(cwd, '.backchannel/demo'), visibilityTimeoutSeconds: 1, startScheduler: false, log: () => undefined });
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('posts an X mention that becomes a case, and a reply to that case that joins its thread', async () => {
    // Act: a new mention, then a reply in its case
    const first = await run('--platform', 'x', '--text', 'Seit drei Wochen warte ich auf den Rückruf wegen meines kaputten Akkus. Echt enttäuschend!', '--author', '@kiel_radlerin');
    const mentionId = /^Mention (\S+)/m.exec(first.stdout)?.[1] as string;
    await runtime.waitForIdle(30_000);
    const opened = await caseOf(mentionId);
    const second = await run('--reply-to', opened?.case.id as string, '--text', 'Bei mir genauso, auch keine Antwort.', '--author', 'Melanie Krüger');
    const replyId = /^Mention (\S+)/m.exec(second.stdout)?.[1] as string;
    await runtime.waitForIdle(30_000);
    const after = await caseOf(replyId);

    // Assess
    expect(first.stdout).toMatch(/^HTTP 200 \{"enqueued":1,"deleted":0,"ignored":0,"revoked":0\}$/m);
    expect(mentionId).toMatch(/^x:\d+$/);
    expect(opened?.case).toMatchObject({ platform: 'x', state: expect.any(String) });
    expect(second.stdout).toContain(`(in the thread of case ${opened?.case.id})`);
    expect(replyId).toMatch(/^x:\d+$/);
    expect(after?.case.id).toBe(opened?.case.id);
    expect(after?.mentions.sort()).toEqual([mentionId, replyId].sort());
  }, 60_000);
});
