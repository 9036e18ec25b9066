import { CONSOLE_SCOPES } from '../shared/config/console-config.ts';
import type { CompanyConfig } from '../shared/config/schema.ts';
import { departmentGroupsOf } from '../shared/domain/department-groups.ts';
import { CASE_DETAIL_TYPES, DETAIL_TYPES, EVENT_SOURCE } from '../shared/domain/events.ts';
import { platformRegistry } from '../shared/platforms/registry.ts';
import { REPLY_SECRET_FIELDS } from '../shared/platforms/outbound/secret-fields.ts';
import { alertsTopology } from './alerts.ts';
import { notificationTopology } from './notifications.ts';
import { pollerTopology } from './pollers.ts';
import {
  COMPANY_CONFIG_ENV,
  departmentQueueId,
  departmentQueueUrlEnv,
  INSIGHTS_QUEUE,
  ERASURE_QUEUE,
  GENERIC_WEBHOOK_PATH,
  INTAKE_QUEUE,
  MAX_WEBHOOK_BODY_BYTES,
  METRICS_NAMESPACE,
  MODELS_BUCKET,
  REPORT_FONT_DIR,
  REPORT_FONT_PACKAGE_FILE,
  platformSecretName,
  TRAIN_MODEL_SCHEDULE,
  WEBHOOK_PATH,
} from './topology-constants.ts';

/**
 * The one description of a company's stack. The CDK app (infra/aws) and the local
 * runtime (infra/local) are both built from it and from nothing else, so the laptop and
 * the cloud cannot drift apart.
 */
export interface Topology {
  readonly companyId: string;
  /** Prefix of every physical name, so stacks of several companies never collide. */
  readonly prefix: string;
  readonly timezone: string;
  readonly table: TableSpec;
  /** S3 buckets (locally folders of the data directory). */
  readonly buckets: readonly BucketSpec[];
  readonly queues: readonly QueueSpec[];
  /**
   * Dead-letter queues that no work queue redrives into: where EventBridge puts events a
   * rule could not deliver, Scheduler what it could not invoke, and Lambda the records of
   * failed asynchronous invocations (on-failure destinations).
   */
  readonly deadLetterQueues: readonly DeadLetterQueueSpec[];
  readonly bus: BusSpec;
  readonly functions: readonly FunctionSpec[];
  readonly schedules: readonly ScheduleSpec[];
  readonly secrets: readonly SecretSpec[];
  readonly http: HttpSpec;
  /** The one SNS topic every alarm notifies, its subscribers, and the alarms. */
  readonly alerts: AlertsSpec;
  /** How Lambda logs and traces every function (AWS only). */
  readonly observability: ObservabilitySpec;
}

/**
 * What Lambda itself writes and records for every function, in AWS. The local runtime
 * writes its own log and traces nothing, whatever this says.
 *
 * - `logFormat` JSON: Lambda's advanced logging controls, which filter by level. The
 *   application log level is the stack's POWERTOOLS_LOG_LEVEL (the construct sets both from
 *   one value, so Lambda never drops a line the logger printed).
 * - `systemLogLevel` WARN: Lambda's own START, END and REPORT records (INFO) are not
 *   ingested; their figures are in the AWS/Lambda metrics (Duration, Errors, Throttles,
 *   ConcurrentExecutions), and the alarms read those.
 * - `tracing`: the company's `observability.tracing` (default off).
 */
export interface ObservabilitySpec {
  readonly logFormat: 'JSON';
  readonly systemLogLevel: 'DEBUG' | 'INFO' | 'WARN';
  readonly tracing: 'active' | 'off';
}

export interface TableSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly IndexSpec[];
  readonly ttlAttribute: string;
}

/**
 * A global secondary index. Every write of an item in an index writes the index too, 1 unit
 * per KB of what it projects: KEYS_ONLY indexes cost 1 unit per entry and none when an
 * item changes only attributes they do not hold, so readers fetch the items they find.
 */
export interface IndexSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: 'KEYS_ONLY' | 'ALL';
}

/**
 * A bucket of objects the functions write and read (company models). In AWS an S3 bucket:
 * encrypted, versioned, public access blocked, SSL only, kept when the stack is deleted.
 * Locally the folder `<dataDir>/<localDir>` (a temporary folder with --memory).
 */
export interface BucketSpec {
  readonly id: string;
  /**
   * The name locally and the prefix of the S3 bucket's: S3 names are global across all
   * accounts, so CloudFormation generates the bucket's name and the functions get it.
   */
  readonly name: string;
  readonly localDir: string;
  /** What it holds, in words (the bucket's description in the README and the CLI). */
  readonly holds: string;
}

export interface QueueSpec {
  /** Logical id, referenced by triggers, grants, rules and environment. */
  readonly id: string;
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionDays: number;
  readonly dlq: {
    readonly id: string;
    readonly name: string;
    readonly maxReceiveCount: number;
    readonly retentionDays: number;
  };
  /** DLQ depth at or above which the alarm fires. */
  readonly alarmDlqDepth: number;
  /** Age of the oldest message, in seconds, at or above which the alarm fires. */
  readonly alarmOldestAgeSeconds: number;
}

/** A dead-letter queue of an EventBridge rule target, a schedule or an asynchronously invoked function. */
export interface DeadLetterQueueSpec {
  readonly id: string;
  readonly name: string;
  readonly retentionDays: number;
  /** What ends up here, in words: the alarm description and `backchannel dlq` show it. */
  readonly receives: string;
  /**
   * The queue a person redrives its messages into once the cause is fixed: a rule's target
   * queue (its DLQ holds the undelivered events). Absent for schedules and on-failure
   * destinations, whose messages are records to read, not work to redo.
   */
  readonly redrivesTo?: string;
}

/** How an asynchronous hop retries before its message goes to a dead-letter queue. */
export interface RetrySpec {
  readonly retryAttempts: number;
  readonly maxEventAgeSeconds: number;
}

/** An EventBridge event pattern: the subset of operators that the local bus implements. */
export type EventPattern = { readonly [field: string]: EventPattern | readonly PatternValue[] };
export type PatternValue =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly 'anything-but': string | number | readonly (string | number)[] }
  | { readonly exists: boolean }
  | { readonly numeric: readonly (string | number)[] };

export interface BusSpec {
  readonly name: string;
  readonly archiveRetentionDays: number;
  readonly rules: readonly RuleSpec[];
}

