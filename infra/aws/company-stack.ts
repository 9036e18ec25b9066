import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { buildTopology, type Topology } from '../topology.ts';
import { webhookPaths } from '../webhook-paths.ts';
import { STACK_OUTPUTS, functionOutputKey, pascalCase, queueOutputKey } from './stack-outputs.ts';
import { Alarms } from './constructs/alarms.ts';
import { Alerts } from './constructs/alerts.ts';
import { Buckets } from './constructs/buckets.ts';
import { ConsoleUsers } from './constructs/console-users.ts';
import { DataStore } from './constructs/data-store.ts';
import { EventRouting } from './constructs/event-routing.ts';
import { FunctionUrls } from './constructs/function-urls.ts';
import { acknowledgeStackFinding } from './nag.ts';
import { Functions } from './constructs/functions.ts';
import { PlatformSecrets } from './constructs/platform-secrets.ts';
import { Schedules } from './constructs/schedules.ts';
import { WebhookApi } from './constructs/webhook-api.ts';
import { WorkQueues } from './constructs/work-queues.ts';
import { TopologyMismatchError } from './topology-mismatch-error.ts';

export interface CompanyStackProps extends StackProps {
  /** The validated company config; the stack is built from its topology alone. */
  readonly config: CompanyConfig;
  /** Repository root, where function entries and package-lock.json live. */
  readonly projectRoot: string;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** POWERTOOLS_LOG_LEVEL of every function. @default INFO */
  readonly logLevel?: string;
  /**
   * Whether functions map stack traces through their source maps (`NODE_OPTIONS=--enable-source-maps`,
   * `npx cdk deploy -c sourceMaps=true`): readable traces for 14-75 ms more per cold start. @default false
   */
  readonly sourceMaps?: boolean;
  /**
   * Give every resource the name of the releases before issue 16 (`bc-<company>-<id>`,
   * `npx cdk deploy -c legacyNames=true`), so that a stack deployed before is updated in
   * place instead of having its table, queues and functions replaced (physical-names.ts,
   * docs/operations.md). @default false: CloudFormation names them
   */
  readonly legacyNames?: boolean;
}

/**
 * One company's stack, built only from `buildTopology(config)`. Nothing in it is shared
 * with another company's stack.
 */
export class CompanyStack extends Stack {
  readonly topology: Topology;
  readonly data: DataStore;
  readonly buckets: Buckets;
  readonly secrets: PlatformSecrets;
  readonly queues: WorkQueues;
  readonly events: EventRouting;
  readonly functions: Functions;
  readonly webhooks: WebhookApi;
  /** Ingest's function URL: the webhooks' entry point. */
  readonly functionUrls: FunctionUrls;
  readonly schedules: Schedules;
  readonly alerts: Alerts;
  readonly alarms: Alarms;
  /** The console's user pool (`admin.auth: cognito`). */
  readonly users: ConsoleUsers | undefined;

