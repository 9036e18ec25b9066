/**
 * Finding 9 (local secrets endpoint): the local Secrets Manager endpoint handed any secret
 * to any local caller, since a caller whose access key was not a function's passed, and a
 * function's key id was derivable from its name (`local-<id>`). Now each function has random
 * credentials per start and the endpoint checks the SigV4 signature: only the runtime's own
 * functions read secrets or put events, each within its grants.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/backends.ts';
import { postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { demoConfig } from '../factories/config.ts';
import { metaFixture } from '../factories/http.ts';

const config = demoConfig();
const META = platformSecretName(config, 'meta');

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

function credentialsOf(runtime: Runtime, functionId: string): Credentials {
  const env = runtime.env[functionId] ?? {};
  return { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string };
}

async function readSecret(runtime: Runtime, credentials: Credentials, secretId = META): Promise<string | undefined> {
  const client = new SecretsManagerClient({
    region: runtime.region,
    endpoint: runtime.endpoints.secretsManager,
    credentials,
    maxAttempts: 1,
  });
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } finally {
    client.destroy();
  }
}

async function putEvent(runtime: Runtime, credentials: Credentials): Promise<number | undefined> {
  const client = new EventBridgeClient({
    region: runtime.region,
    endpoint: runtime.endpoints.eventBridge,
    credentials,
    maxAttempts: 1,
  });
  try {
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: runtime.busName,
            Source: 'backchannel',
            DetailType: 'Case Resolved',
            Detail: '{"caseId":"case_forged"}',
          },
        ],
      }),
    );
    return output.FailedEntryCount;
  } finally {
    client.destroy();
  }
}

/** The error a call fails with, or undefined when it succeeds. */
async function errorOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('the local Secrets Manager and EventBridge endpoint', () => {
  let runtime: Runtime;
  const log: string[] = [];

  beforeAll(async () => {
    runtime = await startRuntime({ config, port: 0, startScheduler: false, log: (line) => log.push(line) });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('gives the ingest function its platform secret', async () => {
    // Act
    const value = await readSecret(runtime, credentialsOf(runtime, 'ingest-webhook'));

    // Assess
    expect(value).toBe(runtime.secrets[META]);
  });

  it('lets the ingest function verify a signed webhook with that secret (200)', async () => {
    // Arrange
    const appSecret = parseMetaSecret(runtime.secrets[META]).appSecret;

    // Act
    const response = await postSignedMeta(
      runtime.webhookUrls.meta as string,
      metaFixture('page-feed-comment-add.restfb.json'),
      appSecret,
    );

    // Assess
    expect(response.status).toBe(200);
  });

  it('refuses a caller with made-up credentials with AccessDeniedException', async () => {
    // Arrange
    const madeUp = { accessKeyId: 'MADEUPACCESSKEYID000', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

    // Act
    const read = readSecret(runtime, madeUp);

    // Assess
    await expect(read).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining("not one of this runtime's functions"),
    });
  });

  it('answers an unknown caller the same AccessDeniedException for a missing secret as for an existing one, so names cannot be probed', async () => {
    // Arrange
    const madeUp = { accessKeyId: 'MADEUPACCESSKEYID000', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

    // Act
    const existing = await errorOf(readSecret(runtime, madeUp, META));
    const missing = await errorOf(readSecret(runtime, madeUp, 'backchannel/demo/no-such-secret'));

    // Assess
    expect(missing).toMatchObject({ name: 'AccessDeniedException' });
    expect((missing as Error).message).toBe((existing as Error).message);
  });

  it('denies a function a secret name the topology lacks, as IAM denies what no grant covers', async () => {
    // Act
    const read = readSecret(runtime, credentialsOf(runtime, 'ingest-webhook'), 'backchannel/demo/no-such-secret');

    // Assess
    await expect(read).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('on secret backchannel/demo/no-such-secret'),
    });
  });

  it('refuses the well-known local credentials that every local caller used to pass with', async () => {
    // Act
    const read = readSecret(runtime, LOCAL_CREDENTIALS);

    // Assess
    await expect(read).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it("refuses the key id derived from a function's name, as it used to be", async () => {
    // Act
    const read = readSecret(runtime, {
      accessKeyId: 'local-ingest-webhook',
      secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
    });

    // Assess
    await expect(read).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(credentialsOf(runtime, 'ingest-webhook').accessKeyId).not.toBe('local-ingest-webhook');
  });

  it("refuses a caller with the ingest function's key id but a wrong secret key", async () => {
    // Arrange
    const stolenKeyId = {
      accessKeyId: credentialsOf(runtime, 'ingest-webhook').accessKeyId,
      secretAccessKey: 'guessed-secret-key',
    };

    // Act
    const read = await errorOf(readSecret(runtime, stolenKeyId));
    const put = await errorOf(
      putEvent(runtime, {
        accessKeyId: credentialsOf(runtime, 'classify-mention').accessKeyId,
        secretAccessKey: 'guessed-secret-key',
      }),
    );

    // Assess
    expect(read).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('signature does not match'),
    });
    expect(put).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('signature does not match'),
    });
  });

  it('refuses an unsigned request', async () => {
    // Act
    const response = await fetch(runtime.endpoints.secretsManager, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      body: JSON.stringify({ SecretId: META }),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      __type: 'AccessDeniedException',
      message: expect.stringContaining('no AWS4-HMAC-SHA256 signature'),
    });
    expect(log).toContainEqual(
      expect.stringContaining('local AWS endpoint refused a request: the caller is not a function of this runtime'),
    );
  });

  it('refuses PutEvents from made-up credentials and accepts it from classify-mention', async () => {
    // Act
    const forged = await errorOf(putEvent(runtime, { accessKeyId: 'MADEUPACCESSKEYID000', secretAccessKey: 'x' }));
    const own = await putEvent(runtime, credentialsOf(runtime, 'classify-mention'));

    // Assess
    expect(forged).toMatchObject({ name: 'AccessDeniedException' });
    expect(own).toBe(0);
  });

  it('still holds a signed function to its grants: build-report reads no platform secret', async () => {
    // Act
    const read = readSecret(runtime, credentialsOf(runtime, 'build-report'));

    // Assess
    await expect(read).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('is not authorized to perform: secretsmanager:GetSecretValue'),
    });
  });

  it('gives the functions new credentials at every start', async () => {
    // Arrange
    const before = credentialsOf(runtime, 'ingest-webhook');
    const second = await startRuntime({ config, port: 0, startScheduler: false, log: () => {} });

    // Act
    const after = credentialsOf(second, 'ingest-webhook');
    const oldKeyOnNewRuntime = await errorOf(readSecret(second, before));
    await second.stop();

    // Assess
    expect(after.accessKeyId).not.toBe(before.accessKeyId);
    expect(after.secretAccessKey).not.toBe(before.secretAccessKey);
    expect(oldKeyOnNewRuntime).toMatchObject({ name: 'AccessDeniedException' });
  });
});