export interface RuleSpec {
  readonly id: string;
  readonly name: string;
  readonly pattern: EventPattern;
  /** Queue id that receives the whole event. */
  readonly targetQueue: string;
  /** Dead-letter queue id of the target: events EventBridge could not deliver after the retries. */
  readonly deadLetterQueue: string;
  readonly retry: RetrySpec;
}

/** A value of a function's environment, resolved by each backend. */
export type EnvValue =
  | { readonly kind: 'literal'; readonly value: string }
  /**
   * The validated company config as JSON. Locally an environment variable; in the cloud
   * esbuild inlines it at bundle time, because Lambda caps all variables at 4 KB.
   */
  | { readonly kind: 'companyConfig' }
  | { readonly kind: 'tableName' }
  | { readonly kind: 'busName' }
  | { readonly kind: 'queueUrl'; readonly queue: string }
  /** The bucket's name in AWS; locally `file:<its folder>` (shared/adapters/models reads both). */
  | { readonly kind: 'bucket'; readonly bucket: string }
  | { readonly kind: 'secretName'; readonly secret: string }
  /**
   * Where the console's login happens (ConsoleLoginSchema, JSON): locally the runtime's own
   * login page; in AWS the stack's Cognito user pool (its ids are known only once it exists),
   * else whatever `admin.auth` says.
   */
  | { readonly kind: 'consoleLogin' };

export type Grant =
  | { readonly resource: 'table'; readonly access: 'read' | 'readWrite' }
  | { readonly resource: 'queue'; readonly queue: string; readonly access: 'send' | 'consume' }
  | { readonly resource: 'bus'; readonly access: 'put' }
  | { readonly resource: 'secret'; readonly secret: string; readonly access: 'read' }
  | { readonly resource: 'bucket'; readonly bucket: string; readonly access: 'read' | 'readWrite' }
  /** Amazon Bedrock: InvokeModel (the Converse API) on this one model, in the stack's region. */
  | { readonly resource: 'model'; readonly modelId: string; readonly access: 'invoke' }
  /** Amazon SES: SendEmail from the account's verified identities (locally the outbox, nothing is sent). */
  | { readonly resource: 'email'; readonly access: 'send' };

export type Trigger =
  | { readonly type: 'http'; readonly routes: readonly HttpRoute[] }
  /**
   * A Lambda function URL (auth NONE, buffered responses): every method and path reach the
   * function, which answers `paths` (API Gateway route templates, matched against `rawPath`)
   * and 404 for any other. No API in front: no per-request price, no stage throttle; the
   * function's reserved concurrency is the throttle (429 above it). Locally the server
   * dispatches these paths to the function with the function URL's event (`routeKey`
   * `$default`, no `pathParameters`).
   */
  | { readonly type: 'url'; readonly paths: readonly string[] }
  | {
      readonly type: 'sqs';
      readonly queue: string;
      readonly batchSize: number;
      readonly maxBatchingWindowSeconds: number;
      readonly reportBatchItemFailures: true;
      /**
       * Most batches of this queue processed at once: Lambda's event source maximum
       * concurrency (2-1,000); locally the poller's parallel batches.
       */
      readonly maxConcurrency: number;
    }
  | { readonly type: 'schedule'; readonly schedule: string }
  /** Subscribed to the company's alert topic: invoked (asynchronously) with each alarm's SNS notification. */
  | { readonly type: 'alerts' };

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** API Gateway v2 route path, with `{name}` parameters. */
  readonly path: string;
  /**
   * `admin`: only callers the API's admin authorizer accepts (HttpSpec.adminAuth). Absent:
   * open, as the webhooks are (platforms sign their bodies, the function checks them).
   */
  readonly auth?: 'admin';
  /**
   * Why a route that is not a webhook has no authorizer (cdk-nag AwsSolutions-APIG4), and
   * what keeps it harmless. Webhook routes have none: their function checks signatures.
   */
  readonly openReason?: string;
}

/**
 * Who may call the admin routes: a JWT from the company's identity provider, or (without
 * one in the config) AWS IAM (SigV4) credentials. Locally: the tokens `npm start` writes.
 */
export type AdminAuthSpec =
  | { readonly type: 'jwt'; readonly issuer: string; readonly audience: readonly string[] }
  | { readonly type: 'iam' }
  | CognitoAuthSpec;

/**
 * `admin.auth: cognito`: the stack's own user pool is the identity provider. Its groups are the
 * only ones that give a role (shared/domain/department-groups.ts); its app client is the
 * console's (authorization code grant with PKCE, no client secret).
 */
export interface CognitoAuthSpec {
  readonly type: 'cognito';
  readonly userPoolName: string;
  /** The hosted login's domain prefix; the stack appends the account id (a prefix is unique per region). */
  readonly domainPrefix: string;
  readonly groups: readonly { readonly name: string; readonly description: string; readonly precedence: number }[];
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  readonly scopes: readonly string[];
}

export interface FunctionSpec {
  readonly id: string;
  readonly name: string;
  /** Module path relative to the repository root; it exports `handler` and `createHandler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /**
   * Concurrency reserved for the function out of the account's pool, which is also its
   * ceiling (config `capacity.concurrency`); absent: it shares the account's pool.
   */
  readonly reservedConcurrency?: number;
  readonly environment: Readonly<Record<string, EnvValue>>;
  readonly triggers: readonly Trigger[];
  readonly grants: readonly Grant[];
  /**
   * Folders (their content) or files of the repository bundled beside the function's code in AWS (`to` relative to
   * the bundle's root); locally the function reads them where they are.
   */
  readonly assets?: readonly { readonly from: string; readonly to: string }[];
  /**
   * Functions invoked asynchronously (schedule and alerts triggers): the retries of a
   * failed invocation and the dead-letter queue that receives its record afterwards.
   */
  readonly asyncInvoke?: { readonly onFailure: string; readonly retry: RetrySpec };
  /**
   * Packages with a native binary that esbuild cannot bundle (a `.node` file): left out of
   * the bundle and installed beside it, with the binary package for Lambda's linux arm64.
   * Locally the functions run from source, where npm installed the machine's own binary.
   */
  readonly nativeModules?: readonly NativeModule[];
}

export interface NativeModule {
  readonly module: string;
  /** The package that holds the binary for Lambda (Node.js on linux arm64, glibc). */
  readonly lambdaBinary: string;
}

