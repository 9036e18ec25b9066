import { COMPANY_CONFIG_ENV } from '../../infra/topology-constants.ts';

/** A function's environment: the variables the topology gives it. */
export type FunctionEnv = Readonly<Record<string, string | undefined>>;

/**
 * The environment of a deployed Lambda function.
 *
 * `process.env.COMPANY_CONFIG` is spelled out on purpose: in the cloud esbuild's `define`
 * replaces exactly this expression with the config JSON at bundle time (Lambda caps all
 * environment variables at 4 KB). Locally the runtime passes its own environment to
 * `createHandler` and this function is not used.
 */
export function lambdaEnvironment(): FunctionEnv {
  return { ...process.env, [COMPANY_CONFIG_ENV]: process.env.COMPANY_CONFIG };
}

/**
 * Reads a required variable.
 * @throws Error naming the variable when it is missing
 */
export function requireEnv(env: FunctionEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
