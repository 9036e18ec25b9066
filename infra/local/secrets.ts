import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { REPLY_SECRET_FIELDS } from '../../shared/platforms/outbound/secret-fields.ts';
import { platformRegistry } from '../../shared/platforms/registry.ts';
import type { SecretSpec } from '../topology.ts';
import { AwsServiceError, type Caller } from './json-endpoint.ts';

/**
 * Local Secrets Manager: the topology's secrets, generated with random values on first
 * start and kept in `<dataDir>/secrets.json` (mode 0600), or per run in memory, and served
 * through `secretsmanager.GetSecretValue`.
 */

export const SECRETS_FILE = 'secrets.json';

/**
 * A random value of the shape the platform's secret has (see SecretSpec.description), with a
 * random reply credential beside it (REPLY_SECRET_FIELDS): locally replies go to a replay
 * server (`replies.apiBaseUrl`), and a real platform refuses the token with a clear 401.
 */
export function generateSecretValue(spec: SecretSpec): string {
  const value = JSON.parse(generateWebhookSecretValue(spec)) as Record<string, unknown>;
  const field = (REPLY_SECRET_FIELDS as Readonly<Record<string, string>>)[spec.platform];
  if (field && value[field] === undefined) value[field] = randomBytes(24).toString('base64url');
  return JSON.stringify(value);
}

function generateWebhookSecretValue(spec: SecretSpec): string {
  if (spec.platform === 'meta') {
    return JSON.stringify({
      appSecret: randomBytes(16).toString('hex'),
      verifyToken: randomBytes(18).toString('base64url'),
    });
  }
  // Every webhook platform's adapter knows its secret's shape.
  const adapter = platformRegistry.get(spec.platform);
  if (adapter) return JSON.stringify(adapter.generateSecret());
  // A platform added to the topology without an adapter (a poller) still gets a usable secret.
  return JSON.stringify({ secret: randomBytes(32).toString('base64url') });
}

/**
 * A stored SecretString with the key Backchannel generates (the adapter's
 * `generatedSecretKey`, e.g. YouTube's `hubSecret`) added when it lacks it, as the stack
 * does at deploy; undefined when nothing is missing or the value is not a JSON object.
 */
export function completeSecretValue(spec: SecretSpec, value: string): string | undefined {
  const key = platformRegistry.get(spec.platform)?.generatedSecretKey;
  if (!key) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const present = (json as Record<string, unknown>)[key];
  if (typeof present === 'string' && present.length > 0) return undefined;
  return JSON.stringify({ ...json, [key]: randomBytes(32).toString('base64url') });
}

/**
 * Reads the local SecretString of a webhook platform with its adapter's shape.
 * @throws Error (without the value) when it is missing, not JSON or not the adapter's shape
 */
export function parsePlatformSecret(platform: string, secretString: string | undefined): unknown {
  const adapter = platformRegistry.get(platform);
  if (!adapter) throw new Error(`no webhook platform "${platform}"`);
  let json: unknown;
  try {
    json = JSON.parse(secretString ?? '');
  } catch {
    throw new Error(`the ${platform} secret is not JSON`);
  }
  const parsed = adapter.secretShape.safeParse(json);
  if (!parsed.success) throw new Error(`the ${platform} secret is not ${adapter.secretDescription}`);
  return parsed.data;
}

const MetaSecretSchema = z.object({ appSecret: z.string().min(1), verifyToken: z.string().min(1) });

/**
 * Reads a Meta SecretString.
 * @throws Error (without the value) when it is not `{"appSecret": "...", "verifyToken": "..."}`
 */
export function parseMetaSecret(secretString: string | undefined): z.infer<typeof MetaSecretSchema> {
  let json: unknown;
  try {
    json = JSON.parse(secretString ?? '');
  } catch {
    throw new Error('the Meta secret is not JSON');
  }
  const parsed = MetaSecretSchema.safeParse(json);
  if (!parsed.success) throw new Error('the Meta secret lacks appSecret or verifyToken');
  return parsed.data;
}

export interface LocalSecrets {
  /** SecretString by secret name. */
  readonly values: Readonly<Record<string, string>>;
  /** Where they are kept, when persisted. */
  readonly file: string | undefined;
  /** Names generated (or completed with a generated key) by this call. */
  readonly generated: readonly string[];
}

/**
 * Resolves the value of every topology secret: `given` first, then the persisted file,
 * then a new random value (written back to the file when persisted).
 */
export async function loadLocalSecrets(
  specs: readonly SecretSpec[],
  options: { dataDir?: string; given?: Readonly<Record<string, string>> } = {},
): Promise<LocalSecrets> {
  const file = options.dataDir ? path.join(options.dataDir, SECRETS_FILE) : undefined;
  const stored = file ? await readSecretsFile(file) : {};
  const values: Record<string, string> = {};
  const generated: string[] = [];
  for (const spec of specs) {
    const given = options.given?.[spec.name];
    const value = given ?? stored[spec.name];
    // A stored secret without the key Backchannel generates gets one, as the stack gives it;
    // a given value is used as it is (a test may give an incomplete one on purpose).
    const completed = given === undefined && value !== undefined ? completeSecretValue(spec, value) : undefined;
    if (completed !== undefined) {
      values[spec.name] = completed;
      generated.push(spec.name);
    } else if (value !== undefined) {
      values[spec.name] = value;
    } else {
      values[spec.name] = generateSecretValue(spec);
      generated.push(spec.name);
    }
  }
  if (file && generated.length > 0) {
    await mkdir(path.dirname(file), { recursive: true });
    const merged = { ...stored, ...Object.fromEntries(generated.map((name) => [name, values[name] as string])) };
    await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
  }
  // writeFile keeps the mode of an existing file: make sure only the owner can read it.
  if (file && (await exists(file))) await chmod(file, 0o600);
  return { values, file, generated };
}

async function readSecretsFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === 'string')
  ) {
    throw new Error(`${file} must map secret names to their SecretString`);
  }
  return parsed as Record<string, string>;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `secretsmanager.GetSecretValue` operation over the topology's secrets.
 * `authorize` returns why a caller may not read a secret (by secret id, undefined for a
 * name the topology does not have, with the id as requested), or undefined. It is asked
 * before the secret is looked up, as IAM is: a caller without a grant learns nothing of
 * which secret names exist.
 */
export function getSecretValueOperation(options: {
  readonly specs: readonly SecretSpec[];
  readonly values: Readonly<Record<string, string>>;
  readonly region: string;
  readonly accountId: string;
  readonly authorize?: (caller: Caller, secretId: string | undefined, requested: string) => string | undefined;
  readonly createdAt?: Date;
}) {
  const createdDate = Math.floor((options.createdAt ?? new Date()).getTime() / 1000);
  const arnOf = (spec: SecretSpec) =>
    `arn:aws:secretsmanager:${options.region}:${options.accountId}:secret:${spec.name}-local`;
  return async (input: Record<string, unknown>, caller: Caller) => {
    const secretId = input.SecretId;
    if (typeof secretId !== 'string' || secretId.length === 0) {
      throw new AwsServiceError(
        'ValidationException',
        "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must not be null",
      );
    }
    const spec = options.specs.find((s) => s.name === secretId || arnOf(s) === secretId);
    const denied = options.authorize?.(caller, spec?.id, secretId);
    if (denied) throw new AwsServiceError('AccessDeniedException', denied);
    const value = spec ? options.values[spec.name] : undefined;
    if (!spec || value === undefined)
      throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return {
      ARN: arnOf(spec),
      Name: spec.name,
      VersionId: 'local-1',
      SecretString: value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: createdDate,
    };
  };
}