export interface ScheduleSpec {
  readonly id: string;
  readonly name: string;
  /** EventBridge Scheduler expression, `cron(min hour day-of-month month day-of-week year)`. */
  readonly expression: string;
  readonly timezone: string;
  readonly targetFunction: string;
  /** The target's input; `<aws.scheduler.scheduled-time>` is replaced when it fires. */
  readonly payload: Readonly<Record<string, string>>;
  /** Dead-letter queue id: what Scheduler could not deliver to the function after the retries. */
  readonly deadLetterQueue: string;
  readonly retry: RetrySpec;
}

export interface SecretSpec {
  readonly id: string;
  readonly name: string;
  readonly platform: string;
  readonly description: string;
}

export interface HttpSpec {
  readonly name: string;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Largest request body the ingest accepts, in bytes. */
  readonly maxBodyBytes: number;
  /** How the routes with `auth: 'admin'` authenticate their callers. */
  readonly adminAuth: AdminAuthSpec;
}

/**
 * The company's alert topic and who is subscribed to it. E-mail subscribers confirm once
 * (AWS sends the link); chat targets are reached through the forwarder function.
 */
export interface AlertsSpec {
  readonly topicName: string;
  readonly email: readonly string[];
  /** Function id subscribed to the topic (trigger `alerts`), when the config has chat targets. */
  readonly forwarder?: string;
  readonly alarms: readonly AlarmSpec[];
}

/**
 * One alarm: a metric of one resource over a period, compared with a threshold
 * (`>= threshold` for `evaluationPeriods` periods). Both backends evaluate the same list
 * under the same names; missing data never breaches.
 */
export interface AlarmSpec {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly metric: AlarmMetric;
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
}

export type AlarmMetric =
  /** Messages visible in a dead-letter queue (a work queue's DLQ or a DeadLetterQueueSpec), by its id. */
  | { readonly kind: 'deadLetterDepth'; readonly deadLetterQueue: string }
  /** Seconds the oldest message of a work queue has waited (maximum). */
  | { readonly kind: 'oldestMessageAge'; readonly queue: string }
  /** Invocations of a function that threw or timed out (sum). */
  | { readonly kind: 'functionErrors'; readonly function: string }
  /** Invocations of a function refused for lack of concurrency (sum). */
  | { readonly kind: 'functionThrottles'; readonly function: string }
  /** Events a bus rule could not deliver to its target (sum; they went to the target's DLQ). */
  | { readonly kind: 'ruleFailedInvocations'; readonly rule: string }
  /** Requests the HTTP API answered with a 5xx status (sum). */
  | { readonly kind: 'api5xx' }
  /** Requests a function's URL answered with a 5xx status (sum; AWS/Lambda Url5xxCount). */
  | { readonly kind: 'url5xx'; readonly function: string };

/** A schedule before buildTopology gives it its DLQ and retries. */
export type PlannedSchedule = Omit<ScheduleSpec, 'deadLetterQueue' | 'retry'>;

// Code that the functions run imports these from topology-constants.ts; the rest of infra may take them from here.
// Functions import these from topology-constants.ts (the layer rules); infra code may take them from here.
export * from './topology-constants.ts';

const CONSOLE_OPEN_REASON =
  "The web console's static files (HTML, script, style of the public build) hold no data and no secret: a browser must load them before anyone signs in. Every call the page makes to the admin routes carries the person's token and meets the admin authorizer; the function serves only files inside the build, read-only.";

/**
 * The web console's routes (functions/serve-console): its page and every client route, its
 * hashed assets. Open: the page holds no data; the API calls it makes carry the person's token.
 * More specific routes under /console (the login part's config.json and local login) win over
 * the greedy one, in API Gateway and locally.
 */
export const CONSOLE_ROUTES: readonly HttpRoute[] = [
  { method: 'GET', path: '/console', openReason: CONSOLE_OPEN_REASON },
  { method: 'GET', path: '/console/{proxy+}', openReason: CONSOLE_OPEN_REASON },
];

/** The admin API's routes (functions/admin-api routes on `routeKey`, `METHOD path`). */
export const ADMIN_API_ROUTES: readonly HttpRoute[] = [
  { method: 'GET', path: '/me', auth: 'admin' },
  { method: 'GET', path: '/cases', auth: 'admin' },
  { method: 'GET', path: '/cases/{id}', auth: 'admin' },
  { method: 'POST', path: '/cases/{id}/assign', auth: 'admin' },
  { method: 'POST', path: '/cases/{id}/transition', auth: 'admin' },
  { method: 'POST', path: '/cases/{id}/replies', auth: 'admin' },
  { method: 'POST', path: '/cases/{id}/replies/{replyId}/approve', auth: 'admin' },
  { method: 'POST', path: '/cases/{id}/replies/{replyId}/sent', auth: 'admin' },
  { method: 'POST', path: '/cases/{id}/replies/{replyId}/send', auth: 'admin' },
  { method: 'GET', path: '/accounts', auth: 'admin' },
  { method: 'GET', path: '/accounts/{id}/timeline', auth: 'admin' },
  { method: 'POST', path: '/cases/{id}/reroute', auth: 'admin' },
  { method: 'POST', path: '/cases/{id}/corrections', auth: 'admin' },
  { method: 'POST', path: '/authors/{platform}/{authorId}/erase', auth: 'admin' },
  { method: 'GET', path: '/erasures/{id}', auth: 'admin' },
  { method: 'GET', path: '/themes', auth: 'admin' },
  { method: 'GET', path: '/themes/{id}', auth: 'admin' },
  { method: 'PUT', path: '/themes/{id}/defect', auth: 'admin' },
  { method: 'GET', path: '/ideas', auth: 'admin' },
  { method: 'GET', path: '/projects', auth: 'admin' },
  { method: 'GET', path: '/approvals', auth: 'admin' },
  { method: 'GET', path: '/reports', auth: 'admin' },
  { method: 'GET', path: '/reports/{id}', auth: 'admin' },
];

/** The console's settings before login (functions/console-config): open, it holds nothing reusable. */
export const CONSOLE_CONFIG_ROUTE: HttpRoute = {
  method: 'GET',
  path: '/console/config.json',
  openReason:
    "The console must read how to sign in before anyone has signed in, so no authorizer applies. The answer is the login page's public settings (issuer, the public client id of a PKCE client without secret, the API's address, the company's name and language); its function has no grant on any table, secret or queue.",
};

/**
 * Builds the topology of one company's stack from its validated config.
 * Adding a department to the config adds its rule, queue, DLQ and alarm here, and so in
 * both backends.
 */
