import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { $ZodType } from 'zod/v4/core';
import { PollerConfigError } from '../../pollers/errors.ts';
import * as z from '../../domain/zod-mini.ts';
import { SecretCache, SecretUnavailableError } from '../secret-cache.ts';

/**
 * A poller's credentials from its platform's Secrets Manager secret (JSON), kept in the
 * process's {@link SecretCache} (Powertools Parameters); `invalidate()` after the platform
 * refused them, so the next read fetches the rotated secret. The schema may be classic zod
 * or zod/mini: it is run with zod/mini's `safeParse`, so a function whose schemas are all
 * mini (admin-api's reply tokens) carries no classic zod.
 */
export class PollerSecret<T> {
  private readonly cache: SecretCache;
  private forceFetch = false;

  constructor(
    client: SecretsManagerClient,
    private readonly secretName: string,
    private readonly schema: $ZodType<T>,
    /** The expected JSON, for the error message: `{"apiKey": "..."}`. */
    private readonly shape: string,
  ) {
    this.cache = new SecretCache({ client });
  }

  /** @throws PollerConfigError naming the secret and the missing fields, never the value */
  async get(): Promise<T> {
    const forceFetch = this.forceFetch;
    this.forceFetch = false;
    let text: string;
    try {
      text = await this.cache.text(this.secretName, { forceFetch });
    } catch (error) {
      if (!(error instanceof SecretUnavailableError)) throw error;
      throw new PollerConfigError(error.message, { cause: error.cause });
    }
    try {
      return this.parse(text);
    } catch (error) {
      // A secret of the wrong shape is read again next time: the operator may have fixed it.
      this.forceFetch = true;
      throw error;
    }
  }

  invalidate(): void {
    this.forceFetch = true;
  }

  private parse(text: string): T {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // No cause: JSON.parse's message quotes the text, which is the secret.
      throw new PollerConfigError(`secret "${this.secretName}" is not JSON; expected ${this.shape}`);
    }
    const parsed = z.safeParse(this.schema, json);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'value'))].join(', ');
      throw new PollerConfigError(`secret "${this.secretName}" is not ${this.shape} (check: ${fields})`);
    }
    return parsed.data;
  }
}
