import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** How long a read secret is reused; a rotated secret is picked up within this time. */
export const SECRET_CACHE_MS = 5 * 60 * 1000;

/**
 * A secret that cannot be used. Its message names the secret and never carries its value,
 * nor an error that could quote it.
 */
export class SecretUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

export interface SecretCacheOptions {
  readonly client: SecretsManagerClient;
  /** Default {@link SECRET_CACHE_MS}. */
  readonly cacheMs?: number;
}

/**
 * The one cache of Secrets Manager secrets in a process: Powertools Parameters'
 * `SecretsProvider` (its cache, its max age, its `forceFetch`) over the function's traced
 * client, with what it does not do itself:
 * - concurrent first reads of a secret share one call (a cold start under load asks once);
 * - a failed read is not cached, and its error names the secret, never its value;
 * - a SecretBinary is read as UTF-8 text.
 *
 * Callers parse the text: webhook and notification secrets as JSON (or a plain URL),
 * pollers against their schema.
 */
export class SecretCache {
  private readonly provider: SecretsProvider;
  private readonly maxAgeSeconds: number;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(options: SecretCacheOptions) {
    this.provider = new SecretsProvider({ awsSdkV3Client: options.client });
    this.maxAgeSeconds = Math.max(0, Math.floor((options.cacheMs ?? SECRET_CACHE_MS) / 1000));
  }

  /**
   * The secret's text, from the cache while it is younger than the max age.
   * @param forceFetch read it again now (after the value was refused), and cache the new text
   * @throws SecretUnavailableError when the secret does not exist, cannot be read or has no value
   */
  text(name: string, { forceFetch = false }: { readonly forceFetch?: boolean } = {}): Promise<string> {
    const pending = this.inFlight.get(name);
    // A read in flight is as fresh as a forced one: share it.
    if (pending !== undefined) return pending;
    const read = this.read(name, forceFetch).finally(() => {
      if (this.inFlight.get(name) === read) this.inFlight.delete(name);
    });
    this.inFlight.set(name, read);
    return read;
  }

  private async read(name: string, forceFetch: boolean): Promise<string> {
    let value: string | Uint8Array | undefined;
    try {
      value = await this.provider.get(name, { maxAge: this.maxAgeSeconds, forceFetch });
    } catch (error) {
      // Powertools wraps the SDK's error; its cause says whether the secret exists.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const reason =
        cause instanceof Error && cause.name === 'ResourceNotFoundException' ? 'does not exist' : 'cannot be read';
      throw new SecretUnavailableError(`secret "${name}" ${reason}`, { cause });
    }
    if (value === undefined) throw new SecretUnavailableError(`secret "${name}" has no value`);
    return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
  }
}