export function buildTopology(config: CompanyConfig): Topology {
  const companyId = config.company.id;
  const prefix = `bc-${companyId}`;
  const departments = config.departments.map((d) => d.id);

  const secrets: SecretSpec[] = [];
  // One secret per enabled webhook platform, described by its adapter.
  for (const adapter of platformRegistry.adapters) {
    if (!adapter.isEnabled(config)) continue;
    secrets.push({
      id: adapter.id,
      name: platformSecretName(config, adapter.id),
      platform: adapter.id,
      description: adapter.secretDescription,
    });
  }

  // The classify function's timeout is 30 s; SQS wants visibility >= 6x the function timeout.
  const queues: QueueSpec[] = [
    queueSpec(prefix, INTAKE_QUEUE, 180),
    ...departments.map((id) => queueSpec(prefix, departmentQueueId(id), 180)),
    queueSpec(prefix, INSIGHTS_QUEUE, 180),
    // erase-author runs up to ERASE_TIMEOUT_SECONDS per message: visibility is 6x that.
    queueSpec(prefix, ERASURE_QUEUE, 6 * ERASE_TIMEOUT_SECONDS),
  ];

  // One DLQ per rule target queue: both rules of a department share it, and a redrive puts
  // its events into the queue they were meant for.
  const eventsDlqOf = (queueId: string): DeadLetterQueueSpec => ({
    id: eventsDlqId(queueId),
    name: `${prefix}-${queueId}-events-dlq`,
    retentionDays: 14,
    receives: `events the bus could not deliver to ${prefix}-${queueId}`,
    redrivesTo: queueId,
  });
  const deadLetterQueues: DeadLetterQueueSpec[] = [
    ...departments.map((id) => eventsDlqOf(departmentQueueId(id))),
    eventsDlqOf(ERASURE_QUEUE),
    eventsDlqOf(INSIGHTS_QUEUE),
  ];

  const rules: RuleSpec[] = departments.map((id) => ({
    id: `route-${id}`,
    name: `${prefix}-route-${id}`,
    pattern: {
      source: [EVENT_SOURCE],
      'detail-type': [DETAIL_TYPES.mentionRouted, DETAIL_TYPES.mentionsRouted],
      detail: { department: [id] },
    },
    targetQueue: departmentQueueId(id),
    deadLetterQueue: eventsDlqId(departmentQueueId(id)),
    retry: RULE_RETRY,
  }));
  // Case changes that name a department among their recipients (an escalation, an SLA
  // warning, a reply to approve) reach its queue too, where handle-department notifies.
  rules.push(
    ...departments.map((id) => ({
      id: `notify-${id}`,
      name: `${prefix}-notify-${id}`,
      pattern: {
        source: [EVENT_SOURCE],
        'detail-type': Object.values(CASE_DETAIL_TYPES),
        detail: { recipients: [id] },
      },
      targetQueue: departmentQueueId(id),
      deadLetterQueue: eventsDlqId(departmentQueueId(id)),
      retry: RULE_RETRY,
    })),
  );

  // An admin's erasure request (admin API) runs as erase-author's job (round w18).
  rules.push({
    id: 'erasures',
    name: `${prefix}-erasures`,
    pattern: { source: [EVENT_SOURCE], 'detail-type': [DETAIL_TYPES.erasureRequested] },
    targetQueue: ERASURE_QUEUE,
    deadLetterQueue: eventsDlqId(ERASURE_QUEUE),
    retry: RULE_RETRY,
  });

  // The insight layer groups every mention once: the primary department's event only, so a
  // mention copied to two departments counts once.
  rules.push({
    id: 'insights',
    name: `${prefix}-insights`,
    pattern: {
      source: [EVENT_SOURCE],
      'detail-type': [DETAIL_TYPES.mentionRouted, DETAIL_TYPES.mentionsRouted],
      detail: { role: ['primary'] },
    },
    targetQueue: INSIGHTS_QUEUE,
    deadLetterQueue: eventsDlqId(INSIGHTS_QUEUE),
    retry: RULE_RETRY,
  });

  const configEnv = { kind: 'companyConfig' } as const;
  // The API throttle and each consumer's concurrency (docs/capacity.md).
  const { capacity } = config;
  // Slack/Teams webhook secrets, the e-mail sender and SES for handle-department (infra/notifications.ts).
  const notifications = notificationTopology(config);

  const functions: FunctionSpec[] = [
    {
      id: 'ingest-webhook',
      name: `${prefix}-ingest-webhook`,
      entry: 'functions/ingest-webhook/handler.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      // Reserved (20 by default): with no API stage throttle in front of the function URL, this cap
      // is what keeps a flood of webhooks from taking the account's concurrency (docs/capacity.md).
      // 0 reserves nothing, for an account whose quota cannot hold a reservation.
      ...(capacity.concurrency.ingest > 0 ? { reservedConcurrency: capacity.concurrency.ingest } : {}),
      environment: {
        [COMPANY_CONFIG_ENV]: configEnv,
        INTAKE_QUEUE_URL: { kind: 'queueUrl', queue: INTAKE_QUEUE },
        ...Object.fromEntries(
          secrets.map((s) => [
            `${s.platform.toUpperCase()}_SECRET_NAME`,
            { kind: 'secretName', secret: s.id } as const,
          ]),
        ),
      },
      triggers: [
        // The webhooks' entry point (Round w16): no API Gateway request price; the reserved
        // concurrency above is its throttle. The first trigger: what the platforms are told.
        { type: 'url', paths: [WEBHOOK_PATH, ...(config.platforms.generic?.enabled ? [GENERIC_WEBHOOK_PATH] : [])] },
        // The HTTP API's routes of the releases before: platforms registered there keep
        // working while their registrations move to the function URL (docs/operations.md).
        {
          type: 'http',
          routes: [
            { method: 'GET', path: WEBHOOK_PATH },
            { method: 'POST', path: WEBHOOK_PATH },
            ...(config.platforms.generic?.enabled ? [{ method: 'POST', path: GENERIC_WEBHOOK_PATH } as const] : []),
          ],
        },
      ],
      grants: [
        { resource: 'queue', queue: INTAKE_QUEUE, access: 'send' },
        ...secrets.map((s) => ({ resource: 'secret', secret: s.id, access: 'read' }) as const),
      ],
    },
    {
      id: 'classify-mention',
      name: `${prefix}-classify-mention`,
      entry: 'functions/classify-mention/handler.ts',
      // Peak RSS 288 MB, heap 93 MB over 10 batches of 10 (`npm run bench:function-memory`, with
      // tsx's loader: a bundle needs less). Its own CPU is ~12 ms of a record's ~100 ms (the rest
      // waits on DynamoDB and EventBridge), so half the memory, and half the CPU share, costs
      // about 12 ms more per record and halves the GB-s of the waiting.
      memoryMb: 512,
      timeoutSeconds: 30,
      environment: {
        [COMPANY_CONFIG_ENV]: configEnv,
        TABLE_NAME: { kind: 'tableName' },
        EVENT_BUS_NAME: { kind: 'busName' },
        // The company's promoted model, loaded at cold start (the shipped models without one).
        MODEL_BUCKET: { kind: 'bucket', bucket: MODELS_BUCKET },
      },
      triggers: [
        {
          type: 'sqs',
          queue: INTAKE_QUEUE,
          // Larger batches: fewer Mentions Routed entries, department messages and invocations
          // per mention (config capacity.batchSize, docs/performance.md Round w14).
          batchSize: capacity.batchSize.classify,
          maxBatchingWindowSeconds: 1,
          reportBatchItemFailures: true,
          maxConcurrency: capacity.concurrency.classify,
        },
      ],
      grants: [
        { resource: 'queue', queue: INTAKE_QUEUE, access: 'consume' },
        { resource: 'table', access: 'readWrite' },
        { resource: 'bus', access: 'put' },
        { resource: 'bucket', bucket: MODELS_BUCKET, access: 'read' },
        // The optional cloud classifier (off by default): only then may it call Bedrock.
        ...(config.classifier.cloud.enabled
          ? [{ resource: 'model', modelId: config.classifier.cloud.modelId, access: 'invoke' } as const]
          : []),
      ],
    },
    {
      id: 'handle-department',
      name: `${prefix}-handle-department`,
      entry: 'functions/handle-department/handler.ts',
      memoryMb: 512,
      timeoutSeconds: 30,
      environment: {
        [COMPANY_CONFIG_ENV]: configEnv,
        TABLE_NAME: { kind: 'tableName' },
        EVENT_BUS_NAME: { kind: 'busName' },
        ...Object.fromEntries(
          departments.map((id) => [
            departmentQueueUrlEnv(id),
            { kind: 'queueUrl', queue: departmentQueueId(id) } as const,
          ]),
        ),
        ...notifications.environment,
      },
      triggers: departments.map((id) => ({
        type: 'sqs',
        queue: departmentQueueId(id),
        batchSize: capacity.batchSize.departments,
        maxBatchingWindowSeconds: 1,
        reportBatchItemFailures: true,
        maxConcurrency: capacity.concurrency.departments,
      })),
      grants: [
        ...departments.map((id) => ({ resource: 'queue', queue: departmentQueueId(id), access: 'consume' }) as const),
        { resource: 'table', access: 'readWrite' },
        // Assigning and reopening cases publishes their case events.
        { resource: 'bus', access: 'put' },
        ...notifications.grants,
      ],
    },
    {
      id: 'record-insights',
      name: `${prefix}-record-insights`,
      entry: 'functions/record-insights/handler.ts',
      memoryMb: 512,
      timeoutSeconds: 30,
      environment: {
        [COMPANY_CONFIG_ENV]: configEnv,
        TABLE_NAME: { kind: 'tableName' },
      },
      triggers: [
        {
          type: 'sqs',
          queue: INSIGHTS_QUEUE,
          batchSize: capacity.batchSize.insights,
          maxBatchingWindowSeconds: 1,
          reportBatchItemFailures: true,
          maxConcurrency: capacity.concurrency.insights,
        },
      ],
      grants: [
        { resource: 'queue', queue: INSIGHTS_QUEUE, access: 'consume' },
        { resource: 'table', access: 'readWrite' },
      ],
    },
    {
      id: 'build-report',
      name: `${prefix}-build-report`,
      entry: 'functions/build-report/handler.ts',
      // Daily and weekly reports of every department with their charts (resvg): peak RSS 207 MB,
      // heap 48 MB (`npm run bench:function-memory`, with tsx's loader); a run that catches up on
      // several periods builds them one after the other. It runs a few times a day: the CPU
      // share it gives up costs seconds, not money.
      memoryMb: 512,
      timeoutSeconds: 300,
      environment: {
        [COMPANY_CONFIG_ENV]: configEnv,
        TABLE_NAME: { kind: 'tableName' },
        ...notifications.environment,
      },
      triggers: [
        { type: 'schedule', schedule: 'daily-report' },
        ...(config.reports.weekly ? [{ type: 'schedule', schedule: 'weekly-report' } as const] : []),
      ],
      // Reports go to the departments' targets and the management list: the same secrets and SES.
      grants: [{ resource: 'table', access: 'readWrite' }, ...notifications.grants],
      // Charts: resvg-js renders SVG to PNG with a prebuilt Rust binary; only this function bundles resvg.
      nativeModules: [{ module: '@resvg/resvg-js', lambdaBinary: '@resvg/resvg-js-linux-arm64-gnu' }],
      // The Lambda runtime has no fonts: without one, resvg draws the charts without any text.
      assets: [{ from: REPORT_FONT_PACKAGE_FILE, to: REPORT_FONT_DIR }],
    },
    {
      id: 'detect-spikes',
      name: `${prefix}-detect-spikes`,
      entry: 'functions/detect-spikes/handler.ts',
      memoryMb: 512,
      // A run after an outage catches up on every hour since the last one.
      timeoutSeconds: 300,
      environment: {
        [COMPANY_CONFIG_ENV]: configEnv,
        TABLE_NAME: { kind: 'tableName' },
        EVENT_BUS_NAME: { kind: 'busName' },
        ...notifications.environment,
      },
      triggers: [{ type: 'schedule', schedule: 'spike-check' }],
      grants: [
        { resource: 'table', access: 'readWrite' },
        // Spike Detected, and the Case Tagged events of the cases it tags.
        { resource: 'bus', access: 'put' },
        // Press and the leads of the departments involved are told.
        ...notifications.grants,
      ],
    },
    {
      id: 'check-sla',
      name: `${prefix}-check-sla`,
      entry: 'functions/check-sla/handler.ts',
      memoryMb: 512,
      // A sweep pages through every department's due cases; the next one starts minutes later.
      timeoutSeconds: 120,
      environment: {
        [COMPANY_CONFIG_ENV]: configEnv,
        TABLE_NAME: { kind: 'tableName' },
        EVENT_BUS_NAME: { kind: 'busName' },
      },
      triggers: [{ type: 'schedule', schedule: 'sla-sweep' }],
      grants: [
        { resource: 'table', access: 'readWrite' },
        // SLA warnings, breaches and escalations publish their case events.
        { resource: 'bus', access: 'put' },
      ],
    },
    {
      id: 'admin-api',
      name: `${prefix}-admin-api`,
      entry: 'functions/admin-api/handler.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      environment: {
        [COMPANY_CONFIG_ENV]: configEnv,
        TABLE_NAME: { kind: 'tableName' },
        EVENT_BUS_NAME: { kind: 'busName' },
      },
      triggers: [{ type: 'http', routes: ADMIN_API_ROUTES }],
      grants: [
        { resource: 'table', access: 'readWrite' },
        // Every change of a case publishes its case event; an erasure request its Erasure Requested.
        { resource: 'bus', access: 'put' },
      ],
    },
    {
      // An author's erasure as a job (round w18): a scan of the table, page by page, continued
      // across invocations by a message to its own queue, then the erasure. Admins start it
      // through the admin API or `backchannel erase`.
      id: 'erase-author',
      name: `${prefix}-erase-author`,
      entry: 'functions/erase-author/handler.ts',
      memoryMb: 512,
      timeoutSeconds: ERASE_TIMEOUT_SECONDS,
      environment: {
        [COMPANY_CONFIG_ENV]: configEnv,
        TABLE_NAME: { kind: 'tableName' },
        ERASURE_QUEUE_URL: { kind: 'queueUrl', queue: ERASURE_QUEUE },
      },
      triggers: [
        {
          type: 'sqs',
          queue: ERASURE_QUEUE,
          // One job per invocation: each may use the whole timeout.
          batchSize: 1,
          maxBatchingWindowSeconds: 0,
          reportBatchItemFailures: true,
          // SQS's least: erasures are rare, and each one's runs follow one another.
          maxConcurrency: 2,
        },
      ],
      grants: [
        // Consumes its messages and sends itself the continuation of a job that ran out of time.
        { resource: 'queue', queue: ERASURE_QUEUE, access: 'consume' },
        { resource: 'queue', queue: ERASURE_QUEUE, access: 'send' },
        { resource: 'table', access: 'readWrite' },
      ],
    },
    {
      // The console reads how to sign in before anyone has: an open route of its own function,
      // which may touch nothing (no table, no secret), so it can give away nothing.
      id: 'console-config',
      name: `${prefix}-console-config`,
      entry: 'functions/console-config/handler.ts',
      memoryMb: 256,
      timeoutSeconds: 5,
      environment: { [COMPANY_CONFIG_ENV]: configEnv, CONSOLE_LOGIN: { kind: 'consoleLogin' } },
      triggers: [{ type: 'http', routes: [CONSOLE_CONFIG_ROUTE] }],
      grants: [],
    },
    {
      // The web console's static files (console/dist, built by `npm run console:build`) behind
      // the same HTTP API as the admin routes: one origin, so the console calls the API
      // without CORS and its CSP allows 'self' only. Hashed assets are cached for a year.
      id: 'serve-console',
      name: `${prefix}-serve-console`,
      entry: 'functions/serve-console/handler.ts',
      memoryMb: 256,
      timeoutSeconds: 5,
      environment: { [COMPANY_CONFIG_ENV]: configEnv },
      triggers: [{ type: 'http', routes: CONSOLE_ROUTES }],
      // It reads only its own files.
      grants: [],
      assets: [{ from: 'console/dist', to: 'console' }],
    },
  ];

  functions.push({
    id: 'train-model',
    name: `${prefix}-train-model`,
    entry: 'functions/train-model/handler.ts',
    // Training the three language models as `npm run train` trains the shipped ones (since
    // round w16: the written corpus plus the real texts of shared/classifier/data, 38,213 base
    // examples) plus 1,000 corrections: 114 s of CPU and 376 MB resident (57 s and 253 MB on
    // the written corpus alone), measured on a shared 2-core machine where the wall time was
    // 4-5x the CPU time (docs/classifier.md "Round w16"); one vCPU needs about the CPU time.
    // Training is single-threaded: 2 GB gives one full vCPU (1,769 MB and up), more would not
    // help. Lambda's longest timeout leaves room for a larger base; the run is weekly, so the
    // time costs little.
    memoryMb: 2048,
    timeoutSeconds: 900,
    environment: {
      [COMPANY_CONFIG_ENV]: configEnv,
      TABLE_NAME: { kind: 'tableName' },
      MODEL_BUCKET: { kind: 'bucket', bucket: MODELS_BUCKET },
    },
    triggers: [{ type: 'schedule', schedule: 'train-model' }],
    grants: [
      // It reads the corrections; it writes nothing to the table.
      { resource: 'table', access: 'read' },
      { resource: 'bucket', bucket: MODELS_BUCKET, access: 'readWrite' },
    ],
    // The base data the shipped models learn from, read beside the code at the first training:
    // the written corpus (corpus.ts) and the real texts with their licences (real-data.ts).
    assets: [
      { from: 'shared/classifier/corpus', to: 'corpus' },
      { from: 'shared/classifier/data', to: 'data' },
    ],
  });

  // Scheduled pollers of platforms without webhooks (infra/pollers.ts), with their own secrets.
  const pollers = pollerTopology(config, { prefix, secrets });
  functions.push(...pollers.functions);
  // The alarm forwarder to the config's chat targets (infra/alerts.ts), when it has any.
  const knownSecrets = [...secrets, ...pollers.secrets, ...notifications.secrets];
  // The admin API posts replies with the tokens in the platforms' secrets (send-reply.ts).
  const replySecrets = knownSecrets.filter((s) => Object.hasOwn(REPLY_SECRET_FIELDS, s.id));
  const adminApi = functions.findIndex((f) => f.id === 'admin-api');
  const adminSpec = functions[adminApi];
  if (adminSpec && replySecrets.length > 0) {
    functions[adminApi] = {
      ...adminSpec,
      grants: [
        ...adminSpec.grants,
        ...replySecrets.map((s) => ({ resource: 'secret', secret: s.id, access: 'read' }) as const),
      ],
    };
  }
  const alerts = alertsTopology(config, { prefix, secrets: knownSecrets });
  functions.push(...alerts.functions);

  const plannedSchedules: PlannedSchedule[] = [
    {
      id: 'daily-report',
      name: `${prefix}-daily-report`,
      expression: config.reports.daily,
      timezone: config.company.timezone,
      targetFunction: 'build-report',
      payload: { report: 'daily', scheduledTime: '<aws.scheduler.scheduled-time>' },
    },
    ...(config.reports.weekly
      ? [
          {
            id: 'weekly-report',
            name: `${prefix}-weekly-report`,
            expression: config.reports.weekly,
            timezone: config.company.timezone,
            targetFunction: 'build-report',
            payload: { report: 'weekly', scheduledTime: '<aws.scheduler.scheduled-time>' },
          },
        ]
      : []),
    {
      id: 'sla-sweep',
      name: `${prefix}-sla-sweep`,
      expression: config.cases.slaSweep,
      timezone: config.company.timezone,
      targetFunction: 'check-sla',
      payload: { scheduledTime: '<aws.scheduler.scheduled-time>' },
    },
    {
      id: 'spike-check',
      name: `${prefix}-spike-check`,
      expression: config.spikes.schedule,
      timezone: config.company.timezone,
      targetFunction: 'detect-spikes',
      payload: { scheduledTime: '<aws.scheduler.scheduled-time>' },
    },
    {
      id: 'train-model',
      name: `${prefix}-train-model`,
      expression: TRAIN_MODEL_SCHEDULE,
      timezone: config.company.timezone,
      targetFunction: 'train-model',
      payload: { scheduledTime: '<aws.scheduler.scheduled-time>' },
    },
    ...pollers.schedules,
  ];
  const schedules: ScheduleSpec[] = plannedSchedules.map((schedule) => {
    // A DLQ per schedule: what Scheduler could not hand to the function.
    const dlq: DeadLetterQueueSpec = {
      id: `schedule-${schedule.id}-dlq`,
      name: `${prefix}-schedule-${schedule.id}-dlq`,
      retentionDays: 14,
      receives: `runs of schedule ${schedule.name} that EventBridge Scheduler could not deliver to ${prefix}-${schedule.targetFunction}`,
    };
    deadLetterQueues.push(dlq);
    return { ...schedule, deadLetterQueue: dlq.id, retry: SCHEDULE_RETRY };
  });

  // Every asynchronously invoked function (schedules, the alert topic) gets an on-failure
  // destination: the record of an invocation that failed after Lambda's retries.
  const asyncFunctions = functions.map((f) => {
    if (!f.triggers.some((t) => t.type === 'schedule' || t.type === 'alerts')) return f;
    const dlq: DeadLetterQueueSpec = {
      id: `${f.id}-failures`,
      name: `${prefix}-${f.id}-failures`,
      retentionDays: 14,
      receives: `records of ${f.name} invocations that failed after Lambda's retries (on-failure destination)`,
    };
    deadLetterQueues.push(dlq);
    return { ...f, asyncInvoke: { onFailure: dlq.id, retry: ASYNC_INVOKE_RETRY } };
  });

  return {
    companyId,
    prefix,
    timezone: config.company.timezone,
    table: {
      name: `${prefix}-data`,
      partitionKey: 'PK',
      sortKey: 'SK',
      indexes: [
        // Keys only: a case's entry moves with each transition; the readers (case listings,
        // the SLA sweep) fetch the items they find. No author index since round w18: erasure
        // scans the table as a job (functions/erase-author).
        { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'KEYS_ONLY' },
        // The case's first cc department (since round w22; case-refs.ts): an entry on the case
        // item it is rewritten with anyway, where a ref item and its GSI1 entry cost two units.
        // Its sort key is the case's GSI1SK (due time and id: the cc listing's order too), so
        // the item carries one attribute more, not two. Keys only, as GSI1: the cc listing reads
        // the cases it finds. Not named GSI2: items of rounds w4-w17 still carry the old author
        // index's GSI2PK/GSI2SK.
        { name: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI1SK', projection: 'KEYS_ONLY' },
      ],
      ttlAttribute: 'expiresAt',
    },
    buckets: [
      {
        id: MODELS_BUCKET,
        name: `${prefix}-models`,
        localDir: 'models',
        holds: 'the company classifier models: versions, weights and which one is promoted',
      },
    ],
    queues,
    deadLetterQueues,
    bus: { name: `${prefix}-bus`, archiveRetentionDays: 30, rules },
    // Logs and metrics carry the same service name and namespace on both backends.
    functions: asyncFunctions.map((f) => ({
      ...f,
      environment: {
        POWERTOOLS_SERVICE_NAME: { kind: 'literal', value: f.id },
        POWERTOOLS_METRICS_NAMESPACE: { kind: 'literal', value: METRICS_NAMESPACE },
        ...f.environment,
      },
    })),
    schedules,
    secrets: [...knownSecrets, ...alerts.secrets],
    http: {
      name: `${prefix}-api`,
      throttle: { rateLimit: capacity.api.rateLimit, burstLimit: capacity.api.burstLimit },
      maxBodyBytes: MAX_WEBHOOK_BODY_BYTES,
      adminAuth: adminAuthOf(config, prefix),
    },
    alerts: {
      topicName: `${prefix}-alerts`,
      email: config.alerts.email,
      ...(alerts.forwarder ? { forwarder: alerts.forwarder } : {}),
      alarms: alarmsOf({ prefix, queues, deadLetterQueues, rules, functions: asyncFunctions }),
    },
    observability: { logFormat: 'JSON', systemLogLevel: 'WARN', tracing: config.observability.tracing },
  };
}

