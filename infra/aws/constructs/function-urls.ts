import { Aws, CfnCondition, type CfnResource, Fn, type ICfnConditionExpression } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../../topology.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import type { Functions } from './functions.ts';

export interface FunctionUrlsProps {
  readonly functions: readonly FunctionSpec[];
  readonly handlers: Functions;
}

/**
 * The regions where Lambda offers no function URLs (the Lambda developer guide, "Creating and
 * managing Lambda function URLs", read 2026-12-05). The stack is region-agnostic, so it cannot
 * leave the URL out at synth time: a CloudFormation condition does, where the stack is deployed.
 * There the webhooks stay on the HTTP API's routes (kept for the deployment window anyway) and
 * the webhook outputs name those. Zurich matters here: a Swiss company may have to keep its data
 * in the country.
 */
export const REGIONS_WITHOUT_FUNCTION_URLS: readonly string[] = [
  'ap-south-2',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ap-east-2',
  'ca-west-1',
  'eu-south-2',
  'eu-central-2',
  'il-central-1',
  'me-central-1',
];

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
 * - No API in front, so no stage throttle: the function's reserved concurrency
 *   (`capacity.concurrency.ingest`, 20 by default) is its ceiling, and Lambda answers 429 above
 *   it; a company that sets 0 (an account whose quota cannot hold a reservation) has no cap but
 *   the account's pool.
 */
export class FunctionUrls extends Construct {
  readonly all: readonly BoundFunctionUrl[];
  /** True where the stack is deployed in a region with function URLs (`REGIONS_WITHOUT_FUNCTION_URLS`). */
  readonly supported: CfnCondition;

  constructor(scope: Construct, id: string, props: FunctionUrlsProps) {
    super(scope, id);
    this.supported = new CfnCondition(this, 'Supported', { expression: regionHasFunctionUrls() });
    const all: BoundFunctionUrl[] = [];
    for (const spec of props.functions) {
      const paths = spec.triggers.flatMap((t) => (t.type === 'url' ? t.paths : []));
      if (paths.length === 0) continue;
      const fn = props.handlers.get(spec.id, 'the function URLs').function;
      const url = fn.addFunctionUrl({
        authType: lambda.FunctionUrlAuthType.NONE,
        invokeMode: lambda.InvokeMode.BUFFERED,
      });
      // The URL and the two permissions it adds for anyone (invoke-function-url, invoke-function) exist only
      // where the region has function URLs; elsewhere nothing is opened and the HTTP API's routes serve.
      for (const child of [
        url.node.defaultChild,
        fn.node.tryFindChild('invoke-function-url'),
        fn.node.tryFindChild('invoke-function'),
      ]) {
        if (!child)
          throw new TopologyMismatchError(`function "${spec.id}": the function URL's resources were not found`);
        (child as CfnResource).cfnOptions.condition = this.supported;
      }
      all.push({ functionId: spec.id, paths, url });
    }
    this.all = all;
  }

  /** `whereSupported` in regions with function URLs, `elsewhere` in the others (a token). */
  choose(whereSupported: string, elsewhere: string): string {
    return Fn.conditionIf(this.supported.logicalId, whereSupported, elsewhere).toString();
  }

  /** The URL of a function, for the stack outputs. */
  get(functionId: string): BoundFunctionUrl | undefined {
    return this.all.find((u) => u.functionId === functionId);
  }
}

/** `AWS::Region` is none of `REGIONS_WITHOUT_FUNCTION_URLS` (Fn::Or takes at most 10 conditions: two of them). */
function regionHasFunctionUrls(): ICfnConditionExpression {
  const equals = REGIONS_WITHOUT_FUNCTION_URLS.map((region) => Fn.conditionEquals(Aws.REGION, region));
  const groups: ICfnConditionExpression[] = [];
  for (let i = 0; i < equals.length; i += 10) {
    const group = equals.slice(i, i + 10);
    groups.push(group.length === 1 ? (group[0] as ICfnConditionExpression) : Fn.conditionOr(...group));
  }
  return Fn.conditionNot(groups.length === 1 ? (groups[0] as ICfnConditionExpression) : Fn.conditionOr(...groups));
}
