import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { bundleAssets, bundleDefine, lambdaBaseEnvironment } from '../../bundling.ts';
import type { EnvValue, FunctionSpec, Grant, ObservabilitySpec } from '../../topology.ts';
import { TopologyMismatchError } from '../topology-mismatch-error.ts';
import { acknowledgeFinding, defaultPolicyOf, nagRef } from '../nag.ts';
import { BackchannelFunction } from './backchannel-function.ts';
import type { Buckets } from './buckets.ts';
import type { DataStore } from './data-store.ts';
import type { EventRouting } from './event-routing.ts';
import type { PlatformSecrets } from './platform-secrets.ts';
import type { WorkQueues } from './work-queues.ts';

export interface FunctionsProps {
  readonly functions: readonly FunctionSpec[];
  readonly config: CompanyConfig;
  readonly projectRoot: string;
  readonly data: DataStore;
  readonly buckets: Buckets;
  readonly queues: WorkQueues;
  readonly events: EventRouting;
  readonly secrets: PlatformSecrets;
  readonly logRetention: logs.RetentionDays;
  /** POWERTOOLS_LOG_LEVEL of every function (and Lambda's application log level). */
  readonly logLevel: string;
  /** Lambda's log format, system log level and tracing of every function. */
  readonly observability: ObservabilitySpec;
  /** The console's login settings as JSON (`consoleLogin` values): the stack's user pool; absent: `admin.auth` of the config. */
  readonly consoleLogin?: string;
  /** NODE_OPTIONS=--enable-source-maps in every function (lambdaBaseEnvironment). */
  readonly sourceMaps: boolean;
  /** Give each function the topology's name (physical-names.ts); else CloudFormation names it. */
  readonly legacyNames: boolean;
}

/**
 * Every function of the topology with its environment, its grants (and nothing more), and
 * its SQS triggers. HTTP and schedule triggers belong to the API and the schedules.
 */
