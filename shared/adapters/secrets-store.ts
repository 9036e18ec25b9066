import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { WebhookSecretProvider } from '../domain/receive-webhook.ts';
import type { WebhookSecret } from '../platforms/platform-adapter.ts';

/** How long a read secret is reused; a rotated secret is picked up within this time. */
export const SECRET_CACHE_MS = 5 * 60 * 1000;

const WebhookSecretSchema = z.object({
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1),
});

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
  /** For tests: epoch milliseconds. */
  readonly now?: () => number;
}

/**
 * Webhook secrets from Secrets Manager, JSON `{"appSecret": "...", "verifyToken": "..."}`,
 * cached per process for {@link SECRET_CACHE_MS}. Concurrent first reads share one call;
 * a failed read is not cached.
 */
export class SecretsManagerWebhookSecrets implements WebhookSecretProvider {
  private readonly cache = new Map<string, { readonly expiresAt: number; readonly secret: Promise<WebhookSecret> }>();
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SecretsManagerWebhookSecretsOptions) {
    this.cacheMs = options.cacheMs ?? SECRET_CACHE_MS;
    this.now = options.now ?? (() => Date.now());
  }

  /**
   * @throws SecretUnavailableError when no secret is configured for the platform, the secret
   *   is missing or unreadable, or it is not the expected JSON
   */
  secretFor(platformId: string): Promise<WebhookSecret> {
    const name = this.options.secretNameOf(platformId);
    if (!name) return Promise.reject(new SecretUnavailableError(`no secret is configured for platform "${platformId}"`));
    const cached = this.cache.get(name);
    if (cached && cached.expiresAt > this.now()) return cached.secret;
    const secret = this.read(name);
    this.cache.set(name, { expiresAt: this.now() + this.cacheMs, secret });
    secret.catch(() => {
      if (this.cache.get(name)?.secret === secret) this.cache.delete(name);
    });
    return secret;
  }

  private async read(name: string): Promise<WebhookSecret> {
    let text: string | undefined;
    try {
      const output = await this.options.client.send(new GetSecretValueCommand({ SecretId: name }));
      text = output.SecretString ?? (output.SecretBinary ? Buffer.from(output.SecretBinary).toString('utf8') : undefined);
    } catch (error) {
      const reason = error instanceof Error && error.name === 'ResourceNotFoundException' ? 'does not exist' : 'cannot be read';
      throw new SecretUnavailableError(`secret "${name}" ${reason}`, { cause: error });
    }
    if (text === undefined) throw new SecretUnavailableError(`secret "${name}" has no value`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // No cause: JSON.parse's message quotes the text, which is the secret.
      throw new SecretUnavailableError(`secret "${name}" is not JSON; expected {"appSecret": "...", "verifyToken": "..."}`);
    }
    const parsed = WebhookSecretSchema.safeParse(json);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'value'))].join(', ');
      throw new SecretUnavailableError(
        `secret "${name}" is not {"appSecret": "...", "verifyToken": "..."} (check: ${fields})`,
      );
    }
    return parsed.data;
  }
}