  constructor(scope: Construct, id: string, props: CompanyStackProps) {
    super(scope, id, props);
    const topology = buildTopology(props.config);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.topology = topology;
    const legacyNames = props.legacyNames ?? false;

    this.data = new DataStore(this, 'Data', { table: topology.table, legacyNames });
    this.buckets = new Buckets(this, 'Buckets', { buckets: topology.buckets });
    // The secrets keep their fixed names (physical-names.ts): configs name them, admins fill them in.
    this.secrets = new PlatformSecrets(this, 'Secrets', { secrets: topology.secrets });
    this.queues = new WorkQueues(this, 'Queues', {
      queues: topology.queues,
      deadLetterQueues: topology.deadLetterQueues,
      legacyNames,
    });
    this.events = new EventRouting(this, 'Events', { bus: topology.bus, queues: this.queues, legacyNames });
    const adminAuth = topology.http.adminAuth;
    this.users =
      adminAuth.type === 'cognito'
        ? new ConsoleUsers(this, 'ConsoleUsers', { spec: adminAuth, legacyNames })
        : undefined;
    this.functions = new Functions(this, 'Functions', {
      functions: topology.functions,
      config: props.config,
      projectRoot: props.projectRoot,
      data: this.data,
      buckets: this.buckets,
      queues: this.queues,
      events: this.events,
      secrets: this.secrets,
      logRetention,
      logLevel: props.logLevel ?? 'INFO',
      observability: topology.observability,
      ...(this.users ? { consoleLogin: this.users.consoleLoginJson() } : {}),
      sourceMaps: props.sourceMaps ?? false,
      legacyNames,
    });
    this.webhooks = new WebhookApi(this, 'Webhooks', {
      http: topology.http,
      functions: topology.functions,
      handlers: this.functions,
      logRetention,
      ...(this.users ? { users: this.users } : {}),
      legacyNames,
    });
    this.functionUrls = new FunctionUrls(this, 'FunctionUrls', {
      functions: topology.functions,
      handlers: this.functions,
    });
    this.schedules = new Schedules(this, 'Schedules', {
      schedules: topology.schedules,
      functions: topology.functions,
      handlers: this.functions,
      queues: this.queues,
      legacyNames,
    });
    this.alerts = new Alerts(this, 'Alerts', {
      alerts: topology.alerts,
      functions: topology.functions,
      handlers: this.functions,
      legacyNames,
    });
    this.alarms = new Alarms(this, 'Alarms', {
      alarms: topology.alerts.alarms,
      topic: this.alerts.topic,
      queues: this.queues,
      functions: this.functions,
      events: this.events,
      api: this.webhooks,
      legacyNames,
    });

    // The webhooks' entry point is ingest's function URL (Round w16); its URL ends with `/`.
    const webhookUrl = this.functionUrls.all[0];
    if (!webhookUrl) throw new TopologyMismatchError('no function has a url trigger: the webhooks have no entry point');
    // In a region without function URLs (REGIONS_WITHOUT_FUNCTION_URLS) the outputs name the HTTP API's routes:
    // each value is a whole Fn::If, so nothing reads the URL where the condition leaves it out.
    const webhook = (tail: string) =>
      this.functionUrls.choose(`${webhookUrl.url.url}${tail}`, `${this.webhooks.url}${tail}`);
    // W1001 (a reference to a conditional resource) is reported for each of these outputs although the URL is read only
    // in the Fn::If branch of the URL's own condition; the URL and its two permissions are the stack's only conditional
    // resources, so no other reference can be meant. The validation reports it on the stack (outputs are no resources):
    // acknowledged there, and written once into the template's Metadata, not into every resource's.
    acknowledgeStackFinding(
      this,
      'CloudFormation Validate::W1001',
      "the webhook outputs read ingest's function URL only inside Fn::If on the URL's own condition (FunctionUrls/Supported)",
    );
    new CfnOutput(this, 'WebhookBaseUrl', {
      description:
        "Base URL of the webhooks (ingest's function URL; the HTTP API where the region has no function URLs); a platform calls <base>/<platform>",
      value: webhook(webhookBasePath(webhookUrl.paths)),
    });
    new CfnOutput(this, 'ApiWebhookBaseUrl', {
      description:
        "The webhooks' old base URL on the HTTP API (releases before w16): still served, so platforms registered there lose nothing; move each to its WebhookUrl<Platform>, then the old routes can go (docs/operations.md)",
      value: `${this.webhooks.url}${webhookBasePath(this.webhooks.routePaths)}`,
    });
    // The URL to register on each platform's side, whole (`<function url>/webhooks/meta`): nothing to assemble.
    for (const [platform, path] of Object.entries(webhookPaths(topology))) {
      const sources = platform === 'generic' ? (props.config.platforms.generic?.sources ?? []) : [];
      if (sources.length === 0) {
        new CfnOutput(this, `WebhookUrl${pascalCase(platform)}`, {
          description: `Webhook URL to register on ${platform}'s side`,
          value: webhook(path.slice(1).replace('{source}', '<source>')),
        });
      }
      for (const source of sources) {
        new CfnOutput(this, `WebhookUrl${pascalCase(platform)}${pascalCase(source.id)}`, {
          description: `Webhook URL of the generic source ${source.id}${source.name ? ` (${source.name})` : ''}`,
          value: webhook(path.slice(1).replace('{source}', encodeURIComponent(source.id))),
        });
      }
    }
    new CfnOutput(this, 'ConsoleUrl', {
      description: 'The web console (functions/serve-console on the same HTTP API as the admin routes)',
      value: `${this.webhooks.url}console/`,
    });
    new CfnOutput(this, 'AdminApiUrl', {
      description: 'The admin API: GET <url>?department=<id> lists cases (JWT of admin.auth, or AWS IAM)',
      value: `${this.webhooks.url}cases`,
    });
    if (this.users) {
      new CfnOutput(this, 'UserPoolId', {
        description:
          'The console users: add each person and put them into <department>-lead, <department>-member or admins',
        value: this.users.userPool.userPoolId,
      });
      new CfnOutput(this, 'ConsoleLoginUrl', {
        description: "The user pool's hosted login (the console sends people there)",
        value: this.users.domain.baseUrl(),
      });
    }
    new CfnOutput(this, STACK_OUTPUTS.tableName, {
      description: 'The company table (backchannel dlq, cases, erase ... --region read it from here)',
      value: this.data.table.tableName,
    });
    // The CLI finds every queue and DLQ by its topology id here (bin/commands/stack-names.ts).
    for (const { spec, queue, dlq } of this.queues.all) {
      new CfnOutput(this, queueOutputKey(spec.id), { description: `Queue ${spec.id}`, value: queue.queueName });
      new CfnOutput(this, queueOutputKey(spec.dlq.id), { description: `Queue ${spec.dlq.id}`, value: dlq.queueName });
    }
    for (const spec of topology.deadLetterQueues) {
      new CfnOutput(this, queueOutputKey(spec.id), {
        description: `Queue ${spec.id}`,
        value: this.queues.deadLetter(spec.id, 'the stack outputs').queueName,
      });
    }
    for (const { spec, fn } of this.functions.all) {
      new CfnOutput(this, functionOutputKey(spec.id), {
        description: `Function ${spec.id}`,
        value: fn.function.functionName,
      });
    }
    new CfnOutput(this, 'ModelBucketName', {
      description: 'The company classifier models (backchannel train/model --bucket <name>)',
      value: this.buckets.get('models', 'the stack outputs').bucket.bucketName,
    });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'AlertTopicArn', {
      description: 'Every alarm of the stack notifies this topic; subscribe more on-call tooling here',
      value: this.alerts.topic.topicArn,
    });
  }
}

/** `/webhooks/{platform}` -> `webhooks`: the static part the routes share. */
function webhookBasePath(paths: readonly string[]): string {
  // The longest run of leading static segments all routes share (`webhooks` of
  // `/webhooks/{platform}` and `/webhooks/generic/{source}`).
  const statics = paths.map((p) => (p.split('/{')[0] ?? '').split('/').filter(Boolean));
  const first = statics[0] ?? [];
  let common = 0;
  while (common < first.length && statics.every((s) => s[common] === first[common])) common++;
  return first.slice(0, common).join('/');
}
