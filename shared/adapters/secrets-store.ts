import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { WebhookSecretProvider } from '../domain/receive-webhook.ts';

/** How long a read secret is reused; a rotated secret is picked up within this time. */
export const SECRET_CACHE_MS = 5 * 60 * 1000;

/**
 * Least time between two reads forced by signature mismatches: bad signatures from anyone
 * on the internet must not turn into a stream of Secrets Manager calls.
 */
export const MIN_FORCED_REFRESH_MS = 30 * 1000;

/** Mismatches in a row after which the secret is read again. */
export const MISMATCHES_BEFORE_REFRESH = 2;

/**
 * A webhook secret that cannot be used. Its message names the secret and never carries
 * its value, nor an error that could quote it.
 */
export class SecretUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

export interface SecretsManagerWebhookSecretsOptions {
  readonly client: SecretsManagerClient;
  /** The secret name (or ARN) of a platform id, or undefined when none is configured. */
  readonly secretNameOf: (platformId: string) => string | undefined;
  readonly cacheMs?: number;
  readonly minForcedRefreshMs?: number;
  /**
   * A SecretString that is not JSON is returned as the string itself instead of failing
   * (notification secrets may hold a plain webhook URL). Default false.
   */
  readonly allowPlainText?: boolean;
  /** For tests: epoch milliseconds. */
  readonly now?: () => number;
}

interface Cached {
  readonly expiresAt: number;
  readonly readAt: number;
  readonly secret: Promise<unknown>;
}

/**
 * Webhook secrets from Secrets Manager: each platform's SecretString parsed as JSON (its
 * adapter checks the shape), cached per process for {@link SECRET_CACHE_MS}. Concurrent
 * first reads share one call; a failed read is not cached. After
 * {@link MISMATCHES_BEFORE_REFRESH} signature mismatches in a row the secret is read again,
 * so a rotation is picked up before the cache expires.
 */
export class SecretsManagerWebhookSecrets implements WebhookSecretProvider {
  private readonly cache = new Map<string, Cached>();
  private readonly mismatches = new Map<string, number>();
  private readonly cacheMs: number;
  private readonly minForcedRefreshMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SecretsManagerWebhookSecretsOptions) {
    this.cacheMs = options.cacheMs ?? SECRET_CACHE_MS;
    this.minForcedRefreshMs = options.minForcedRefreshMs ?? MIN_FORCED_REFRESH_MS;
    this.now = options.now ?? (() => Date.now());
  }

  /**
   * @throws SecretUnavailableError when no secret is configured for the platform, the secret
   *   is missing or unreadable, or it is not JSON
   */
  secretFor(platformId: string): Promise<unknown> {
    const name = this.options.secretNameOf(platformId);
    if (!name)
      return Promise.reject(new SecretUnavailableError(`no secret is configured for platform "${platformId}"`));
    const cached = this.cache.get(name);
    if (cached && cached.expiresAt > this.now()) return cached.secret;
    return this.load(name);
  }

  async mismatched(platformId: string): Promise<unknown> {
    const count = (this.mismatches.get(platformId) ?? 0) + 1;
    this.mismatches.set(platformId, count);
    if (count < MISMATCHES_BEFORE_REFRESH) return undefined;
    const name = this.options.secretNameOf(platformId);
    if (!name) return undefined;
    const cached = this.cache.get(name);
    if (cached && this.now() - cached.readAt < this.minForcedRefreshMs) return undefined;
    this.mismatches.set(platformId, 0);
    return this.load(name);
  }

  matched(platformId: string): void {
    this.mismatches.delete(platformId);
  }

  private load(name: string): Promise<unknown> {
    const now = this.now();
    const secret = this.read(name);
    this.cache.set(name, { expiresAt: now + this.cacheMs, readAt: now, secret });
    secret.catch(() => {
      if (this.cache.get(name)?.secret === secret) this.cache.delete(name);
    });
    return secret;
  }

  private async read(name: string): Promise<unknown> {
    let text: string | undefined;
    try {
      const output = await this.options.client.send(new GetSecretValueCommand({ SecretId: name }));
      text =
        output.SecretString ?? (output.SecretBinary ? Buffer.from(output.SecretBinary).toString('utf8') : undefined);
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'ResourceNotFoundException' ? 'does not exist' : 'cannot be read';
      throw new SecretUnavailableError(`secret "${name}" ${reason}`, { cause: error });
    }
    if (text === undefined) throw new SecretUnavailableError(`secret "${name}" has no value`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      if (this.options.allowPlainText) return text.trim();
      // No cause: JSON.parse's message quotes the text, which is the secret.
      throw new SecretUnavailableError(`secret "${name}" is not JSON`);
    }
  }
}
