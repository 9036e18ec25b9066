import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { eventOfCaseMention, isDeflatedCaseMention } from '../../shared/adapters/dynamodb/case-mention-record.ts';
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
import { DynamoCaseRepository, DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import type { Routing } from '../../shared/domain/route-mention.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory, mentionRoutedFactory } from '../factories/mention.ts';
import { classificationFactory } from '../factories/classification.ts';

/**
 * `backchannel erase` as an admin runs it on a laptop: the runtime is stopped, so the CLI
 * opens the persisted table of .backchannel/demo/ itself, and cleans the outbox beside it.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const EXPIRES = 4_102_444_800;
const AUTHOR = { id: '6660001', name: 'Mara Mustermensch', handle: '@maramm' };

describe('backchannel erase on the persisted local table', () => {
  const config = demoConfig();
  const table = buildTopology(config).table;
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-erase-'));
  const dynamoDir = path.join(cwd, '.backchannel/demo/dynamodb');
  const outbox = path.join(cwd, '.backchannel/demo/outbox/service.jsonl');
  const mention = mentionFactory({
    externalId: '711_1',
    threadId: '104729381726354_711',
    author: AUTHOR,
    text: 'Mein Stadtflitzer Zwirbelrad ist kaputt',
  });
  const kase = caseFactory({
    id: 'case_erasecli000000000',
    threadId: mention.threadId,
    firstMentionId: mention.id,
    authorId: AUTHOR.id,
  });

  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), ...args], { cwd });

  /** Every item of the stopped runtime's table. */
  async function items(): Promise<Record<string, unknown>[]> {
    const backend = await startDynamoDb({ dataDir: dynamoDir });
    try {
      const client = new DynamoDBClient({
        region: LOCAL_REGION,
        endpoint: backend.endpoint,
        credentials: LOCAL_CREDENTIALS,
      });
      const { Items = [] } = await DynamoDBDocumentClient.from(client).send(new ScanCommand({ TableName: table.name }));
      client.destroy();
      // A case-mention record's deflated event inflated beside it, so the search for traces sees it.
      return Items.map((item) => (isDeflatedCaseMention(item) ? { ...item, event: eventOfCaseMention(item) } : item));
    } finally {
      await backend.stop();
    }
  }

  beforeAll(async () => {
    // Arrange: the demo config, a stopped runtime's table with the author's mention and case, and an outbox line about it
    mkdirSync(path.join(cwd, 'companies'));
    writeFileSync(path.join(cwd, 'companies/demo.yaml'), readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8'));
    mkdirSync(path.dirname(outbox), { recursive: true });
    writeFileSync(
      outbox,
      `${JSON.stringify({ notification: { id: `mention:${mention.id}`, mention: { id: mention.id, authorId: AUTHOR.id, authorName: AUTHOR.name } } })}\n${JSON.stringify({ notification: { id: 'mention:facebook:other' } })}\n`,
    );
    const backend = await startDynamoDb({ dataDir: dynamoDir });
    try {
      const client = new DynamoDBClient({
        region: LOCAL_REGION,
        endpoint: backend.endpoint,
        credentials: LOCAL_CREDENTIALS,
      });
      await createTable(client, table);
      const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
      const classification = classificationFactory({
        reasons: [{ decision: 'category', feature: 'w:zwirbelrad', weight: 1.2 }],
      });
      const routing: Routing = {
        department: 'service',
        cc: [],
        priority: 'normal',
        reasons: ['category complaint is owned by service'],
      };
      await new DynamoMentionRepository(documents, table.name).putIfAbsent(
        { mention, classification, routing, caseId: kase.id },
        EXPIRES,
      );
      const cases = new DynamoCaseRepository(documents, table.name);
      await cases.ensure(kase, EXPIRES);
      await cases.recordMention(
        mentionRoutedFactory({
          caseId: kase.id,
          mentionId: mention.id,
          authorId: AUTHOR.id,
          authorName: AUTHOR.name,
          text: mention.text,
          createdAt: mention.createdAt,
        }),
        EXPIRES,
      );
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('shows on a dry run what it would erase, changing nothing but its own request record', async () => {
    // Arrange
    const before = await items();

    // Act
    const { stdout } = await run('erase', '--author', `facebook:${AUTHOR.id}`, '--dry-run');

    // Assess
    expect(stdout).toContain(`facebook:${AUTHOR.id} in bc-demo-data: would erase`);
    expect(stdout).toMatch(/mentions\s+1\n/);
    expect(stdout).toMatch(/outbox lines\s+1\n/);
    const after = await items();
    expect(after.filter((i) => i.type !== 'erasure-request')).toEqual(before);
    expect(after.filter((i) => i.type === 'erasure-request')).toEqual([
      expect.objectContaining({ status: 'done', dryRun: true, actor: expect.stringMatching(/^cli:/) }),
    ]);
  });

  it("erases the author's mention, records and outbox line, pseudonymizes the case and prints the counts", async () => {
    // Act
    const { stdout } = await run('erase', '--author', `facebook:${AUTHOR.id}`);

    // Assess
    expect(stdout).toMatch(/: erased\n\s+mentions\s+1\n\s+case mention records\s+1\n/);
    expect(stdout).toMatch(/cases pseudonymized\s+1\n/);
    expect(stdout).toMatch(/audit erasure_\S+ \(author as sha256:[0-9a-f]{64}\)/);
    const text = JSON.stringify(await items());
    for (const trace of [AUTHOR.id, 'Mustermensch', 'maramm', 'Zwirbelrad', 'zwirbelrad'])
      expect(text).not.toContain(trace);
    expect(readFileSync(outbox, 'utf8')).toBe(
      `${JSON.stringify({ notification: { id: 'mention:facebook:other' } })}\n`,
    );
  });

  it('says so when there is nothing left of the author', async () => {
    // Act
    const { stdout } = await run('erase', '--author', `facebook:${AUTHOR.id}`);

    // Assess
    expect(stdout).toMatch(
      /^Nothing of facebook:6660001 in bc-demo-data \(already erased, or never stored\); audit erasure_/,
    );
  });

  it('refuses an author without a platform with a usage error (exit 2)', async () => {
    // Act
    const failure = await run('erase', '--author', AUTHOR.id).catch((error: { code: number; stderr: string }) => error);

    // Assess
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('use <platform>:<authorId>') });
  });
});