export class Functions extends Construct {
  private readonly byId = new Map<string, BackchannelFunction>();
  private readonly props: FunctionsProps;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    this.props = props;
    for (const spec of props.functions) {
      const { environment, define } = this.resolveEnvironment(spec);
      const assets = bundleAssets(spec, props.config, props.projectRoot);
      const fn = new BackchannelFunction(this, spec.id, {
        spec,
        projectRoot: props.projectRoot,
        ...(assets.length > 0 ? { assets } : {}),
        environment,
        define,
        logRetention: props.logRetention,
        logLevel: props.logLevel,
        observability: props.observability,
        legacyNames: props.legacyNames,
      });
      for (const grant of spec.grants) this.applyGrant(spec, fn, grant);
      this.addQueueTriggers(spec, fn);
      this.configureAsyncInvoke(spec, fn);
      this.byId.set(spec.id, fn);
    }
  }

  /** All functions in topology order, with their spec. */
  get all(): readonly { readonly spec: FunctionSpec; readonly fn: BackchannelFunction }[] {
    return this.props.functions.map((spec) => ({ spec, fn: this.get(spec.id, 'the stack') }));
  }

  /**
   * The function with this topology id.
   * @throws TopologyMismatchError when the topology references a function it does not describe
   */
  get(functionId: string, referencedBy: string): BackchannelFunction {
    const found = this.byId.get(functionId);
    if (!found) throw new TopologyMismatchError(`${referencedBy} references unknown function "${functionId}"`);
    return found;
  }

  private resolveEnvironment(spec: FunctionSpec): {
    environment: Record<string, string>;
    define: Record<string, string>;
  } {
    const environment = lambdaBaseEnvironment(this.props.logLevel, this.props.sourceMaps);
    for (const [name, value] of Object.entries(spec.environment)) {
      // The company config is not a variable: esbuild inlines it (bundleDefine).
      if (value.kind !== 'companyConfig') environment[name] = this.resolveValue(spec, value);
    }
    return { environment, define: bundleDefine(spec, this.props.config) };
  }

  private resolveValue(spec: FunctionSpec, value: Exclude<EnvValue, { kind: 'companyConfig' }>): string {
    const where = `function "${spec.id}"`;
    switch (value.kind) {
      case 'literal':
        return value.value;
      case 'tableName':
        return this.props.data.table.tableName;
      case 'busName':
        return this.props.events.bus.eventBusName;
      case 'queueUrl':
        return this.props.queues.get(value.queue, where).queue.queueUrl;
      case 'bucket':
        return this.props.buckets.get(value.bucket, where).bucket.bucketName;
      case 'secretName':
        // The topology's name, not `secret.secretName`: CDK derives that from the ARN by
        // cutting at the first '-', which breaks for company ids with a dash.
        return this.props.secrets.get(value.secret, where).spec.name;
      case 'consoleLogin':
        return this.props.consoleLogin ?? JSON.stringify({ auth: 'config' });
      default:
        return assertNever(value);
    }
  }

  private applyGrant(spec: FunctionSpec, fn: BackchannelFunction, grant: Grant): void {
    const where = `function "${spec.id}"`;
    const grantee = fn.function;
    switch (grant.resource) {
      case 'table': {
        const { table } = this.props.data;
        if (grant.access === 'read') table.grantReadData(grantee);
        else table.grantReadWriteData(grantee);
        const policy = defaultPolicyOf(fn.role);
        acknowledgeFinding(
          policy,
          `AwsSolutions-IAM5[Resource::${nagRef(table)}/index/*]`,
          "Queries run on the table's own global secondary indexes; the wildcard covers only indexes of this one table.",
        );
        if (grant.access === 'readWrite') {
          for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
            acknowledgeFinding(
              policy,
              `AwsSolutions-IAM5[Action::${action}]`,
              'Writing items of a table encrypted with a customer-managed key needs these KMS actions; the statement is limited to that one key.',
            );
          }
        }
        return;
      }
      case 'queue': {
        const { queue } = this.props.queues.get(grant.queue, where);
        if (grant.access === 'send') queue.grantSendMessages(grantee);
        else queue.grantConsumeMessages(grantee);
        return;
      }
      case 'bus':
        this.props.events.bus.grantPutEventsTo(grantee);
        return;
      case 'secret':
        this.props.secrets.get(grant.secret, where).secret.grantRead(grantee);
        return;
      case 'bucket': {
        const { bucket } = this.props.buckets.get(grant.bucket, where);
        if (grant.access === 'read') bucket.grantRead(grantee);
        else bucket.grantReadWrite(grantee);
        acknowledgeFinding(
          defaultPolicyOf(fn.role),
          `AwsSolutions-IAM5[Resource::${nagRef(bucket)}/*]`,
          'Objects of the one models bucket: version records, weights and the promotion pointer, whose keys are chosen at run time.',
        );
        for (const action of grant.access === 'read'
          ? ['s3:GetObject*', 's3:GetBucket*', 's3:List*']
          : ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
          acknowledgeFinding(
            defaultPolicyOf(fn.role),
            `AwsSolutions-IAM5[Action::${action}]`,
            "CDK's grant of S3 reads (and writes) on the one models bucket; the statement names only that bucket.",
          );
        }
        return;
      }
      case 'model':
        this.grantModelInvoke(fn, grant.modelId);
        return;
      case 'email':
        this.grantEmailSend(fn);
        return;
      default:
        assertNever(grant);
    }
  }

  /**
   * bedrock:InvokeModel (what the Converse API needs) on one model. A cross-region inference
   * profile id (`eu.amazon.nova-micro-v1:0`) needs the profile in this account and the
   * foundation model in each region the profile may route to.
   */
  private grantModelInvoke(fn: BackchannelFunction, modelId: string): void {
    const { partition, region, account } = Stack.of(this);
    const profile = /^(us|eu|apac|us-gov|global)\.(.+)$/.exec(modelId);
    const resources = profile
      ? [
          `arn:${partition}:bedrock:${region}:${account}:inference-profile/${modelId}`,
          `arn:${partition}:bedrock:*::foundation-model/${profile[2]}`,
        ]
      : [`arn:${partition}:bedrock:${region}::foundation-model/${modelId}`];
    fn.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources }));
    if (profile) {
      acknowledgeFinding(
        defaultPolicyOf(fn.role),
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${profile[2]}]`,
        'A cross-region inference profile routes to the same foundation model in several regions; the wildcard is the region only, for this one model.',
      );
    }
  }

  /**
   * ses:SendEmail from the account's identities in the stack's region. SES checks the
   * sender's identity, and (while the account is in the SES sandbox) each recipient's too,
   * so the resource cannot be narrowed to the one sender address.
   */
  private grantEmailSend(fn: BackchannelFunction): void {
    const { partition, region, account } = Stack.of(this);
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [`arn:${partition}:ses:${region}:${account}:identity/*`],
      }),
    );
    acknowledgeFinding(
      defaultPolicyOf(fn.role),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
      'Department e-mail notifications: SES authorizes SendEmail against the sender identity and, in the SES sandbox, each recipient identity; the wildcard covers only identities of this account and region, and the action is SendEmail alone.',
    );
  }

  /**
   * A function invoked asynchronously (by a schedule or the alert topic) retries as the
   * topology says and then sends the record of the failed invocation to its on-failure
   * queue (the destination grants the function sqs:SendMessage on it).
   */
  private configureAsyncInvoke(spec: FunctionSpec, fn: BackchannelFunction): void {
    const asyncTriggered = spec.triggers.some((t) => t.type === 'schedule' || t.type === 'alerts');
    if (!spec.asyncInvoke) {
      if (asyncTriggered)
        throw new TopologyMismatchError(
          `function "${spec.id}" is invoked asynchronously but has no on-failure destination`,
        );
      return;
    }
    fn.function.configureAsyncInvoke({
      onFailure: new SqsDestination(this.props.queues.deadLetter(spec.asyncInvoke.onFailure, `function "${spec.id}"`)),
      retryAttempts: spec.asyncInvoke.retry.retryAttempts,
      maxEventAge: Duration.seconds(spec.asyncInvoke.retry.maxEventAgeSeconds),
    });
  }

  private addQueueTriggers(spec: FunctionSpec, fn: BackchannelFunction): void {
    for (const trigger of spec.triggers) {
      if (trigger.type !== 'sqs') continue;
      // An event source mapping grants consume rights by itself; insist the topology says so
      // too, so the function's permissions are readable from the topology alone.
      const granted = spec.grants.some(
        (g) => g.resource === 'queue' && g.queue === trigger.queue && g.access === 'consume',
      );
      if (!granted) {
        throw new TopologyMismatchError(
          `function "${spec.id}" is triggered by queue "${trigger.queue}" but has no consume grant on it`,
        );
      }
      const { queue } = this.props.queues.get(trigger.queue, `function "${spec.id}"`);
      fn.function.addEventSource(
        new SqsEventSource(queue, {
          batchSize: trigger.batchSize,
          maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
          reportBatchItemFailures: trigger.reportBatchItemFailures,
          maxConcurrency: trigger.maxConcurrency,
        }),
      );
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled topology value ${JSON.stringify(value)}`);
}
