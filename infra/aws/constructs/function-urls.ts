import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../../topology.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import type { Functions } from './functions.ts';

export interface FunctionUrlsProps {
  readonly functions: readonly FunctionSpec[];
  readonly handlers: Functions;
}

/** One function's URL and the paths the topology says it answers there. */
export interface BoundFunctionUrl {
  readonly functionId: string;
  readonly paths: readonly string[];
  readonly url: lambda.FunctionUrl;
}

/**
 * The Lambda function URLs of the functions with a `url` trigger (ingest-webhook's webhooks).
 *
 * - Auth NONE: the platforms send no AWS credentials; the function authenticates every POST by
 *   the platform's signature over the raw body and checks each handshake (the reasons the
 *   HTTP API's open webhook routes carry, webhook-api.ts).
 * - No CORS: browsers never call it; a platform's server does.
 * - BUFFERED: the function answers with one response (a status and a short body).
 * - No API in front, so no stage throttle: the function's reserved concurrency (the topology
 *   always sets one for a URL-triggered function) is its ceiling, and Lambda answers 429 above it.
 */
export class FunctionUrls extends Construct {
  readonly all: readonly BoundFunctionUrl[];

  constructor(scope: Construct, id: string, props: FunctionUrlsProps) {
    super(scope, id);
    const all: BoundFunctionUrl[] = [];
    for (const spec of props.functions) {
      const paths = spec.triggers.flatMap((t) => (t.type === 'url' ? t.paths : []));
      if (paths.length === 0) continue;
      if (spec.reservedConcurrency === undefined)
        throw new TopologyMismatchError(
          `function "${spec.id}" has a function URL but no reserved concurrency: nothing would throttle it`,
        );
      const url = props.handlers.get(spec.id, 'the function URLs').function.addFunctionUrl({
        authType: lambda.FunctionUrlAuthType.NONE,
        invokeMode: lambda.InvokeMode.BUFFERED,
      });
      all.push({ functionId: spec.id, paths, url });
    }
    this.all = all;
  }

  /** The URL of a function, for the stack outputs. */
  get(functionId: string): BoundFunctionUrl | undefined {
    return this.all.find((u) => u.functionId === functionId);
  }
}
