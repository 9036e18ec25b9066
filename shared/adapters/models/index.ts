import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ModelStore } from '../../domain/company-model.ts';
import type { FunctionEnv } from '../../config/runtime-env.ts';
import { FileObjectStore } from './file-object-store.ts';
import { ObjectModelStore } from './object-model-store.ts';
import { S3ObjectStore, type AwsCredentials } from './s3-object-store.ts';

export { FileObjectStore } from './file-object-store.ts';
export { ObjectModelStore, ModelStoreError, type ObjectStore } from './object-model-store.ts';
export { S3ObjectStore, S3RequestError } from './s3-object-store.ts';

/** Environment variable naming the models bucket (AWS) or `file:<dir>` (the local runtime's data directory). */
export const MODEL_BUCKET_ENV = 'MODEL_BUCKET';
const FILE_PREFIX = 'file:';

/**
 * The company's model store from a function's environment: `MODEL_BUCKET=file:<dir>` is a
 * directory (the local runtime maps the topology's bucket to `<dataDir>/models`), anything
 * else an S3 bucket, signed with the function's credentials. Undefined without the variable.
 */
export function createModelStore(env: FunctionEnv): ModelStore | undefined {
  const bucket = env[MODEL_BUCKET_ENV];
  if (!bucket) return undefined;
  if (bucket.startsWith(FILE_PREFIX)) return new ObjectModelStore(new FileObjectStore(bucket.slice(FILE_PREFIX.length)));
  return s3ModelStore(bucket, env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1', env);
}

/** A model store in an S3 bucket; credentials from the environment's keys, else the SDK's default chain. */
export function s3ModelStore(bucket: string, region: string, env: FunctionEnv = {}): ModelStore {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  let chain: (() => Promise<AwsCredentials>) | undefined;
  const credentials = async (): Promise<AwsCredentials> => {
    if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    // The SDK's default credential chain (profile, SSO, environment), as any of its clients resolves it.
    chain ??= new DynamoDBClient({ region }).config.credentials as () => Promise<AwsCredentials>;
    return chain();
  };
  return new ObjectModelStore(new S3ObjectStore({ bucket, region, credentials, ...(env.AWS_ENDPOINT_URL_S3 ? { endpoint: env.AWS_ENDPOINT_URL_S3 } : {}) }));
}

/** The local store of a company: `<dataDir>/models`. */
export function fileModelStore(dir: string): ModelStore {
  return new ObjectModelStore(new FileObjectStore(dir));
}

/** The `MODEL_BUCKET` value of a directory. */
export const fileBucketValue = (dir: string): string => `${FILE_PREFIX}${dir}`;
