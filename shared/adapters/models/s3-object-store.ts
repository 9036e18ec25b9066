import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from './object-model-store.ts';

/**
 * Objects in an S3 bucket through the SDK's S3 client (GetObject, PutObject, ListObjectsV2:
 * all the model store needs). The SDK signs, retries and resolves credentials.
 */
export class S3ObjectStore implements ObjectStore {
  constructor(private readonly options: { readonly client: S3Client; readonly bucket: string }) {}

  /** @returns the object's text, or undefined when there is no such key */
  async get(key: string): Promise<string | undefined> {
    try {
      const object = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return await object.Body?.transformToString('utf-8');
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey')) return undefined;
      throw error;
    }
  }

  async put(key: string, body: string): Promise<void> {
    await this.options.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  }

  /** Every key under the prefix, sorted, across pages. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}
