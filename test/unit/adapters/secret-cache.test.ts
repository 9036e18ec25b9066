import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET_CACHE_MS, SecretCache, SecretUnavailableError } from '../../../shared/adapters/secret-cache.ts';
import { SecretsManagerWebhookSecrets } from '../../../shared/adapters/secrets-store.ts';

const secretsManager = mockClient(SecretsManagerClient);
const NAME = 'backchannel/demo/meta';
const calls = () => secretsManager.commandCalls(GetSecretValueCommand, { SecretId: NAME }).length;

describe('SecretCache', () => {
  beforeEach(() => {
    secretsManager.reset();
    vi.useFakeTimers({ now: new Date('2026-03-02T09:00:00Z'), toFake: ['Date'] });
  });
  afterEach(() => vi.useRealTimers());

  it('reads a secret once within its max age and again after it', async () => {
    // Arrange
    secretsManager.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'one' }).resolves({ SecretString: 'two' });
    const cache = new SecretCache({ client: new SecretsManagerClient({}) });

    // Act
    const first = await cache.text(NAME);
    const cached = await cache.text(NAME);
    vi.setSystemTime(Date.now() + SECRET_CACHE_MS + 1_000);
    const expired = await cache.text(NAME);

    // Assess
    expect([first, cached, expired]).toEqual(['one', 'one', 'two']);
    expect(calls()).toBe(2);
  });

  it('shares one call among concurrent first reads', async () => {
    // Arrange
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'shared' });
    const cache = new SecretCache({ client: new SecretsManagerClient({}) });

    // Act
    const values = await Promise.all([cache.text(NAME), cache.text(NAME), cache.text(NAME)]);

    // Assess
    expect(values).toEqual(['shared', 'shared', 'shared']);
    expect(calls()).toBe(1);
  });

  it('reads again when forced, and keeps the new text', async () => {
    // Arrange
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'old' })
      .resolves({ SecretString: 'rotated' });
    const cache = new SecretCache({ client: new SecretsManagerClient({}) });

    // Act
    await cache.text(NAME);
    const forced = await cache.text(NAME, { forceFetch: true });
    const after = await cache.text(NAME);

    // Assess
    expect([forced, after]).toEqual(['rotated', 'rotated']);
    expect(calls()).toBe(2);
  });

  it('says a missing secret does not exist, caches no failure, and reads a SecretBinary as text', async () => {
    // Arrange
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Secrets Manager cannot find it'), { name: 'ResourceNotFoundException' }))
      .resolves({ SecretBinary: new TextEncoder().encode('{"appSecret":"s"}') });
    const cache = new SecretCache({ client: new SecretsManagerClient({}) });

    // Act
    const failed = await cache.text(NAME).catch((error: unknown) => error);
    const second = await cache.text(NAME);

    // Assess
    expect(failed).toBeInstanceOf(SecretUnavailableError);
    expect((failed as Error).message).toBe(`secret "${NAME}" does not exist`);
    expect(second).toBe('{"appSecret":"s"}');
  });

  it('names the secret but never its value when it is not JSON', async () => {
    // Arrange
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'not-json-s3cr3t' });
    const secrets = new SecretsManagerWebhookSecrets({
      client: new SecretsManagerClient({}),
      secretNameOf: () => NAME,
    });

    // Act
    const read = secrets.secretFor('meta');

    // Assess
    await expect(read).rejects.toThrow(`secret "${NAME}" is not JSON`);
    await expect(read).rejects.not.toThrow('s3cr3t');
  });
});

describe('SecretsManagerWebhookSecrets after signature mismatches', () => {
  beforeEach(() => secretsManager.reset());

  it('reads the secret again on the second mismatch in a row, at most once per minimum interval', async () => {
    // Arrange
    let now = 1_000_000;
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: '{"appSecret":"old"}' })
      .resolves({ SecretString: '{"appSecret":"new"}' });
    const secrets = new SecretsManagerWebhookSecrets({
      client: new SecretsManagerClient({}),
      secretNameOf: () => NAME,
      minForcedRefreshMs: 30_000,
      now: () => now,
    });
    await secrets.secretFor('meta');

    // Act
    const tooSoon = [await secrets.mismatched('meta'), await secrets.mismatched('meta')];
    now += 30_000;
    const refreshed = [await secrets.mismatched('meta'), await secrets.mismatched('meta')];
    const served = await secrets.secretFor('meta');

    // Assess
    expect(tooSoon).toEqual([undefined, undefined]);
    // The run of mismatches outlived the interval: the next one reads, and starts a new run.
    expect(refreshed).toEqual([{ appSecret: 'new' }, undefined]);
    expect(served).toEqual({ appSecret: 'new' });
    expect(calls()).toBe(2);
  });
});
