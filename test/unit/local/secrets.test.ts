import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  getSecretValueOperation,
  loadLocalSecrets,
  parseMetaSecret,
  SECRETS_FILE,
} from '../../../infra/local/secrets.ts';
import type { SecretSpec } from '../../../infra/topology.ts';

const META: SecretSpec = { id: 'meta', name: 'backchannel/demo/meta', platform: 'meta', description: 'Meta' };

describe('loadLocalSecrets', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bc-secrets-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('generates a random Meta secret and persists it readable by the owner only', async () => {
    // Act
    const secrets = await loadLocalSecrets([META], { dataDir });

    // Assess
    const file = path.join(dataDir, SECRETS_FILE);
    const meta = parseMetaSecret(secrets.values[META.name]);
    expect(meta.appSecret).toMatch(/^[0-9a-f]{32}$/);
    expect(meta.verifyToken.length).toBeGreaterThanOrEqual(20);
    expect(secrets).toMatchObject({ file, generated: [META.name] });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(secrets.values);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('reuses the persisted secret on the next start', async () => {
    // Arrange
    const first = await loadLocalSecrets([META], { dataDir });

    // Act
    const second = await loadLocalSecrets([META], { dataDir });

    // Assess
    expect(second.values).toEqual(first.values);
    expect(second.generated).toEqual([]);
  });

  it('tightens the mode of an existing secrets file', async () => {
    // Arrange
    const file = path.join(dataDir, SECRETS_FILE);
    await writeFile(file, JSON.stringify({ [META.name]: '{"appSecret":"a","verifyToken":"v"}' }), { mode: 0o644 });

    // Act
    await loadLocalSecrets([META], { dataDir });

    // Assess
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('generates new values per run in memory', async () => {
    // Act
    const first = await loadLocalSecrets([META]);
    const second = await loadLocalSecrets([META]);

    // Assess
    expect(first.file).toBeUndefined();
    expect(first.values[META.name]).not.toBe(second.values[META.name]);
  });

  it('adds the generated hubSecret to a persisted YouTube secret that lacks it, keeping its other keys', async () => {
    // Arrange
    const youtube: SecretSpec = {
      id: 'youtube',
      name: 'backchannel/demo/youtube',
      platform: 'youtube',
      description: 'YouTube',
    };
    await writeFile(path.join(dataDir, SECRETS_FILE), JSON.stringify({ [youtube.name]: '{"apiKey":"api-key-1"}' }));

    // Act
    const secrets = await loadLocalSecrets([youtube], { dataDir });

    // Assess
    const value = JSON.parse(secrets.values[youtube.name] as string) as Record<string, string>;
    expect(value).toEqual({ apiKey: 'api-key-1', hubSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(secrets.generated).toEqual([youtube.name]);
    expect(JSON.parse(await readFile(path.join(dataDir, SECRETS_FILE), 'utf8'))).toEqual(secrets.values);
  });

  it('uses given values over persisted ones without writing them', async () => {
    // Arrange
    const given = { [META.name]: '{"appSecret":"given","verifyToken":"token"}' };

    // Act
    const secrets = await loadLocalSecrets([META], { dataDir, given });

    // Assess
    expect(secrets.values).toEqual(given);
    await expect(stat(path.join(dataDir, SECRETS_FILE))).rejects.toThrow('ENOENT');
  });
});

describe('getSecretValueOperation', () => {
  const operation = getSecretValueOperation({
    specs: [META],
    values: { [META.name]: '{"appSecret":"s","verifyToken":"t"}' },
    region: 'eu-central-1',
    accountId: '000000000000',
    authorize: (caller, secretId, requested) =>
      caller.accessKeyId === 'local-build-report' ? `no grant for ${secretId ?? requested}` : undefined,
  });

  it('answers a secret by name with its SecretString', async () => {
    // Act
    const output = await operation({ SecretId: META.name }, { accessKeyId: 'local-ingest-webhook' });

    // Assess
    expect(output).toMatchObject({
      Name: META.name,
      SecretString: '{"appSecret":"s","verifyToken":"t"}',
      VersionStages: ['AWSCURRENT'],
    });
  });

  it('answers ResourceNotFoundException for a secret the topology does not have', async () => {
    // Act & Assess
    await expect(operation({ SecretId: 'backchannel/demo/x' }, { accessKeyId: undefined })).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    });
  });

  it('asks authorize before the lookup: a refused caller gets AccessDeniedException for a secret the topology does not have', async () => {
    // Act & Assess
    await expect(
      operation({ SecretId: 'backchannel/demo/x' }, { accessKeyId: 'local-build-report' }),
    ).rejects.toMatchObject({
      type: 'AccessDeniedException',
      message: 'no grant for backchannel/demo/x',
    });
  });

  it('answers AccessDeniedException to a function without a grant', async () => {
    // Act & Assess
    await expect(operation({ SecretId: META.name }, { accessKeyId: 'local-build-report' })).rejects.toMatchObject({
      type: 'AccessDeniedException',
      message: 'no grant for meta',
    });
  });
});

describe('parseMetaSecret', () => {
  it('names what is missing without quoting the value', () => {
    // Act & Assess
    expect(() => parseMetaSecret('{"appSecret":"s3cr3t"}')).toThrow('the Meta secret lacks appSecret or verifyToken');
    expect(() => parseMetaSecret('s3cr3t')).toThrow(/^the Meta secret is not JSON$/);
  });
});
