import { describe, expect, it } from 'vitest';
import type { AdminRequest } from '../../../shared/domain/case-admin.ts';
import { correctCase, trainingLabelsOf, type CorrectDeps } from '../../../shared/domain/corrections.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../shared/domain/errors.ts';
import type { StoredMention } from '../../../shared/domain/ports.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionFactory, mentionRoutedFactory } from '../../factories/mention.ts';
import { fixedClock, InMemoryCases, InMemoryCorrections, InMemoryMentions } from '../../fakes/in-memory.ts';

const NOW = '2026-11-30T10:30:00.000Z';
// Aylin leads service, Ole is a member of service, Malte leads sales (demo config).
const AYLIN = 'aylin.demir@radwerk-hansen.example';
const OLE = 'ole.hansen@radwerk-hansen.example';
const MALTE = 'malte.brandt@radwerk-hansen.example';
const as = (email: string): AdminRequest => ({ user: { sub: `sub-${email}`, email }, requestId: `req-${email}` });

const serviceCase = caseFactory({ department: 'service' });
const mention = mentionFactory({ id: 'facebook:1_2', text: 'Der Rahmen hat einen Riss an der Schweißnaht' });

async function setup() {
  const cases = new InMemoryCases();
  cases.cases.set(serviceCase.id, serviceCase);
  cases.records.set('r1', mentionRoutedFactory({ mentionId: mention.id, caseId: serviceCase.id, text: mention.text }));
  const mentions = new InMemoryMentions();
  const stored: StoredMention = {
    mention,
    classification: {
      language: 'de',
      relevant: true,
      sentiment: 'negative',
      category: 'complaint',
      urgency: 0.4,
      confidence: 0.7,
      reasons: [],
      model: 'ngram-de@fc481d86',
    },
    routing: { department: 'service', cc: [], priority: 'normal', reasons: [] },
    caseId: serviceCase.id,
  };
  await mentions.putIfAbsent(stored);
  const corrections = new InMemoryCorrections();
  const deps: CorrectDeps = {
    config: demoConfig(),
    cases,
    mentions,
    corrections,
    clock: fixedClock(NOW),
    retentionDays: 30,
  };
  return { deps, corrections };
}

describe('correctCase', () => {
  it('stores the mention as a labelled example with the corrected labels, what was predicted, the model, who and when', async () => {
    // Arrange
    const { deps, corrections } = await setup();

    // Act
    const stored = await correctCase(serviceCase.id, { labels: { category: 'legal_risk' } }, as(OLE), deps);

    // Assess
    expect(await corrections.get(mention.id)).toEqual(stored);
    expect(stored).toMatchObject({
      id: `correction_${mention.id}`,
      caseId: serviceCase.id,
      mentionId: mention.id,
      platform: 'facebook',
      authorId: '5550001',
      text: mention.text,
      language: 'de',
      labels: { category: 'legal_risk' },
      predicted: { category: 'complaint', sentiment: 'negative', relevant: true, department: 'service' },
      model: 'ngram-de@fc481d86',
      by: `user:${OLE}`,
      at: NOW,
      expiresAt: Date.parse(NOW) / 1000 + 30 * 86_400,
    });
  });

  it('merges a later correction of the same mention over the earlier one', async () => {
    // Arrange
    const { deps, corrections } = await setup();
    await correctCase(serviceCase.id, { labels: { category: 'legal_risk' } }, as(OLE), deps);

    // Act
    await correctCase(serviceCase.id, { labels: { sentiment: 'neutral' } }, as(AYLIN), deps);

    // Assess
    expect(await corrections.list()).toEqual([
      expect.objectContaining({ labels: { category: 'legal_risk', sentiment: 'neutral' }, by: `user:${AYLIN}` }),
    ]);
  });

  it('refuses the lead of another department and stores nothing', async () => {
    // Arrange
    const { deps, corrections } = await setup();

    // Act
    const attempt = correctCase(serviceCase.id, { labels: { category: 'praise' } }, as(MALTE), deps);

    // Assess
    await expect(attempt).rejects.toThrow(ForbiddenError);
    expect(await corrections.list()).toEqual([]);
  });

  it('refuses a correction without labels', async () => {
    // Arrange
    const { deps } = await setup();

    // Act
    const attempt = correctCase(serviceCase.id, { labels: {} }, as(OLE), deps);

    // Assess
    await expect(attempt).rejects.toThrow(ValidationError);
  });

  it('refuses a department the company does not have', async () => {
    // Arrange
    const { deps } = await setup();

    // Act
    const attempt = correctCase(serviceCase.id, { labels: { department: 'marketing' } }, as(OLE), deps);

    // Assess
    await expect(attempt).rejects.toThrow(/unknown department "marketing"/);
  });

  it('answers NotFoundError for a mention that is not on the case', async () => {
    // Arrange
    const { deps } = await setup();

    // Act
    const attempt = correctCase(serviceCase.id, { mentionId: 'x:999', labels: { category: 'praise' } }, as(OLE), deps);

    // Assess
    await expect(attempt).rejects.toThrow(NotFoundError);
  });
});

describe('trainingLabelsOf', () => {
  it('fills the heads a person left alone with what the classifier said', async () => {
    // Arrange
    const { deps } = await setup();
    const stored = await correctCase(serviceCase.id, { labels: { category: 'legal_risk' } }, as(OLE), deps);

    // Act
    const labels = trainingLabelsOf(stored);

    // Assess
    expect(labels).toEqual({ category: 'legal_risk', sentiment: 'negative', relevant: true });
  });

  it('teaches no head when only the department was corrected', async () => {
    // Arrange
    const { deps } = await setup();
    const stored = await correctCase(serviceCase.id, { labels: { department: 'legal' } }, as(AYLIN), deps);

    // Act
    const labels = trainingLabelsOf(stored);

    // Assess
    expect(labels).toBeUndefined();
  });
});
