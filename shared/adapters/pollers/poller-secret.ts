import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { z } from 'zod';
import { PollerConfigError } from '../../pollers/errors.ts';

/**
 * A poller's credentials from its platform's Secrets Manager secret (JSON), read on first
 * use and kept for the process; `invalidate()` after the platform refused them, so a
 * rotated secret is read again on the next run.
 */
export class PollerSecret<T> {
  private value: Promise<T> | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretName: string,
    private readonly schema: z.ZodType<T>,
    /** The expected JSON, for the error message: `{"apiKey": "..."}`. */
    private readonly shape: string,
  ) {}

  /** @throws PollerConfigError naming the secret and the missing fields, never the value */
  get(): Promise<T> {
    if (!this.value) {
      const read = this.read();
      this.value = read;
      read.catch(() => {
        if (this.value === read) this.value = undefined;
      });
    }
    return this.value;
  }

  invalidate(): void {
    this.value = undefined;
  }

  private async read(): Promise<T> {
    let text: string | undefined;
    try {
      const output = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretName }));
      text = output.SecretString;
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'ResourceNotFoundException' ? 'does not exist' : 'cannot be read';
      throw new PollerConfigError(`secret "${this.secretName}" ${reason}`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text ?? '');
    } catch {
      // No cause: JSON.parse's message quotes the text, which is the secret.
      throw new PollerConfigError(`secret "${this.secretName}" is not JSON; expected ${this.shape}`);
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'value'))].join(', ');
      throw new PollerConfigError(`secret "${this.secretName}" is not ${this.shape} (check: ${fields})`);
    }
    return parsed.data;
  }
}
