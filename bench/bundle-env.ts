import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type BuiltBundle,
  type BundleOptions,
  buildLambdaBundle,
  lambdaBaseEnvironment,
  SDK_CHECKSUM,
  SDK_CREDENTIAL_CHAIN,
  SDK_EVENT_STREAMS,
} from '../infra/bundling.ts';
import type { FunctionSpec } from '../infra/topology.ts';
import type { CompanyConfig } from '../shared/config/schema.ts';

/**
 * The environment of a function in the cloud, with placeholder values for its resources
 * (nothing is called at import): what bench:bundles and bench:bundle-profile import a
 * bundle with. Without a spec: the baseline bundle's.
 */
export function environmentOf(spec: FunctionSpec | undefined, sourceMaps = false): Record<string, string> {
  const env: Record<string, string> = {
    ...lambdaBaseEnvironment('INFO', sourceMaps),
    AWS_REGION: 'eu-central-1',
    AWS_LAMBDA_FUNCTION_NAME: spec?.name ?? 'baseline',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [name, value] of Object.entries(spec?.environment ?? {})) {
    if (value.kind === 'literal') env[name] = value.value;
    else if (value.kind !== 'companyConfig') env[name] = `bench-${name.toLowerCase()}`;
  }
  return env;
}

/** The baseline: the least a Backchannel function carries (an SQS client, middy, a logger), used once so nothing is shaken out. */
export const BASELINE_SOURCE = `
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
const logger = new Logger({ serviceName: 'baseline' });
const sqs = new SQSClient({});
export const handler = middy(async (event) => {
  logger.info('received', { records: event.Records?.length });
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: '{}' }));
  return { batchItemFailures: [] };
});
`;

/**
 * How the baseline is built: the functions' settings, but with the SDK's own default
 * credential chain (nested STS / SSO OIDC clients and all), event-stream codec and checksum
 * module (SHA-256 with its pure JavaScript fallback), which the functions replace by
 * infra/sdk-lean/credential-provider.ts, event-streams.ts and checksum.ts. Issue 12 defines the
 * baseline as client-sqs + middy + the logger as they come (335 KiB): it is the reference the
 * functions are held to, not something to shrink with them.
 */
export const BASELINE_BUNDLE_OPTIONS: BundleOptions = {
  withoutAliases: [SDK_CREDENTIAL_CHAIN, SDK_EVENT_STREAMS, SDK_CHECKSUM],
};

/** Issue 12's target: every function but classify-mention within this many times the baseline, in bytes and cold import. */
export const BUNDLE_TARGET = 1.3;

/** Builds the baseline bundle (BASELINE_SOURCE with BASELINE_BUNDLE_OPTIONS) into `<dir>/baseline`; its entry is written into `dir`. */
export async function buildBaselineBundle(
  config: CompanyConfig,
  projectRoot: string,
  dir: string,
): Promise<BuiltBundle> {
  const entry = path.join(dir, 'baseline-entry.ts');
  writeFileSync(entry, BASELINE_SOURCE);
  return buildLambdaBundle(
    { entry: path.relative(projectRoot, entry), environment: {} },
    config,
    projectRoot,
    path.join(dir, 'baseline'),
    BASELINE_BUNDLE_OPTIONS,
  );
}
