import type { Classification, Classifier, ClassifierInput } from '../domain/classification.ts';
import type { CloudModel } from './bedrock-classifier.ts';

export interface CloudAssistOptions {
  /** Only mentions whose local confidence is below this are sent to the cloud model. */
  readonly belowConfidence: number;
  readonly timeoutMs: number;
  /** Told about every failure before the local result is used (for a log line). */
  readonly onFallback?: (error: unknown) => void;
}

/**
 * The local classifier first; for low-confidence mentions the cloud model is asked, within
 * a timeout. On any failure the local result stands, with a reason saying so. Language and
 * urgency stay local; relevance, sentiment and category come from the cloud answer.
 */
export class CloudAssistedClassifier implements Classifier {
  private readonly local: { classify(mention: ClassifierInput): Classification };
  private readonly cloud: CloudModel;
  private readonly options: CloudAssistOptions;

  constructor(
    local: { classify(mention: ClassifierInput): Classification },
    cloud: CloudModel,
    options: CloudAssistOptions,
  ) {
    this.local = local;
    this.cloud = cloud;
    this.options = options;
  }

  async classify(mention: ClassifierInput): Promise<Classification> {
    const local = this.local.classify(mention);
    if (local.confidence >= this.options.belowConfidence || (mention.text ?? '').trim() === '') return local;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`cloud classifier timed out after ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
    });
    try {
      const answer = await Promise.race([this.cloud.classify(mention.text, controller.signal), timeout]);
      return {
        ...local,
        relevant: answer.relevant,
        sentiment: answer.sentiment,
        category: answer.category,
        confidence: answer.confidence,
        model: `${local.model}+${this.cloud.modelId}`,
        reasons: [
          ...local.reasons,
          {
            decision: 'category',
            feature: `cloud ${this.cloud.modelId}: ${answer.category}, ${answer.sentiment}, ${answer.relevant ? 'relevant' : 'not relevant'} (local ${local.category} at ${local.confidence.toFixed(2)} < ${this.options.belowConfidence})`,
            weight: answer.confidence,
          },
        ],
      };
    } catch (error) {
      this.options.onFallback?.(error);
      return {
        ...local,
        reasons: [
          ...local.reasons,
          {
            decision: 'category',
            feature: `cloud ${this.cloud.modelId} failed (${describe(error)}): local result kept`,
            weight: 0,
          },
        ],
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
