import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { WebhookSecretProvider } from '../domain/receive-webhook.ts';
import { SecretCache, SecretUnavailableError } from './secret-cache.ts';

export { SECRET_CACHE_MS, SecretUnavailableError } from './secret-cache.ts';

/**
 * Least time between two reads forced by signature mismatches: bad signatures from anyone
 * on the internet must not turn into a stream of Secrets Manager calls.
 */
export const MIN_FORCED_REFRESH_MS = 30 * 1000;

/** Mismatches in a row after which the secret is read again. */
export const MISMATCHES_BEFORE_REFRESH = 2;

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

/**
 * Webhook and notification secrets from Secrets Manager: each SecretString parsed as JSON
 * (the platform adapter checks the shape), kept in the process's {@link SecretCache}
 * (Powertools Parameters). After {@link MISMATCHES_BEFORE_REFRESH} signature mismatches in a
 * row the secret is read again, at most once per {@link MIN_FORCED_REFRESH_MS}, so a rotation
 * is picked up before the cache expires.
 */
export class SecretsManagerWebhookSecrets implements WebhookSecretProvider {
  private readonly cache: SecretCache;
  /** When each secret was last read from Secrets Manager by a forced refresh or a first read. */
  private readonly readAt = new Map<string, number>();
  private readonly mismatches = new Map<string, number>();
  private readonly minForcedRefreshMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SecretsManagerWebhookSecretsOptions) {
    this.cache = new SecretCache({ client: options.client, cacheMs: options.cacheMs });
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
    if (!this.readAt.has(name)) this.readAt.set(name, this.now());
    return this.parsed(name, false);
  }

  async mismatched(platformId: string): Promise<unknown> {
    const count = (this.mismatches.get(platformId) ?? 0) + 1;
    this.mismatches.set(platformId, count);
    if (count < MISMATCHES_BEFORE_REFRESH) return undefined;
    const name = this.options.secretNameOf(platformId);
    if (!name) return undefined;
    const readAt = this.readAt.get(name);
    if (readAt !== undefined && this.now() - readAt < this.minForcedRefreshMs) return undefined;
    this.mismatches.set(platformId, 0);
    this.readAt.set(name, this.now());
    return this.parsed(name, true);
  }

  matched(platformId: string): void {
    this.mismatches.delete(platformId);
  }

  private async parsed(name: string, forceFetch: boolean): Promise<unknown> {
    const text = await this.cache.text(name, { forceFetch });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      if (this.options.allowPlainText) return text.trim();
      // No cause: JSON.parse's message quotes the text, which is the secret.
      throw new SecretUnavailableError(`secret "${name}" is not JSON`);
    }
  }
}