/** Who may call the admin routes: the stack's user pool, the company's issuer, or IAM without either. */
function adminAuthOf(config: CompanyConfig, prefix: string): AdminAuthSpec {
  const auth = config.admin.auth;
  if (auth === undefined) return { type: 'iam' };
  if (auth !== 'cognito') return { type: 'jwt', issuer: auth.issuer, audience: auth.audience };
  // login-check.ts refuses cognito without a console URL; a config built in code may still lack it.
  const consoleUrl = config.admin.consoleUrl?.replace(/\/+$/, '');
  return {
    type: 'cognito',
    userPoolName: `${prefix}-users`,
    domainPrefix: prefix,
    groups: departmentGroupsOf(config).map(({ name, description, precedence }) => ({ name, description, precedence })),
    callbackUrls: consoleUrl ? [`${consoleUrl}/callback`] : [],
    logoutUrls: consoleUrl ? [`${consoleUrl}/`] : [],
    scopes: [...CONSOLE_SCOPES],
  };
}

/** EventBridge retries a failed delivery with backoff for up to a day (its defaults), then uses the DLQ. */
const RULE_RETRY: RetrySpec = { retryAttempts: 185, maxEventAgeSeconds: 24 * 3600 };
/** Retries cover throttled or failed deliveries to Lambda; a run more than an hour late is dropped to the DLQ rather than stacking up behind the next one. */
const SCHEDULE_RETRY: RetrySpec = { retryAttempts: 3, maxEventAgeSeconds: 3600 };
/** Lambda's own retries of a failed asynchronous invocation (its default: 2), within an hour. */
const ASYNC_INVOKE_RETRY: RetrySpec = { retryAttempts: 2, maxEventAgeSeconds: 3600 };

