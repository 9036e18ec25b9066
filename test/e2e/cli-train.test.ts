import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb } from '../../infra/local/backends.ts';
import { createTable } from '../../infra/local/table.ts';
import { buildTopology } from '../../infra/topology.ts';
import {
  DynamoCaseRepository,
  DynamoCorrectionRepository,
  DynamoMentionRepository,
} from '../../shared/adapters/dynamodb/index.ts';
import type { Correction } from '../../shared/domain/corrections.ts';
import type { Routing } from '../../shared/domain/route-mention.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory, mentionRoutedFactory } from '../factories/mention.ts';
import { classificationFactory } from '../factories/classification.ts';

/**
 * `backchannel correct`, `train` and `model list|rollback` as an admin runs them on a laptop:
 * the runtime is stopped, so the CLI opens the persisted table of .backchannel/demo/ and
 * keeps the models in .backchannel/demo/models/. The corrections are 120 labelled mentions
 * of bench/data/rahmenwerk-mentions.jsonl; `--base` trains on a small slice of the corpus
 * so the test trains in seconds.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const EXPIRES = 4_102_444_800;

type Labelled = {
  id: string;
  language: string;
  text: string;
  relevant: boolean;
  sentiment: Correction['predicted']['sentiment'];
  category: Correction['predicted']['category'];
};

describe('backchannel correct, train and model on the persisted local data', () => {
  const config = demoConfig();
  const table = buildTopology(config).table;
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-train-'));
  const dynamoDir = path.join(cwd, '.backchannel/demo/dynamodb');
  const modelsDir = path.join(cwd, '.backchannel/demo/models');
  const baseDir = path.join(cwd, 'base');
  const mention = mentionFactory({
    externalId: '811_1',
    threadId: '104729381726354_811',
    text: 'Riss am Rahmen meines Stadtflitzers, bin fast gestürzt',
  });
  const kase = caseFactory({ id: 'case_traincli000000000', threadId: mention.threadId, firstMentionId: mention.id });

  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), ...args], {
      cwd,
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  async function withTable<T>(use: (documents: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
    const backend = await startDynamoDb({ dataDir: dynamoDir });
    const client = new DynamoDBClient({
      region: LOCAL_REGION,
      endpoint: backend.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      return await use(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }));
    } finally {
      client.destroy();
      await backend.stop();
    }
  }

  beforeAll(async () => {
    // Arrange: the demo config, a small base corpus, and a stopped runtime's table with a case and 120 corrections
    mkdirSync(path.join(cwd, 'companies'));
    // The small --base below reads real text far worse than the shipped models, so the guard
    // would reject it: this file is about the CLI (the guard's verdict is
    // test/integration/company-models.test.ts's), and it checks the margin comes from the config.
    const guardOff = '\nclassifier:\n  modelGuardMargin: 1\n';
    writeFileSync(
      path.join(cwd, 'companies/demo.yaml'),
      `${readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8')}${guardOff}`,
    );
    mkdirSync(baseDir);
    for (const file of ['de-a.jsonl', 'en-a.jsonl']) {
      const lines = readFileSync(path.join(ROOT, 'shared/classifier/corpus', file), 'utf8')
        .split('\n')
        .filter(Boolean);
      writeFileSync(path.join(baseDir, file), `${lines.filter((_, i) => i % 8 === 0).join('\n')}\n`);
    }
    const labelled = readFileSync(path.join(ROOT, 'bench/data/rahmenwerk-mentions.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Labelled);
    await withTable(async (documents) => {
      await createTable(documents, table);
      const classification = classificationFactory({ model: 'ngram-de@test' });
      const routing: Routing = { department: 'service', cc: [], priority: 'normal', reasons: [] };
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
          text: mention.text,
          createdAt: mention.createdAt,
        }),
        EXPIRES,
      );
      const corrections = new DynamoCorrectionRepository(documents, table.name);
      // Every 12th mention of the set: all categories, both languages.
      for (const [i, e] of labelled
        .filter((_, i) => i % 12 === 0)
        .slice(0, 120)
        .entries()) {
        await corrections.put({
          id: `correction_x:${i}`,
          caseId: kase.id,
          mentionId: `x:${i}`,
          platform: 'x',
          authorId: `a${i}`,
          text: e.text,
          language: e.language,
          labels: { category: e.category, sentiment: e.sentiment, relevant: e.relevant },
          predicted: { category: 'complaint', sentiment: 'negative', relevant: true, department: 'service' },
          by: 'user:ole@example.de',
          at: '2026-12-01T10:00:00.000Z',
          expiresAt: EXPIRES,
        });
      }
    });
  });

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('stores a correction of the case with `correct`, and refuses an unknown category with exit 2', async () => {
    // Act
    const bad = await run('correct', kase.id, '--category', 'rant');
    const good = await run('correct', kase.id, '--category', 'legal_risk');

    // Assess
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown category "rant"');
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('the classifier said complaint/negative (ngram-de@test)');
    const stored = await withTable((documents) =>
      new DynamoCorrectionRepository(documents, table.name).get(mention.id),
    );
    expect(stored).toMatchObject({
      labels: { category: 'legal_risk' },
      text: mention.text,
      by: expect.stringMatching(/^user:cli:/),
    });
  });

  it('trains, promotes the model that beats the shipped ones with both scores, and lists it as in use', async () => {
    // Act
    const trained = await run('train', '--base', baseDir);
    const listed = await run('model', 'list');

    // Assess
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(
      /: promoted \(\d+\.\d% beats shipped's \d+\.\d% on \d+ held-out corrections, and stays within 1 of it on real held-out text\)/,
    );
    const versions = readdirSync(path.join(modelsDir, 'versions'));
    expect(versions).toHaveLength(1);
    const version = JSON.parse(readFileSync(path.join(modelsDir, 'versions', versions[0]!), 'utf8'));
    expect(version).toMatchObject({
      status: 'promoted',
      scores: { currentModel: 'shipped' },
      training: { correctionWeight: 5 },
    });
    expect(version.scores.candidate.accuracy).toBeGreaterThan(version.scores.current.accuracy);
    expect(existsSync(path.join(modelsDir, 'artifacts', `${version.id}.json`))).toBe(true);
    expect(listed.stdout).toContain(`In use: ${version.id}`);
    expect(version.guard).toMatchObject({ margin: 1, candidate: [{ language: 'de', head: 'sentiment' }, {}, {}] });
    expect(listed.stdout).toMatch(/real held-out text \(margin 1\): de sentiment 0\.\d{3} vs 0\.\d{3} \(\d+\)/);
  });

  it('classifies your own texts with the promoted company model, as classify-mention would', async () => {
    // Arrange
    const input = path.join(cwd, 'texts.jsonl');
    writeFileSync(input, `${JSON.stringify({ text: 'Riss am Rahmen meines Stadtflitzers, bin fast gestürzt' })}\n`);

    // Act
    const classified = await run('classify', '--input', input);

    // Assess
    expect(classified.code).toBe(0);
    expect(classified.stderr).toMatch(/Classifying with the company model company-\S+/);
    expect(JSON.parse(classified.stdout.trim())).toMatchObject({ language: 'de' });
  });

  it('rolls back to the shipped models in one command, and refuses a second rollback with exit 1', async () => {
    // Act
    const first = await run('model', 'rollback');
    const second = await run('model', 'rollback');

    // Assess
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Rolled back from company-\S+ to shipped/);
    expect(JSON.parse(readFileSync(path.join(modelsDir, 'promotion.json'), 'utf8'))).toEqual({ previous: [] });
    expect((await run('model', 'list')).stdout).toMatch(/In use: shipped[\s\S]*rolled-back/);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('nothing to roll back');
  });
}, 180_000);
