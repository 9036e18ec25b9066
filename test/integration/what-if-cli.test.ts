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
import { DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { routingPolicyOf } from '../../shared/config/schema.ts';
import type { Classification } from '../../shared/domain/classification.ts';
import { routeMention } from '../../shared/domain/route-mention.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';

/**
 * `backchannel whatif` as a user runs it: from a project directory whose runtime is not
 * running, so the CLI opens the persisted local table (.backchannel/demo/dynamodb) itself.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('backchannel whatif on the persisted local table', () => {
  const config = demoConfig();
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bc-whatif-'));

  beforeAll(async () => {
    // Arrange: the project's demo config, and a stopped runtime's table with two mentions
    mkdirSync(path.join(cwd, 'companies'));
    const demoYaml = readFileSync(path.join(ROOT, 'companies/demo.yaml'), 'utf8');
    writeFileSync(path.join(cwd, 'companies/demo.yaml'), demoYaml);
    writeFileSync(
      path.join(cwd, 'new.yaml'),
      demoYaml.replace(
        '  rules:\n',
        '  rules:\n    - id: praise-to-community\n      when: { category: praise }\n      then: { department: community }\n',
      ),
    );
    const backend = await startDynamoDb({ dataDir: path.join(cwd, '.backchannel/demo/dynamodb') });
    try {
      const client = new DynamoDBClient({
        region: LOCAL_REGION,
        endpoint: backend.endpoint,
        credentials: LOCAL_CREDENTIALS,
      });
      const table = buildTopology(config).table;
      await createTable(client, table);
      const mentions = new DynamoMentionRepository(DynamoDBDocumentClient.from(client), table.name);
      const recent = new Date(Date.now() - 86_400_000).toISOString();
      for (const [externalId, category, text] of [
        ['p1', 'praise', 'Danke an das Team der Werkstatt, super!'],
        ['q1', 'question', 'Habt ihr morgen offen?'],
      ] as const) {
        const mention = mentionFactory({ externalId, text, createdAt: recent });
        const classification: Classification = {
          language: 'de',
          relevant: true,
          sentiment: 'neutral',
          category,
          urgency: 0.1,
          confidence: 0.8,
          reasons: [],
          model: 'test',
        };
        await mentions.putIfAbsent(
          {
            mention,
            classification,
            routing: routeMention(classification, routingPolicyOf(config), mention),
            caseId: 'case_1',
          },
          4_102_444_800,
        );
      }
      client.destroy();
    } finally {
      await backend.stop();
    }
  });

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('prints the moves with counts and examples, and progress on stderr', async () => {
    // Act
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        TSX,
        path.join(ROOT, 'bin/backchannel.ts'),
        'whatif',
        '--company',
        'demo',
        '--rules',
        'new.yaml',
        '--since',
        '7d',
      ],
      { cwd },
    );

    // Assess
    expect(stdout).toContain('2 mentions replayed: 1 would move, 1 stay');
    expect(stdout).toMatch(/service\s+community\s+1/);
    expect(stdout).toContain('service -> community (1), for example:');
    expect(stdout).toContain(
      'rule praise-to-community: category praise is one of praise -> department community, stop',
    );
    expect(stderr).toMatch(/page 1: \d+ items read, 2 mentions replayed/);
  });

  it('refuses a rules file of another company with a usage error', async () => {
    const act = promisify(execFile)(
      process.execPath,
      ['--import', TSX, path.join(ROOT, 'bin/backchannel.ts'), 'whatif', '--company', 'acme', '--rules', 'new.yaml'],
      { cwd },
    );

    await expect(act).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('new.yaml is the config of company "demo", not "acme"'),
    });
  });
});