/** The id of the DLQ of events a rule could not deliver to a queue. */
export const eventsDlqId = (queueId: string): string => `${queueId}-events`;

/** A dead-letter queue of any kind: a work queue's DLQ (id `<queue>-dlq`) or a DeadLetterQueueSpec. */
export interface AnyDeadLetterQueue {
  readonly id: string;
  readonly name: string;
  readonly receives: string;
  /** A work queue's id when the DLQ is that queue's. */
  readonly workQueue?: string;
  readonly redrivesTo?: string;
}

/** Every dead-letter queue of a topology, the work queues' first. */
export function allDeadLetterQueues(topology: Pick<Topology, 'queues' | 'deadLetterQueues'>): AnyDeadLetterQueue[] {
  return [
    ...topology.queues.map((q) => ({
      id: q.dlq.id,
      name: q.dlq.name,
      receives: `messages of ${q.name} that failed ${q.dlq.maxReceiveCount} times`,
      workQueue: q.id,
      redrivesTo: q.id,
    })),
    ...topology.deadLetterQueues,
  ];
}

/**
 * The alarm list: DLQ depth of every dead-letter queue, the oldest message's age of every
 * work queue, errors and throttles of every function, failed deliveries of every bus rule,
 * and 5xx answers of the HTTP API.
 */
