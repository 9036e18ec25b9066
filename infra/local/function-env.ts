import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { FunctionEnv } from '../../shared/config/runtime-env.ts';
import type { EnvValue, FunctionSpec, Topology } from '../topology.ts';
import { randomBytes } from 'node:crypto';

/** A function's environment on this machine: its topology values plus what Lambda sets. */

/** The local endpoints a function's SDK clients talk to. */
export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly eventBridge: string;
  readonly secretsManager: string;
}

/** Port 9 (discard) on the loopback: nothing listens, so a Bedrock call is refused at once. */
export const NO_LOCAL_BEDROCK = 'http://127.0.0.1:9';

/** The credentials a function signs with; the local endpoint knows the function, and its grants, by them. */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * Fresh random credentials, made at each start and held only in the runtime's memory and the
 * function's environment: no other local process can derive them from a function's name.
 */
export function createLocalCredentials(): LocalCredentials {
  return {
    accessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
}

/** An environment value that names something the topology does not have. */
export class FunctionEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionEnvError';
  }
}

/** Variables every Lambda function gets from the platform, here pointing at the local backends. */
function platformEnv(spec: FunctionSpec, where: LocalWhere): Record<string, string> {
  const fresh = createLocalCredentials();
  return {
    AWS_REGION: where.region,
    AWS_DEFAULT_REGION: where.region,
    AWS_ACCESS_KEY_ID: where.credentials?.get(spec.id)?.accessKeyId ?? fresh.accessKeyId,
    AWS_SECRET_ACCESS_KEY: where.credentials?.get(spec.id)?.secretAccessKey ?? fresh.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: where.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: where.endpoints.sqs,
    AWS_ENDPOINT_URL_EVENTBRIDGE: where.endpoints.eventBridge,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: where.endpoints.secretsManager,
    // There is no local Bedrock: a refused connection makes the cloud classifier (when a
    // company enables it) fall back to the local result at once, and nothing leaves the machine.
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: NO_LOCAL_BEDROCK,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    // Notifications go to files there, not to Slack, Teams or SES: nothing leaves the machine.
    ...(where.outboxDir ? { NOTIFY_OUTBOX_DIR: where.outboxDir } : {}),
  };
}

/** Where the local functions run: the region, the local endpoints and the notification outbox. */
export interface LocalWhere {
  readonly region: string;
  readonly endpoints: LocalEndpoints;
  /** Directory of the notification outbox (NOTIFY_OUTBOX_DIR); the runtime always sets it. */
  readonly outboxDir?: string;
  /** The folder of each bucket by id (`<dataDir>/<localDir>`, a temporary one in memory). */
  readonly bucketDirs?: Readonly<Record<string, string>>;
  /** Each function's credentials by function id; a function without gets fresh random ones. */
  readonly credentials?: ReadonlyMap<string, LocalCredentials>;
}

/**
 * The environment of one function: its topology values resolved against the local
 * resources, plus the platform variables.
 * @throws FunctionEnvError for an unknown queue or secret, or a topology variable the platform owns
 */
export function resolveEnv(
  spec: FunctionSpec,
  topology: Topology,
  config: CompanyConfig,
  queueUrls: Readonly<Record<string, string>>,
  where: LocalWhere,
): FunctionEnv {
  const resolve = (name: string, value: EnvValue): string => {
    switch (value.kind) {
      case 'literal':
        return value.value;
      case 'companyConfig':
        return JSON.stringify(config);
      case 'tableName':
        return topology.table.name;
      case 'busName':
        return topology.bus.name;
      case 'queueUrl': {
        const url = queueUrls[value.queue];
        if (!url) throw new FunctionEnvError(`${spec.id}: ${name} names unknown queue ${value.queue}`);
        return url;
      }
      case 'bucket': {
        if (!topology.buckets.some((b) => b.id === value.bucket))
          throw new FunctionEnvError(`${spec.id}: ${name} names unknown bucket ${value.bucket}`);
        // Without a folder (a function built on its own, as some tests do) there is no store: empty.
        const dir = where.bucketDirs?.[value.bucket];
        return dir ? `file:${dir}` : '';
      }
      case 'secretName': {
        const secret = topology.secrets.find((s) => s.id === value.secret);
        if (!secret) throw new FunctionEnvError(`${spec.id}: ${name} names unknown secret ${value.secret}`);
        return secret.name;
      }
      case 'consoleLogin':
        // On a laptop people sign in on the runtime's own login page (console-login.ts), whatever admin.auth says.
        return JSON.stringify({ auth: 'local' });
    }
  };
  const platform = platformEnv(spec, where);
  const own = Object.entries(spec.environment).map(([name, value]) => {
    if (name in platform) throw new FunctionEnvError(`${spec.id}: ${name} is set by the platform, not the topology`);
    return [name, resolve(name, value)] as const;
  });
  return { ...Object.fromEntries(own), ...platform };
}
