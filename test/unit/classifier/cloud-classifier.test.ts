import { BedrockRuntimeClient, ConverseCommand, ThrottlingException } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  BedrockConverseModel,
  CloudClassifierError,
  parseCloudAnswer,
} from '../../../shared/classifier/bedrock-classifier.ts';
import { CloudAssistedClassifier } from '../../../shared/classifier/cloud-assisted-classifier.ts';
import { createClassifier } from '../../../shared/classifier/index.ts';
import type { Classification, ClassifierInput } from '../../../shared/domain/classification.ts';

const bedrock = mockClient(BedrockRuntimeClient);
const MODEL_ID = 'amazon.nova-micro-v1:0';

/** A local classifier with a fixed answer, so each test sets the confidence it needs. */
function localSaying(confidence: number) {
  const result: Classification = {
    language: 'de',
    relevant: true,
    sentiment: 'neutral',
    category: 'other',
    urgency: 0.1,
    confidence,
    reasons: [{ decision: 'category', feature: 'other: word "hallo"', weight: 0.1 }],
    model: 'ngram-de@00000000',
  };
  return { classify: (_m: ClassifierInput) => result };
}

function converseAnswer(text: string) {
  return {
    output: { message: { role: 'assistant' as const, content: [{ text }] } },
    stopReason: 'end_turn' as const,
    usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
    metrics: { latencyMs: 1 },
  };
}

function assisted(confidence: number, options: { timeoutMs?: number; failures?: unknown[] } = {}) {
  const failures = options.failures ?? [];
  return new CloudAssistedClassifier(
    localSaying(confidence),
    new BedrockConverseModel(new BedrockRuntimeClient({ region: 'eu-central-1' }), MODEL_ID),
    {
      belowConfidence: 0.5,
      timeoutMs: options.timeoutMs ?? 1000,
      onFallback: (error) => failures.push(error),
    },
  );
}

beforeEach(() => {
  bedrock.reset();
});

describe('CloudAssistedClassifier with Bedrock Converse', () => {
  it('asks the cloud model about a low-confidence mention and uses its validated answer', async () => {
    // Prepare
    bedrock
      .on(ConverseCommand)
      .resolves(converseAnswer('{"relevant":true,"sentiment":"negative","category":"complaint","confidence":0.82}'));

    // Act
    const result = await assisted(0.3).classify({ text: 'Hallo, das Ding geht nicht' });

    // Assess
    expect(result).toMatchObject({
      category: 'complaint',
      sentiment: 'negative',
      confidence: 0.82,
      model: `ngram-de@00000000+${MODEL_ID}`,
    });
    expect(result.reasons.at(-1)?.feature).toMatch(/^cloud amazon\.nova-micro-v1:0: complaint/);
    expect(bedrock).toReceiveCommandWith(ConverseCommand, {
      modelId: MODEL_ID,
      messages: [{ role: 'user', content: [{ text: JSON.stringify({ text: 'Hallo, das Ding geht nicht' }) }] }],
    });
  });

  it('does not call the cloud model when the local confidence reaches the threshold', async () => {
    const result = await assisted(0.7).classify({ text: 'Danke, super Service!' });

    expect(result.model).toBe('ngram-de@00000000');
    expect(bedrock).not.toReceiveCommand(ConverseCommand);
  });

  it('keeps the local result when the answer is not the strict JSON object', async () => {
    const failures: unknown[] = [];
    bedrock.on(ConverseCommand).resolves(converseAnswer('Sure! {"category": "complaint"}'));

    const result = await assisted(0.3, { failures }).classify({ text: 'Hallo' });

    expect(result).toMatchObject({ category: 'other', confidence: 0.3, model: 'ngram-de@00000000' });
    expect(result.reasons.at(-1)?.feature).toMatch(
      /^cloud amazon\.nova-micro-v1:0 failed \(the cloud model did not answer with JSON\): local result kept$/,
    );
    expect(failures[0]).toBeInstanceOf(CloudClassifierError);
  });

  it('keeps the local result when Bedrock throttles', async () => {
    bedrock.on(ConverseCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));

    const result = await assisted(0.3).classify({ text: 'Hallo' });

    expect(result).toMatchObject({ category: 'other', model: 'ngram-de@00000000' });
    expect(result.reasons.at(-1)?.feature).toContain(
      'Bedrock Converse with amazon.nova-micro-v1:0 failed: ThrottlingException',
    );
  });

  it('keeps the local result when the cloud model does not answer within the timeout', async () => {
    bedrock.on(ConverseCommand).callsFake(() => new Promise(() => undefined));

    const result = await assisted(0.3, { timeoutMs: 20 }).classify({ text: 'Hallo' });

    expect(result.model).toBe('ngram-de@00000000');
    expect(result.reasons.at(-1)?.feature).toContain('timed out after 20 ms');
  });
});

describe('parseCloudAnswer', () => {
  it('accepts the object inside a json code fence', () => {
    expect(
      parseCloudAnswer('```json\n{"relevant":false,"sentiment":"neutral","category":"other","confidence":0.9}\n```'),
    ).toEqual({
      relevant: false,
      sentiment: 'neutral',
      category: 'other',
      confidence: 0.9,
    });
  });

  it('rejects unknown categories and extra fields', () => {
    expect(() =>
      parseCloudAnswer('{"relevant":true,"sentiment":"neutral","category":"spam","confidence":0.9}'),
    ).toThrow(/category/);
    expect(() =>
      parseCloudAnswer('{"relevant":true,"sentiment":"neutral","category":"other","confidence":0.9,"note":"x"}'),
    ).toThrow(CloudClassifierError);
  });
});

describe('createClassifier', () => {
  const config = {
    keywordRules: [],
    modelGuardMargin: 0.02,
    cloud: { enabled: false, modelId: MODEL_ID, belowConfidence: 0.5, timeoutMs: 1500 },
  };

  it('is local only when the cloud classifier is off (the default)', async () => {
    const classifier = createClassifier({ classifier: config, brandTerms: [] }, {});

    const result = await classifier.classify({ text: 'Hmm' });

    expect(result.model).toMatch(/^ngram-/);
    expect(bedrock).not.toReceiveCommand(ConverseCommand);
  });

  it('asks Bedrock for low-confidence mentions when enabled', async () => {
    bedrock
      .on(ConverseCommand)
      .resolves(converseAnswer('{"relevant":true,"sentiment":"neutral","category":"question","confidence":0.7}'));
    const classifier = createClassifier(
      { classifier: { ...config, cloud: { ...config.cloud, enabled: true, belowConfidence: 1 } }, brandTerms: [] },
      { AWS_REGION: 'eu-central-1' },
    );

    const result = await classifier.classify({ text: 'Hmm?' });

    expect(result).toMatchObject({ category: 'question', model: expect.stringContaining(`+${MODEL_ID}`) });
  });
});
