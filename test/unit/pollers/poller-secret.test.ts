import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PollerSecret } from '../../../shared/adapters/pollers/poller-secret.ts';
import { PollerConfigError } from '../../../shared/pollers/errors.ts';

const secretsManager = mockClient(SecretsManagerClient);
const schema = z.object({ accessToken: z.string().min(1) });
const secretOf = () =>
  new PollerSecret(new SecretsManagerClient({}), 'backchannel/demo/mastodon', schema, '{"accessToken": "..."}');

describe('PollerSecret', () => {
  afterEach(() => secretsManager.reset());

  it('reads the secret once and reuses it until invalidated', async () => {
    // Arrange
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"accessToken":"tok-1"}' });
    const secret = secretOf();

    // Act
    const first = await secret.get();
    await secret.get();
    secret.invalidate();
    await secret.get();

    // Assess
    expect(first).toEqual({ accessToken: 'tok-1' });
    expect(secretsManager.commandCalls(GetSecretValueCommand, { SecretId: 'backchannel/demo/mastodon' })).toHaveLength(
      2,
    );
  });

  it('names the missing field of a secret of another shape, without its value', async () => {
    // Arrange: what the local runtime generates for a platform it has no generator for.
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"secret":"s3cr3t-value"}' });

    // Act
    const read = secretOf().get();

    // Assess
    await expect(read).rejects.toBeInstanceOf(PollerConfigError);
    await expect(read).rejects.toThrow(
      'secret "backchannel/demo/mastodon" is not {"accessToken": "..."} (check: accessToken)',
    );
    await expect(read).rejects.not.toThrow('s3cr3t-value');
  });

  it('says so when the secret does not exist, and reads again on the next call', async () => {
    // Arrange
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }))
      .resolves({ SecretString: '{"accessToken":"tok-2"}' });
    const secret = secretOf();

    // Act
    const first = await secret.get().catch((error: unknown) => error);
    const second = await secret.get();

    // Assess
    expect(first).toEqual(new PollerConfigError('secret "backchannel/demo/mastodon" does not exist'));
    expect(second).toEqual({ accessToken: 'tok-2' });
  });
});
