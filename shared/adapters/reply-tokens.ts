import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { $ZodType } from 'zod/v4/core';
import { ReplyPublishError } from '../domain/reply-publisher.ts';
import * as z from '../domain/zod-mini.ts';
import { PollerConfigError } from '../pollers/errors.ts';
import type { ReplyToken } from '../platforms/outbound/reply-http.ts';
import { PollerSecret } from './pollers/poller-secret.ts';

/**
 * A reply credential from a platform's Secrets Manager secret: one field of its JSON, read on
 * first use and kept for the process (PollerSecret), dropped after the platform refused it so a
 * renewed secret is read on the next send. A secret without the field fails the send with a
 * message that names the secret and the field, never a value.
 */
export class SecretReplyToken implements ReplyToken {
  private readonly secret: PollerSecret<Record<string, string>>;

  constructor(
    client: SecretsManagerClient,
    secretName: string,
    private readonly platform: string,
    private readonly field: string,
  ) {
    this.secret = new PollerSecret(
      client,
      secretName,
      z.object({ [field]: z.string().check(z.minLength(1)) }) as unknown as $ZodType<Record<string, string>>,
      `{"${field}": "..."} (beside the webhook keys)`,
    );
  }

  async get(): Promise<string> {
    try {
      return (await this.secret.get())[this.field] as string;
    } catch (error) {
      if (!(error instanceof PollerConfigError)) throw error;
      throw new ReplyPublishError(
        this.platform,
        `cannot reply: ${error.message}`,
        { transient: false, credentials: true },
        { cause: error },
      );
    }
  }

  invalidate(): void {
    this.secret.invalidate();
  }
}
