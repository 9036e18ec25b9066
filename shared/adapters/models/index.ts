import type { ModelStore } from '../../domain/company-model.ts';
import type { FunctionEnv } from '../../config/runtime-env.ts';
import { FileObjectStore } from './file-object-store.ts';
import { ObjectModelStore } from './object-model-store.ts';
import { createS3Client } from '../aws-clients.ts';
import { S3ObjectStore } from './s3-object-store.ts';

export { FileObjectStore } from './file-object-store.ts';
export { ObjectModelStore, ModelStoreError, type ObjectStore } from './object-model-store.ts';
export { S3ObjectStore } from './s3-object-store.ts';

/** Environment variable naming the models bucket (AWS) or `file:<dir>` (the local runtime's data directory). */
export const MODEL_BUCKET_ENV = 'MODEL_BUCKET';
const FILE_PREFIX = 'file:';

/**
 * The company's model store from a function's environment: `MODEL_BUCKET=file:<dir>` is a
 * directory (the local runtime maps the topology's bucket to `<dataDir>/models`), anything
 * else an S3 bucket, read through the SDK with the function's credentials. Undefined without the variable.
 */
export function createModelStore(env: FunctionEnv): ModelStore | undefined {
  const bucket = env[MODEL_BUCKET_ENV];
  if (!bucket) return undefined;
  if (bucket.startsWith(FILE_PREFIX))
    return new ObjectModelStore(new FileObjectStore(bucket.slice(FILE_PREFIX.length)));
  return s3ModelStore(bucket, env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1', env);
}

/** A model store in an S3 bucket, through the SDK's S3 client (region, endpoint and credentials from the environment, else the SDK's defaults). */
export function s3ModelStore(bucket: string, region: string, env: FunctionEnv = {}): ModelStore {
  return new ObjectModelStore(new S3ObjectStore({ client: createS3Client({ ...env, AWS_REGION: region }), bucket }));
}

/** The local store of a company: `<dataDir>/models`. */
export function fileModelStore(dir: string): ModelStore {
  return new ObjectModelStore(new FileObjectStore(dir));
}

/** The `MODEL_BUCKET` value of a directory. */
export const fileBucketValue = (dir: string): string => `${FILE_PREFIX}${dir}`;
