import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** Bytes node:crypto takes: strings as UTF-8, any view or buffer without a copy. */
function toBuffer(data: SourceData): string | Buffer {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * SHA-256 (or HMAC-SHA-256 with a secret) on node:crypto, in the Lambda bundles in place of
 * `@smithy/core/checksum`'s Sha256 (esbuild alias of that module to infra/sdk-lean/checksum.ts,
 * infra/bundling.ts). The SDK's Sha256Node is the same class, but keeps its pure JavaScript
 * Sha256Js as the fallback for a Node.js without crypto, 3.3 KiB of every bundle with an SDK
 * client (issue 12: train-model was 875 bytes over its 1.3x line). Node.js on Lambda always
 * has node:crypto. The interface is the SDK's Checksum: update, an async digest that
 * may be called again (a copy of the running hash; for an HMAC, once), reset.
 *
 * @example
 * ```ts
 * const hash = new Sha256();
 * hash.update('payload');
 * const digest = await hash.digest(); // 32 bytes
 * ```
 */
export class Sha256 {
  readonly digestLength: number = 32;
  private readonly secret: SourceData | undefined;
  private hash: Hash | Hmac;
  private finished = false;

  constructor(secret?: SourceData) {
    this.secret = secret;
    this.hash = this.create();
  }

  /** @throws Error after an HMAC's digest, which ends it */
  update(data: SourceData): void {
    if (this.finished) throw new Error('Attempted to update an already finished hash.');
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    let out: Buffer;
    if (this.secret) {
      // An HMAC cannot be copied: its digest ends it, as the SDK's class does.
      this.finished = true;
      out = this.hash.digest();
    } else {
      out = (this.hash as Hash).copy().digest();
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  reset(): void {
    this.hash = this.create();
    this.finished = false;
  }

  private create(): Hash | Hmac {
    return this.secret ? createHmac(this.algorithm(), toBuffer(this.secret)) : createHash(this.algorithm());
  }

  /** The node:crypto algorithm: a method, so that a subclass's holds in this constructor already. */
  protected algorithm(): string {
    return 'sha256';
  }
}

/**
 * SHA-1 (or HMAC-SHA-1) on node:crypto, in the Lambda bundles in place of
 * `@aws-sdk/checksums/sha`'s Sha1 (./checksums-sha.ts), whose Sha1Node keeps the pure
 * JavaScript Sha1Js as the fallback for a Node.js without crypto: 2.8 KiB of every bundle with
 * an S3 client (S3's flexible checksums offer SHA-1; round w16: train-model was 2,158 bytes over
 * its 1.3x line once it read the real data). The same interface as Sha256.
 */
export class Sha1 extends Sha256 {
  override readonly digestLength: number = 20;

  protected override algorithm(): string {
    return 'sha1';
  }
}
