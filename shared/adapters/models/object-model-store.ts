import type { ModelArtifact, ModelStore, ModelVersion, PromotionState } from '../../domain/company-model.ts';

/**
 * Port of the storage under the model store: text objects by key. S3 in AWS
 * (s3-object-store.ts), the data directory locally (file-object-store.ts).
 */
export interface ObjectStore {
  /** The object's text; undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  put(key: string, body: string): Promise<void>;
  /** The keys that start with the prefix, in key order. */
  list(prefix: string): Promise<string[]>;
}

/** Thrown when a stored model record cannot be read: a corrupt or foreign object. */
export class ModelStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelStoreError';
  }
}

/**
 * Company models on an object store:
 * - `versions/<id>.json`: the record of a version (scores, counts, status, promotion);
 * - `artifacts/<id>.json`: its weights, written once, never replaced;
 * - `promotion.json`: the version in use and the ones promoted before it.
 * Version ids sort by time, so listing the records gives them oldest first.
 */
export class ObjectModelStore implements ModelStore {
  constructor(private readonly objects: ObjectStore) {}

  async versions(): Promise<ModelVersion[]> {
    const keys = await this.objects.list(VERSIONS);
    const versions: ModelVersion[] = [];
    for (const key of keys) {
      const text = await this.objects.get(key);
      if (text !== undefined) versions.push(parse<ModelVersion>(text, key));
    }
    return versions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async save(version: ModelVersion, artifact?: ModelArtifact): Promise<void> {
    // The weights first: a record never names an artifact that is not there.
    if (artifact && (await this.objects.get(artifactKey(version.id))) === undefined) {
      await this.objects.put(artifactKey(version.id), JSON.stringify(artifact));
    }
    await this.objects.put(`${VERSIONS}${version.id}.json`, `${JSON.stringify(version, null, 2)}\n`);
  }

  async artifact(id: string): Promise<ModelArtifact | undefined> {
    const text = await this.objects.get(artifactKey(id));
    return text === undefined ? undefined : parse<ModelArtifact>(text, artifactKey(id));
  }

  async promotion(): Promise<PromotionState> {
    const text = await this.objects.get(PROMOTION);
    return text === undefined ? { previous: [] } : parse<PromotionState>(text, PROMOTION);
  }

  async setPromotion(state: PromotionState): Promise<void> {
    await this.objects.put(PROMOTION, `${JSON.stringify(state, null, 2)}\n`);
  }
}

const VERSIONS = 'versions/';
const PROMOTION = 'promotion.json';
const artifactKey = (id: string) => `artifacts/${id}.json`;

function parse<T>(text: string, key: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ModelStoreError(`${key} is not JSON`, { cause: error });
  }
}
