import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { demoConfig } from '../factories/config.ts';
import { mentionFactory } from '../factories/mention.ts';
import { HandlerPipeline } from '../support/handler-pipeline.ts';

/**
 * Corrections through the admin API's handler against a real dynalite table: who may store
 * one (the attack first), what is stored, and that erasing the author removes it.
 */

const ADMIN = { sub: 'sub-greta', email: 'greta.voss@radwerk-hansen.example', name: 'Greta Voss' };
// Ole is a member of service; Jonas a member of legal; Malte leads sales (companies/demo.yaml).
const OLE = { sub: 'sub-ole', email: 'ole.hansen@radwerk-hansen.example' };
const JONAS = { sub: 'sub-jonas', email: 'jonas.meyer@radwerk-hansen.example' };
const AYLIN = { sub: 'sub-aylin', email: 'aylin.demir@radwerk-hansen.example' };

function configWithAdmin(): CompanyConfig {
  const config = demoConfig();
  return { ...config, admin: { ...config.admin, admins: [{ name: ADMIN.name, email: ADMIN.email }] } };
}

const AUTHOR = '7770099001';
const complaint = mentionFactory({
  externalId: '411_9001',
  threadId: '104729381726354_411',
  text: 'Am Rahmen meines Stadtflitzers ist ein Riss an der Schweißnaht, nach zwei Wochen. Schlimmer Service!',
  author: { id: AUTHOR, name: 'Rita Rahmen' },
});

describe('corrections through the admin API', () => {
  let pipeline: HandlerPipeline;
  let caseId: string;

  const corrections = async () => (await pipeline.items()).filter((i) => i.type === 'correction');

  beforeAll(async () => {
    pipeline = await HandlerPipeline.start(configWithAdmin());
    await pipeline.deliver([complaint]);
    caseId = pipeline.published.published.find((e) => e.mentionId === complaint.id)!.caseId;
  });

  afterAll(async () => {
    await pipeline.stop();
  });

  it('refuses a member of another department with 403 and stores nothing', async () => {
    // Act
    const answer = await pipeline.call('POST /cases/{id}/corrections', {
      pathParameters: { id: caseId },
      claims: JONAS,
      body: { category: 'praise' },
    });

    // Assess
    expect(answer.status).toBe(403);
    expect(await corrections()).toEqual([]);
  });

  it('rejects an unknown category with 400 and stores nothing', async () => {
    // Act
    const answer = await pipeline.call('POST /cases/{id}/corrections', {
      pathParameters: { id: caseId },
      claims: OLE,
      body: { category: 'rant' },
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/category/);
    expect(await corrections()).toEqual([]);
  });

  it("stores a member's correction as a labelled example with a TTL", async () => {
    // Act
    const answer = await pipeline.call('POST /cases/{id}/corrections', {
      pathParameters: { id: caseId },
      claims: OLE,
      body: { category: 'legal_risk', sentiment: 'negative' },
    });

    // Assess
    expect(answer.status).toBe(200);
    const stored = await corrections();
    expect(stored).toEqual([
      expect.objectContaining({
        PK: 'CORRECTION',
        SK: `MENTION#${complaint.id}`,
        expiresAt: expect.any(Number),
        correction: expect.objectContaining({
          text: complaint.text,
          language: 'de',
          labels: { category: 'legal_risk', sentiment: 'negative' },
          by: `user:${OLE.email}`,
          model: expect.stringMatching(/^ngram-/),
        }),
      }),
    ]);
  });

  it('stores a reroute with a category as a correction of the first mention', async () => {
    // Act
    const answer = await pipeline.call('POST /cases/{id}/reroute', {
      pathParameters: { id: caseId },
      claims: AYLIN,
      body: { department: 'legal', reason: 'Rahmenbruch: Produktsicherheit', category: 'legal_risk' },
    });

    // Assess
    expect(answer.status).toBe(200);
    expect((await corrections()).map((i) => (i.correction as { labels: unknown }).labels)).toEqual([
      { category: 'legal_risk', sentiment: 'negative', department: 'legal' },
    ]);
  });

  it('erasing the author removes their corrections and counts them', async () => {
    // Act
    const started = await pipeline.call('POST /authors/{platform}/{authorId}/erase', {
      pathParameters: { platform: 'facebook', authorId: AUTHOR },
      claims: ADMIN,
    });
    const answer = await pipeline.erasureOf(started, ADMIN);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'done', erased: true, counts: { corrections: 1 } });
    expect(await corrections()).toEqual([]);
    expect(JSON.stringify(await pipeline.items())).not.toContain('Riss an der Schweißnaht');
  });
});