function alarmsOf(parts: {
  prefix: string;
  queues: readonly QueueSpec[];
  deadLetterQueues: readonly DeadLetterQueueSpec[];
  rules: readonly RuleSpec[];
  functions: readonly FunctionSpec[];
}): AlarmSpec[] {
  const alarms: AlarmSpec[] = [];
  for (const dlq of allDeadLetterQueues(parts)) {
    const queue = parts.queues.find((q) => q.id === dlq.workQueue);
    alarms.push({
      id: `${dlq.id}-depth`,
      name: `${dlq.name}-depth`,
      description: `${dlq.name} holds ${dlq.receives}: read the causes with \`backchannel dlq\`, fix, then redrive.`,
      metric: { kind: 'deadLetterDepth', deadLetterQueue: dlq.id },
      threshold: queue?.alarmDlqDepth ?? 1,
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
  }
  for (const queue of parts.queues) {
    alarms.push({
      id: `${queue.id}-oldest-age`,
      name: `${queue.name}-oldest-age`,
      description: `The oldest message of ${queue.name} has waited ${queue.alarmOldestAgeSeconds} s or more: its consumer is failing, throttled or too slow.`,
      metric: { kind: 'oldestMessageAge', queue: queue.id },
      threshold: queue.alarmOldestAgeSeconds,
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
  }
  for (const fn of parts.functions) {
    alarms.push({
      id: `${fn.id}-errors`,
      name: `${fn.name}-errors`,
      description: `${fn.name} threw or timed out.`,
      metric: { kind: 'functionErrors', function: fn.id },
      threshold: 1,
      periodSeconds: 300,
      evaluationPeriods: 1,
    });
    alarms.push({
      id: `${fn.id}-throttles`,
      name: `${fn.name}-throttles`,
      description: `Invocations of ${fn.name} were throttled: the account's or the function's concurrency is exhausted.`,
      metric: { kind: 'functionThrottles', function: fn.id },
      threshold: 1,
      periodSeconds: 300,
      evaluationPeriods: 1,
    });
  }
  for (const rule of parts.rules) {
    alarms.push({
      id: `${rule.id}-failed-invocations`,
      name: `${rule.name}-failed-invocations`,
      description: `Rule ${rule.name} could not deliver events to its queue; they are in its DLQ.`,
      metric: { kind: 'ruleFailedInvocations', rule: rule.id },
      threshold: 1,
      periodSeconds: 300,
      evaluationPeriods: 1,
    });
  }
  // The webhooks' entry point since Round w16: the API's 5xx alarm no longer sees their failures.
  for (const fn of parts.functions.filter((f) => f.triggers.some((t) => t.type === 'url'))) {
    alarms.push({
      id: `${fn.id}-url-5xx`,
      name: `${fn.name}-url-5xx`,
      description: `The function URL of ${fn.name} answered requests with 5xx: the function failed, timed out or found a secret incomplete, so a platform's webhook may be retried or lost.`,
      metric: { kind: 'url5xx', function: fn.id },
      threshold: 1,
      periodSeconds: 300,
      evaluationPeriods: 1,
    });
  }
  alarms.push({
    id: 'api-5xx',
    name: `${parts.prefix}-api-5xx`,
    description: `The HTTP API answered requests with 5xx: a function failed or timed out, so a platform's webhook may be retried or lost.`,
    metric: { kind: 'api5xx' },
    threshold: 1,
    periodSeconds: 300,
    evaluationPeriods: 1,
  });
  return alarms;
}

/** erase-author's timeout: a run scans for up to this long (less a margin), then continues in the next. */
const ERASE_TIMEOUT_SECONDS = 300;

function queueSpec(prefix: string, id: string, visibilityTimeoutSeconds: number): QueueSpec {
  return {
    id,
    name: `${prefix}-${id}`,
    visibilityTimeoutSeconds,
    retentionDays: 4,
    dlq: { id: `${id}-dlq`, name: `${prefix}-${id}-dlq`, maxReceiveCount: 5, retentionDays: 14 },
    alarmDlqDepth: 1,
    // Work flows through in seconds; ten minutes of waiting means it is stuck.
    alarmOldestAgeSeconds: 600,
  };
}
