/**
 * A department and a rule added only in the company config route a mention through the
 * real local runtime: the new department gets its queue and bus rule from the topology,
 * classify-mention routes by the rule and stores why, and both departments get the event.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEnv, postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { departmentQueueId, platformSecretName } from '../../infra/topology.ts';
import { casePolicyOf } from '../../shared/config/case-policy.ts';
import { createDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseRepository, DynamoMentionRepository } from '../../shared/adapters/dynamodb/index.ts';
import { parseCompanyConfigYaml } from '../../shared/config/load.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

const demoYaml = readFileSync(new URL('../../companies/demo.yaml', import.meta.url), 'utf8');
const config = parseCompanyConfigYaml(
  demoYaml
    .replace(
      'departments:\n',
      'departments:\n  - id: workshop\n    name: Werkstatt\n    sla: { high: 2h, normal: 1d, low: 3d }\n',
    )
    .replace(
      '  rules:\n',
      '  rules:\n    - id: workshop-feedback\n      when: { keywords: [Werkstatt, Inspektion] }\n      then: { department: workshop, cc: service, tags: [workshop], sla: 90m }\n',
    ),
  'companies/demo.yaml (with a workshop rule)',
);
/** The demo's praise for the workshop, as Meta sends it. */
const praise = readFileSync(new URL('../../companies/demo-webhooks/07-praise.json', import.meta.url));
const commentId = /"comment_id":\s*"([^"]+)"/.exec(praise.toString())?.[1] as string;

describe('routing by a rule added in the config, on the local runtime', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => {},
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it("routes the mention to the new department, copies service, and stores the rule's reasons", async () => {
    // Arrange
    const { appSecret } = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]);

    // Act
    const answer = await postSignedMeta(runtime.webhookUrls.meta as string, praise, appSecret);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(answer.status).toBe(200);
    expect(runtime.queueUrls[departmentQueueId('workshop')]).toEqual(expect.any(String));
    const documents = createDocumentClient(adminEnv(runtime.region, runtime.endpoints.dynamodb));
    const stored = await new DynamoMentionRepository(documents, runtime.tableName).get(
      mentionId('facebook', commentId),
    );
    expect(stored?.routing).toMatchObject({
      department: 'workshop',
      cc: ['service'],
      tags: ['workshop'],
      sla: { days: 0, minutes: 90 },
      matched: [
        {
          rule: 'workshop-feedback',
          why: ['text contains "Werkstatt"'],
          effects: [
            'department workshop',
            'cc service',
            'tag workshop',
            'SLA 1 business hour 30 business minutes',
            'stop',
          ],
        },
      ],
    });
    const cases = new DynamoCaseRepository(documents, runtime.tableName);
    const kase = await cases.get(stored?.caseId as string);
    expect(kase).toMatchObject({ department: 'workshop' });
    // The rule's 90 minutes run in the department's business hours (the company calendar).
    expect(kase?.dueAt).toBe(
      casePolicyOf(config)
        .addSlaTime('workshop', new Date(kase?.openedAt as string), { days: 0, minutes: 90 })
        .toISOString(),
    );
    const recorded = await cases.mentionsOf(stored?.caseId as string);
    expect(recorded.map((r) => [r.department, r.role]).sort()).toEqual([
      ['service', 'cc'],
      ['workshop', 'primary'],
    ]);
    expect(recorded[0]).toMatchObject({
      matchedRules: ['workshop-feedback'],
      tags: ['workshop'],
      reasons: expect.arrayContaining([expect.stringContaining('rule workshop-feedback')]),
    });
  });
});
