import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FunctionEnv } from '../config/runtime-env.ts';
import { clientConfig, observed } from './aws-client-config.ts';

/** AWS Secrets Manager, alone in its module: forward-alarm needs no other client (aws-client-config.ts). */
export function createSecretsClient(env: FunctionEnv): SecretsManagerClient {
  return observed(new SecretsManagerClient(clientConfig(env, 'SECRETS_MANAGER')));
}
