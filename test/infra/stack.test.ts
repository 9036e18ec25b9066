import { Match } from 'aws-cdk-lib/assertions';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IConstruct } from 'constructs';
import { COMPANY_TAG, PROJECT_ROOT } from '../../infra/aws/build-app.ts';
import { REGIONS_WITHOUT_FUNCTION_URLS } from '../../infra/aws/constructs/function-urls.ts';
import { STACK_OUTPUTS, functionOutputKey, queueOutputKey } from '../../infra/aws/stack-outputs.ts';
import {
  ADMIN_API_ROUTES,
  CONSOLE_ROUTES,
  allDeadLetterQueues,
  buildTopology,
  REPORT_FONT_DIR,
  REPORT_FONT_PACKAGE_FILE,
  departmentQueueId,
  eventsDlqId,
  type FunctionSpec,
  type Grant,
  type Topology,
} from '../../infra/topology.ts';
import { loadCompanyConfig } from '../../shared/config/load.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import {
  arnOf,
  hasProperties,
  logicalId,
  permissionsOf,
  ref,
  resourceOf,
  synthCompany,
  type Permission,
  type SynthesizedCompany,
} from './synth.ts';

// One synthesis of the demo company serves every test of its stack: each costs seconds.
let demo: CompanyConfig;
let topology: Topology;
let synth: SynthesizedCompany;

beforeAll(async () => {
  demo = await loadCompanyConfig('demo', PROJECT_ROOT);
  topology = buildTopology(demo);
  synth = synthCompany(demo);
});

afterAll(() => synth?.dispose());

const functionSpec = (id: string): FunctionSpec => {
  const spec = topology.functions.find((f) => f.id === id);
  if (!spec) throw new Error(`no function ${id} in the topology`);
  return spec;
};

const permissionsOfFunction = (id: string): Permission[] =>
  permissionsOf(synth.template, synth.stack.functions.get(id, 'test').role);

const ADMIN_ROUTE_KEYS = ADMIN_API_ROUTES.map((r) => `${r.method} ${r.path}`);

/** Each API route's key with its authorization type and authorizer reference. */
const routeAuthorization = (s: SynthesizedCompany): Map<string, { type: string | undefined; authorizerId: unknown }> =>
  new Map(
    Object.values(s.template.findResources('AWS::ApiGatewayV2::Route')).map((r) => {
      const p = (r as { Properties: { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown } })
        .Properties;
      return [p.RouteKey, { type: p.AuthorizationType, authorizerId: p.AuthorizerId }];
    }),
  );

describe('company stack of the demo config', () => {
  describe('queues', () => {
    it('has a queue and a DLQ for the intake, the insights, the erasures and every department, and the DLQs of rule targets, schedules and async functions', () => {
      synth.template.resourceCountIs(
        'AWS::SQS::Queue',
        2 * (3 + demo.departments.length) + topology.deadLetterQueues.length,
      );
    });

    it("redrives every non-DLQ queue to its DLQ after the topology's maxReceiveCount", () => {
      const queues = synth.template.findResources('AWS::SQS::Queue') as Record<
        string,
        { Properties: { RedrivePolicy?: { maxReceiveCount: number } } }
      >;
      const dlqIds = new Set(
        allDeadLetterQueues(topology).map((q) => logicalId(synth.stack.queues.deadLetter(q.id, 'test'))),
      );
      const idOf = new Map(synth.stack.queues.all.map((q) => [logicalId(q.queue), q.spec.id]));

      const redrives = Object.entries(queues)
        .filter(([id]) => !dlqIds.has(id))
        .map(([id, q]) => [idOf.get(id) ?? id, q.Properties.RedrivePolicy?.maxReceiveCount]);

      expect(Object.fromEntries(redrives)).toEqual(
        Object.fromEntries(topology.queues.map((q) => [q.id, q.dlq.maxReceiveCount])),
      );
    });

    it.each(['intake', departmentQueueId('legal')])(
      "gives queue %s the topology's DLQ, timeouts and retention",
      (queueId) => {
        const { spec, dlq } = synth.stack.queues.get(queueId, 'test');

        hasProperties(synth, synth.stack.queues.get(queueId, 'test').queue, {
          VisibilityTimeout: spec.visibilityTimeoutSeconds,
          MessageRetentionPeriod: spec.retentionDays * 86_400,
          SqsManagedSseEnabled: true,
          RedrivePolicy: { deadLetterTargetArn: arnOf(dlq), maxReceiveCount: spec.dlq.maxReceiveCount },
        });
        hasProperties(synth, dlq, {
          MessageRetentionPeriod: spec.dlq.retentionDays * 86_400,
          SqsManagedSseEnabled: true,
          RedrivePolicy: Match.absent(),
        });
      },
    );

    it('denies every queue access without TLS', () => {
      for (const { queue, dlq } of synth.stack.queues.all) {
        for (const q of [queue, dlq]) {
          synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [ref(q)],
            PolicyDocument: {
              Statement: Match.arrayWith([
                Match.objectLike({
                  Effect: 'Deny',
                  Action: 'sqs:*',
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                }),
              ]),
            },
          });
        }
      }
    });
  });

  describe('event routing', () => {
    it('has exactly one rule per topology rule, on the company bus', () => {
      const rules = synth.template.findResources('AWS::Events::Rule');

      expect(Object.keys(rules).sort()).toEqual(
        topology.bus.rules.map((r) => logicalId(synth.stack.events.rules.get(r.id)!)).sort(),
      );
      for (const rule of Object.values(rules)) {
        expect((rule as { Properties: { EventBusName: unknown } }).Properties.EventBusName).toEqual(
          ref(synth.stack.events.bus),
        );
      }
    });

    it("gives each rule exactly the topology's event pattern and its queue as the only target", () => {
      for (const spec of topology.bus.rules) {
        const rule = resourceOf<{ EventPattern: unknown; Targets: { Arn: unknown }[] }>(
          synth,
          synth.stack.events.rules.get(spec.id)!,
        );
        const target = synth.stack.queues.get(spec.targetQueue, 'test').queue;
        expect(rule?.Properties.EventPattern).toStrictEqual(spec.pattern);
        expect(rule?.Properties.Targets.map((t) => t.Arn)).toEqual([arnOf(target)]);
      }
    });

    it('lets each rule, and only that rule, send to its queue', () => {
      for (const spec of topology.bus.rules) {
        const queue = synth.stack.queues.get(spec.targetQueue, 'test').queue;
        const rule = synth.stack.events.rules.get(spec.id);
        if (!rule) throw new Error(`no rule ${spec.id}`);

        synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [ref(queue)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: Match.arrayWith(['sqs:SendMessage']),
                Condition: { ArnEquals: { 'aws:SourceArn': arnOf(rule) } },
              }),
            ]),
          },
        });
      }
    });

    it('sends every primary Mention Routed or Mentions Routed, and no cc copy, to the insights queue, with its own events DLQ', () => {
      const rule = resourceOf<{
        EventPattern: unknown;
        Targets: { Arn: unknown; DeadLetterConfig?: { Arn: unknown } }[];
      }>(synth, synth.stack.events.rules.get('insights')!);

      expect(rule?.Properties.EventPattern).toStrictEqual({
        source: ['backchannel'],
        'detail-type': ['Mention Routed', 'Mentions Routed'],
        detail: { role: ['primary'] },
      });
      expect(rule?.Properties.Targets.map((t) => t.Arn)).toEqual([
        arnOf(synth.stack.queues.get('insights', 'test').queue),
      ]);
      expect(rule?.Properties.Targets[0]?.DeadLetterConfig).toEqual({
        Arn: arnOf(synth.stack.queues.deadLetter(eventsDlqId('insights'), 'test')),
      });
      expect(synth.stack.queues.get('insights', 'test').dlq).toBe(
        synth.stack.queues.deadLetter('insights-dlq', 'test'),
      );
    });

    it("archives the bus for the topology's retention", () => {
      synth.template.hasResourceProperties('AWS::Events::Archive', {
        SourceArn: arnOf(synth.stack.events.bus),
        RetentionDays: topology.bus.archiveRetentionDays,
      });
    });
  });

  describe('functions', () => {
    it("runs every function on Node.js 22, arm64, untraced (the config's default), with the topology's size", () => {
      const functions = synth.template.toJSON().Resources as Record<string, { Properties: object }>;

      for (const spec of topology.functions) {
        const fn = synth.stack.functions.get(spec.id, 'test').function;
        hasProperties(synth, fn, {
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          MemorySize: spec.memoryMb,
          Timeout: spec.timeoutSeconds,
        });
        expect(functions[logicalId(fn)]?.Properties).not.toHaveProperty('TracingConfig');
      }
    });

    it("logs in Lambda's JSON format without its START/END/REPORT records, at the logger's own level", () => {
      expect(topology.observability).toEqual({ logFormat: 'JSON', systemLogLevel: 'WARN', tracing: 'off' });
      for (const { fn } of synth.stack.functions.all) {
        hasProperties(synth, fn.function, {
          LoggingConfig: {
            LogFormat: 'JSON',
            SystemLogLevel: 'WARN',
            // POWERTOOLS_LOG_LEVEL's value: Powertools takes Lambda's level over its own.
            ApplicationLogLevel: 'INFO',
            LogGroup: ref(fn.logGroup),
          },
          Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'INFO' }) },
        });
      }
    });

    it('resolves the environment of ingest-webhook, without the company config (inlined at bundle time)', () => {
      const fn = synth.stack.functions.get('ingest-webhook', 'test').function;

      hasProperties(synth, fn, {
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'ingest-webhook',
            POWERTOOLS_METRICS_NAMESPACE: 'Backchannel',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            INTAKE_QUEUE_URL: ref(synth.stack.queues.get('intake', 'test').queue),
            META_SECRET_NAME: 'backchannel/demo/meta',
          },
        },
      });
      const variables = (
        synth.template.toJSON() as { Resources: Record<string, { Properties: { Environment: { Variables: object } } }> }
      ).Resources[logicalId(fn)]?.Properties.Environment.Variables;
      expect(variables).not.toHaveProperty('COMPANY_CONFIG');
      // Source maps at run time cost cold-start time; on only with -c sourceMaps=true.
      expect(variables).not.toHaveProperty('NODE_OPTIONS');
    });

    it('resolves the table and bus names of classify-mention', () => {
      hasProperties(synth, synth.stack.functions.get('classify-mention', 'test').function, {
        Environment: {
          Variables: Match.objectLike({
            TABLE_NAME: ref(synth.stack.data.table),
            EVENT_BUS_NAME: ref(synth.stack.events.bus),
          }),
        },
      });
    });

    it('maps every sqs trigger to an event source mapping that reports batch item failures', () => {
      const triggers = topology.functions.flatMap((f) =>
        f.triggers.flatMap((t) => (t.type === 'sqs' ? [{ fn: f.id, trigger: t }] : [])),
      );

      synth.template.resourceCountIs('AWS::Lambda::EventSourceMapping', triggers.length);
      for (const { fn, trigger } of triggers) {
        synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          FunctionName: ref(synth.stack.functions.get(fn, 'test').function),
          EventSourceArn: arnOf(synth.stack.queues.get(trigger.queue, 'test').queue),
          BatchSize: trigger.batchSize,
          MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: trigger.maxConcurrency },
        });
      }
    });

    it("writes each function's logs to its own log group, kept for 30 days", () => {
      const resources = synth.template.toJSON().Resources as Record<
        string,
        { Properties: { RetentionInDays?: number } }
      >;

      for (const { fn } of synth.stack.functions.all) {
        hasProperties(synth, fn.function, {
          LoggingConfig: { LogGroup: ref(fn.logGroup) },
        });
        expect(resources[logicalId(fn.logGroup)]?.Properties.RetentionInDays).toBe(30);
      }
    });
  });

  describe('permissions', () => {
    it('lets ingest-webhook send to the intake queue and read the meta secret, and touch no table', () => {
      const permissions = permissionsOfFunction('ingest-webhook');

      expect(permissions).toContainEqual({
        action: 'sqs:SendMessage',
        resource: logicalId(synth.stack.queues.get('intake', 'test').queue),
      });
      expect(permissions).toContainEqual({
        action: 'secretsmanager:GetSecretValue',
        resource: logicalId(synth.stack.secrets.get('meta', 'test').secret),
      });
      expect(permissions.filter((p) => p.action.startsWith('dynamodb:') || p.action.startsWith('kms:'))).toEqual([]);
      expect(permissions.filter((p) => p.action === 'sqs:ReceiveMessage')).toEqual([]);
    });

    it('lets handle-department put case events on the bus but send no messages', () => {
      const permissions = permissionsOfFunction('handle-department');

      expect(permissions.filter((p) => p.action === 'sqs:SendMessage')).toEqual([]);
      expect(permissions.filter((p) => p.action.startsWith('events:'))).toEqual([
        { action: 'events:PutEvents', resource: logicalId(synth.stack.events.bus) },
      ]);
    });

    it('lets record-insights consume the insights queue and write the table, and send or publish nothing', () => {
      const permissions = permissionsOfFunction('record-insights');

      expect(permissions).toEqual(
        expect.arrayContaining([
          { action: 'sqs:ReceiveMessage', resource: logicalId(synth.stack.queues.get('insights', 'test').queue) },
          { action: 'sqs:DeleteMessage', resource: logicalId(synth.stack.queues.get('insights', 'test').queue) },
          { action: 'dynamodb:UpdateItem', resource: logicalId(synth.stack.data.table) },
          { action: 'dynamodb:BatchGetItem', resource: logicalId(synth.stack.data.table) },
        ]),
      );
      expect(
        permissions.filter(
          (p) =>
            p.action === 'sqs:SendMessage' || p.action.startsWith('events:') || p.action.startsWith('secretsmanager:'),
        ),
      ).toEqual([]);
    });

    it('lets erase-author consume and continue on the erasure queue and scan and write the table, and publish nothing', () => {
      const erasures = logicalId(synth.stack.queues.get('erasure', 'test').queue);
      const permissions = permissionsOfFunction('erase-author');

      expect(permissions).toEqual(
        expect.arrayContaining([
          { action: 'sqs:ReceiveMessage', resource: erasures },
          { action: 'sqs:SendMessage', resource: erasures },
          { action: 'dynamodb:Scan', resource: logicalId(synth.stack.data.table) },
          { action: 'dynamodb:BatchWriteItem', resource: logicalId(synth.stack.data.table) },
        ]),
      );
      expect(
        permissions.filter(
          (p) =>
            (p.action === 'sqs:SendMessage' && p.resource !== erasures) ||
            p.action.startsWith('events:') ||
            p.action.startsWith('secretsmanager:'),
        ),
      ).toEqual([]);
    });

    it('lets the admin API start an erasure only through the bus: no SQS permission at all', () => {
      const permissions = permissionsOfFunction('admin-api');

      expect(permissions.filter((p) => p.action.startsWith('sqs:'))).toEqual([]);
      expect(permissions.map((p) => p.action)).toContain('events:PutEvents');
    });

    it('sends every Erasure Requested to the erasure queue, with its own events DLQ', () => {
      const rule = synth.template.findResources('AWS::Events::Rule', {
        Properties: { EventPattern: { 'detail-type': ['Erasure Requested'] } },
      });

      expect(Object.keys(rule)).toHaveLength(1);
      expect(JSON.stringify(Object.values(rule)[0])).toContain(
        logicalId(synth.stack.queues.get('erasure', 'test').queue),
      );
    });
    it('lets classify-mention consume the intake queue, write the table and put events on the bus', () => {
      const permissions = permissionsOfFunction('classify-mention');

      expect(permissions).toEqual(
        expect.arrayContaining([
          { action: 'sqs:DeleteMessage', resource: logicalId(synth.stack.queues.get('intake', 'test').queue) },
          { action: 'dynamodb:PutItem', resource: logicalId(synth.stack.data.table) },
          { action: 'kms:GenerateDataKey*', resource: logicalId(synth.stack.data.key) },
          { action: 'events:PutEvents', resource: logicalId(synth.stack.events.bus) },
        ]),
      );
    });

    it.each(['ingest-webhook', 'classify-mention', 'handle-department', 'build-report', 'admin-api', 'train-model'])(
      'grants %s nothing beyond its topology grants and its log group (no X-Ray while tracing is off)',
      (id) => {
        const allowed = [
          ...logPermissions(id),
          ...onFailurePermissions(id),
          ...functionSpec(id).grants.flatMap((g) => grantedPermissions(g)),
        ];

        const unexpected = permissionsOfFunction(id).filter(
          (p) => !allowed.some((a) => a.resource === p.resource && a.action === p.action),
        );

        expect(unexpected).toEqual([]);
      },
    );

    it('lets the report schedule invoke build-report and send to its own DLQ, nothing else', () => {
      const schedule = synth.stack.schedules.schedules.get('daily-report');
      if (!schedule) throw new Error('no daily-report schedule');
      const roleArn = (
        synth.template.toJSON() as {
          Resources: Record<string, { Properties: { Target: { RoleArn: { 'Fn::GetAtt': [string, string] } } } }>;
        }
      ).Resources[logicalId(schedule)]?.Properties.Target.RoleArn['Fn::GetAtt'][0];
      const role = synth.stack.node.findAll().find((c) => c.node.defaultChild && logicalId(c) === roleArn);
      if (!role) throw new Error('no scheduler role');

      expect(new Set(permissionsOf(synth.template, role).map((p) => `${p.action} ${p.resource}`))).toEqual(
        new Set([
          `lambda:InvokeFunction ${logicalId(synth.stack.functions.get('build-report', 'test').function)}`,
          `sqs:SendMessage ${logicalId(synth.stack.queues.deadLetter('schedule-daily-report-dlq', 'test'))}`,
        ]),
      );
    });
  });

  describe('company models', () => {
    it('keeps the models in an encrypted, versioned bucket with public access blocked, SSL enforced, retained', () => {
      synth.template.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        }),
        DeletionPolicy: 'Retain',
      });
      synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('retrains weekly: the train-model schedule invokes train-model on Sundays at 03:00 in the company timezone', () => {
      synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 3 ? * SUN *)',
        ScheduleExpressionTimezone: demo.company.timezone,
        Target: Match.objectLike({ Arn: arnOf(synth.stack.functions.get('train-model', 'test').function) }),
      });
    });

    it('gives train-model 2 GB, 15 minutes, the bucket name and the base data (corpus, real texts) bundled beside its code', () => {
      hasProperties(synth, synth.stack.functions.get('train-model', 'test').function, {
        MemorySize: 2048,
        Timeout: 900,
        Environment: {
          Variables: Match.objectLike({ MODEL_BUCKET: ref(synth.stack.buckets.get('models', 'test').bucket) }),
        },
      });
      expect(functionSpec('train-model').assets).toEqual([
        { from: 'shared/classifier/corpus', to: 'corpus' },
        { from: 'shared/classifier/data', to: 'data' },
      ]);
    });

    it('lets train-model read the table (no writes) and read and write the bucket; classify-mention only reads the bucket', () => {
      const bucket = logicalId(synth.stack.buckets.get('models', 'test').bucket);
      const train = permissionsOfFunction('train-model');
      const classify = permissionsOfFunction('classify-mention');

      expect(train).toEqual(
        expect.arrayContaining([
          { action: 's3:PutObject', resource: bucket },
          { action: 'dynamodb:Query', resource: logicalId(synth.stack.data.table) },
        ]),
      );
      expect(train.filter((p) => p.action === 'dynamodb:PutItem')).toEqual([]);
      expect(classify).toEqual(expect.arrayContaining([{ action: 's3:GetObject*', resource: bucket }]));
      expect(classify.filter((p) => p.resource === bucket && p.action.startsWith('s3:Put'))).toEqual([]);
    });
  });

  describe('data', () => {
    it('encrypts the table with the rotating customer-managed key and keeps both', () => {
      const key = synth.stack.data.key;

      synth.template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({
          TableName: Match.absent(),
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(key) },
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      synth.template.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true }),
        DeletionPolicy: 'Retain',
      });
    });

    it("has on-demand billing, PITR, the TTL attribute, and the topology's keys and indexes", () => {
      synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: topology.table.ttlAttribute, Enabled: true },
        KeySchema: [
          { AttributeName: topology.table.partitionKey, KeyType: 'HASH' },
          { AttributeName: topology.table.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: topology.table.indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' },
            { AttributeName: i.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: i.projection },
        })),
      });
    });

    it("has two keys-only indexes, the departments' GSI1 and the first cc's GSI3 (w22): no author index since w18 (a deploy over a stack with GSI2 deletes it; over w18-w21 it adds GSI3: one GSI change per update, as CloudFormation allows)", () => {
      const tables = Object.values(synth.template.findResources('AWS::DynamoDB::Table')) as {
        Properties: { GlobalSecondaryIndexes: { IndexName: string; Projection: { ProjectionType: string } }[] };
      }[];

      expect(
        tables.map((t) =>
          t.Properties.GlobalSecondaryIndexes.map((i) => `${i.IndexName} ${i.Projection.ProjectionType}`),
        ),
      ).toEqual([['GSI1 KEYS_ONLY', 'GSI3 KEYS_ONLY']]);
    });

    it('creates the meta secret with a generated verify token and keeps it on delete', () => {
      synth.template.hasResource('AWS::SecretsManager::Secret', {
        Properties: Match.objectLike({
          Name: 'backchannel/demo/meta',
          GenerateSecretString: Match.objectLike({ GenerateStringKey: 'verifyToken' }),
        }),
        DeletionPolicy: 'Retain',
      });
    });

    it.each([
      ['youtube', 'hubSecret'],
      ['generic', 'signingSecret'],
    ])('generates the %s signing key %s, so the webhook is signed from the first deploy', (platform, key) => {
      synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `backchannel/demo/${platform}`,
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{}', GenerateStringKey: key }),
      });
    });
  });

  describe('webhooks and schedules', () => {
    it('gives ingest-webhook, and no other function, a function URL: auth NONE, buffered, no CORS', () => {
      const ingest = synth.stack.functions.get('ingest-webhook', 'test').function;

      synth.template.resourceCountIs('AWS::Lambda::Url', 1);
      synth.template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        InvokeMode: 'BUFFERED',
        TargetFunctionArn: arnOf(ingest),
        Cors: Match.absent(),
      });
    });

    it('lets anyone invoke ingest-webhook through its URL only (InvokeFunctionUrl, and InvokeFunction via the URL)', () => {
      const ingest = synth.stack.functions.get('ingest-webhook', 'test').function;

      synth.template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: arnOf(ingest),
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      });
      synth.template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(ingest),
        Principal: '*',
        InvokedViaFunctionUrl: true,
      });
      const open = Object.values(synth.template.findResources('AWS::Lambda::Permission')).filter(
        (r) => (r as { Properties: { Principal: string } }).Properties.Principal === '*',
      );
      expect(open).toHaveLength(2);
    });

    it('creates the function URL and its two open permissions only in regions that have function URLs (not Zurich)', () => {
      const conditionId = logicalId(synth.stack.functionUrls.supported);
      const conditional = (type: string) =>
        Object.values(synth.template.findResources(type)).filter(
          (r) => (r as { Condition?: string }).Condition === conditionId,
        );
      const open = Object.values(synth.template.findResources('AWS::Lambda::Permission')).filter(
        (r) => (r as { Properties: { Principal: string } }).Properties.Principal === '*',
      );

      expect(conditional('AWS::Lambda::Url')).toHaveLength(1);
      expect(open.every((r) => (r as { Condition?: string }).Condition === conditionId)).toBe(true);
      const expression = JSON.stringify(synth.template.toJSON().Conditions[conditionId]);
      expect(expression).toMatch(/^\{"Fn::Not":/);
      for (const region of REGIONS_WITHOUT_FUNCTION_URLS) expect(expression).toContain(`"${region}"`);
      expect(REGIONS_WITHOUT_FUNCTION_URLS).toContain('eu-central-2');
      expect(expression).not.toContain('eu-central-1');
    });

    it("keeps the HTTP API's webhook routes to ingest-webhook for platforms registered before w16 (the deployment window)", () => {
      const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).map(
        (r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey,
      );

      expect(routes).toEqual(
        expect.arrayContaining([
          'GET /webhooks/{platform}',
          'POST /webhooks/{platform}',
          'POST /webhooks/generic/{source}',
        ]),
      );
    });

    it('caps ingest-webhook with reserved concurrency (20 by default: 200 requests/s): the throttle of its function URL', () => {
      hasProperties(synth, synth.stack.functions.get('ingest-webhook', 'test').function, {
        ReservedConcurrentExecutions: 20,
      });
    });

    it("routes the topology's webhook routes to ingest-webhook", () => {
      const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).map(
        (r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey,
      );
      const expected = topology.functions.flatMap((f) =>
        f.triggers.flatMap((t) => (t.type === 'http' ? t.routes.map((r) => `${r.method} ${r.path}`) : [])),
      );

      expect(routes.sort()).toEqual(expected.sort());
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: arnOf(synth.stack.functions.get('ingest-webhook', 'test').function),
      });
    });

    it("has one JWT authorizer with the config's issuer and audience, reading the Authorization header", () => {
      const auth = demo.admin.auth as { issuer: string; audience: string[] };

      synth.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        Name: `${topology.http.name}-admin`,
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: { Issuer: auth.issuer, Audience: auth.audience },
      });
    });

    it('puts the JWT authorizer on every admin route and leaves the webhook routes open', () => {
      const routes = routeAuthorization(synth);
      const authorizerId = { Ref: Object.keys(synth.template.findResources('AWS::ApiGatewayV2::Authorizer'))[0] };
      const webhooks = [...routes.keys()].filter((key) => !ADMIN_ROUTE_KEYS.includes(key));

      expect(ADMIN_ROUTE_KEYS.map((key) => routes.get(key))).toEqual(
        ADMIN_ROUTE_KEYS.map(() => ({ type: 'JWT', authorizerId })),
      );
      expect(webhooks.length).toBeGreaterThan(0);
      expect(webhooks.map((key) => [key, routes.get(key)?.type])).toEqual(webhooks.map((key) => [key, 'NONE']));
    });

    it('throttles the default stage as the topology says and writes access logs', () => {
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: topology.http.throttle.rateLimit,
          ThrottlingBurstLimit: topology.http.throttle.burstLimit,
        },
        AccessLogSettings: {
          DestinationArn: arnOf(synth.stack.webhooks.accessLogs),
          Format: Match.stringLikeRegexp('\\$context\\.requestId'),
        },
      });
    });

    it('runs the daily report in Europe/Berlin with the payload and the scheduled-time placeholder', () => {
      const spec = topology.schedules[0];
      if (!spec) throw new Error('no schedule in the topology');

      hasProperties(synth, synth.stack.schedules.schedules.get(spec.id)!, {
        ScheduleExpression: demo.reports.daily,
        ScheduleExpressionTimezone: 'Europe/Berlin',
        Target: Match.objectLike({
          Arn: arnOf(synth.stack.functions.get('build-report', 'test').function),
          Input: JSON.stringify({ report: 'daily', scheduledTime: '<aws.scheduler.scheduled-time>' }),
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        }),
      });
    });

    it('runs the weekly report from reports.weekly in Europe/Berlin against build-report, with its own DLQ', () => {
      // Arrange
      const weekly = demo.reports.weekly;
      if (!weekly) throw new Error('the demo config has no weekly report');

      // Assess
      hasProperties(synth, synth.stack.schedules.schedules.get('weekly-report')!, {
        ScheduleExpression: weekly,
        ScheduleExpressionTimezone: 'Europe/Berlin',
        Target: Match.objectLike({
          Arn: arnOf(synth.stack.functions.get('build-report', 'test').function),
          Input: JSON.stringify({ report: 'weekly', scheduledTime: '<aws.scheduler.scheduled-time>' }),
          DeadLetterConfig: { Arn: arnOf(synth.stack.queues.deadLetter('schedule-weekly-report-dlq', 'test')) },
        }),
      });
    });

    it("ships the charts' font beside build-report, whose Lambda runtime has no fonts", () => {
      // Act
      const spec = buildTopology(demo).functions.find((f) => f.id === 'build-report');

      // Assess: the file the bundling copies exists in the repository's dependencies
      expect(spec?.assets).toContainEqual({ from: REPORT_FONT_PACKAGE_FILE, to: REPORT_FONT_DIR });
      expect(existsSync(REPORT_FONT_PACKAGE_FILE)).toBe(true);
    });

    it('lets build-report send reports by SES and read the chat webhook secrets, with the sender in its environment', () => {
      const build = functionSpec('build-report');

      expect(build.grants).toEqual(
        expect.arrayContaining([
          { resource: 'email', access: 'send' },
          expect.objectContaining({ resource: 'secret', access: 'read' }),
        ]),
      );
      hasProperties(synth, synth.stack.functions.get('build-report', 'test').function, {
        Environment: { Variables: Match.objectLike({ NOTIFY_FROM_EMAIL: demo.notifications?.from }) },
      });
    });

    it('runs the SLA sweep every 5 minutes in Europe/Berlin against check-sla', () => {
      hasProperties(synth, synth.stack.schedules.schedules.get('sla-sweep')!, {
        ScheduleExpression: 'cron(0/5 * * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        Target: Match.objectLike({
          Arn: arnOf(synth.stack.functions.get('check-sla', 'test').function),
          Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
        }),
      });
    });

    it('evaluates spikes at 5 past every hour in Europe/Berlin with detect-spikes, which may put on the bus', () => {
      hasProperties(synth, synth.stack.schedules.schedules.get('spike-check')!, {
        ScheduleExpression: 'cron(5 * * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        Target: Match.objectLike({
          Arn: arnOf(synth.stack.functions.get('detect-spikes', 'test').function),
          Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
          DeadLetterConfig: { Arn: arnOf(synth.stack.queues.deadLetter('schedule-spike-check-dlq', 'test')) },
        }),
      });
      hasProperties(synth, synth.stack.functions.get('detect-spikes', 'test').function, {
        Timeout: 300,
        Environment: {
          Variables: Match.objectLike({ EVENT_BUS_NAME: Match.anyValue(), TABLE_NAME: Match.anyValue() }),
        },
      });
    });
  });

  describe('alarms and outputs', () => {
    it("alarms on every DLQ at the topology's depth", () => {
      for (const { spec, dlq } of synth.stack.queues.all) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(dlq), 'QueueName'] } }],
          Threshold: spec.alarmDlqDepth,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    });

    it("alarms on the 5xx answers of ingest-webhook's function URL (the API's 5xx alarm no longer sees the webhooks)", () => {
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Url5xxCount',
        Statistic: 'Sum',
        Dimensions: [
          { Name: 'FunctionName', Value: ref(synth.stack.functions.get('ingest-webhook', 'test').function) },
        ],
      });
    });

    it('alarms on errors of every function', () => {
      for (const { fn } of synth.stack.functions.all) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: ref(fn.function) }],
        });
      }
    });

    it("outputs the webhook base URL (ingest's function URL), the old one on the HTTP API, the table name and the bus name", () => {
      const functionUrl = synth.stack.functionUrls.get('ingest-webhook')?.url as IConstruct;

      synth.template.hasOutput('WebhookBaseUrl', {
        Value: {
          'Fn::If': [
            logicalId(synth.stack.functionUrls.supported),
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(functionUrl), 'FunctionUrl'] }, 'webhooks']] },
            { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/webhooks$')])] },
          ],
        },
      });
      synth.template.hasOutput('ApiWebhookBaseUrl', {
        Value: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/webhooks$')])] },
      });
      synth.template.hasOutput('TableName', { Value: ref(synth.stack.data.table) });
      synth.template.hasOutput('EventBusName', { Value: ref(synth.stack.events.bus) });
    });

    it('outputs the physical name of the table, every queue, DLQ and function under the key the CLI reads (--region)', () => {
      const getAtt = (construct: IConstruct, attribute: string) => ({
        'Fn::GetAtt': [logicalId(construct), attribute],
      });

      synth.template.hasOutput(STACK_OUTPUTS.tableName, { Value: ref(synth.stack.data.table) });
      for (const { spec, queue, dlq } of synth.stack.queues.all) {
        synth.template.hasOutput(queueOutputKey(spec.id), { Value: getAtt(queue, 'QueueName') });
        synth.template.hasOutput(queueOutputKey(spec.dlq.id), { Value: getAtt(dlq, 'QueueName') });
      }
      for (const spec of topology.deadLetterQueues) {
        synth.template.hasOutput(queueOutputKey(spec.id), {
          Value: getAtt(synth.stack.queues.deadLetter(spec.id, 'test'), 'QueueName'),
        });
      }
      for (const { spec, fn } of synth.stack.functions.all) {
        synth.template.hasOutput(functionOutputKey(spec.id), { Value: ref(fn.function) });
      }
    });

    it('outputs the whole webhook URL of each enabled webhook platform and generic source, and none for pollers', () => {
      // The function URL ends with `/`: `<url>` + `webhooks/meta`.
      const functionUrl = synth.stack.functionUrls.get('ingest-webhook')?.url as IConstruct;
      const urlEnding = (tail: string) => ({
        Value: {
          'Fn::If': [
            logicalId(synth.stack.functionUrls.supported),
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(functionUrl), 'FunctionUrl'] }, tail]] },
            { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`/${tail}$`)])] },
          ],
        },
      });

      const outputs = Object.keys(synth.template.findOutputs('*'))
        .filter((id) => id.startsWith('WebhookUrl'))
        .sort();

      expect(outputs).toEqual([
        'WebhookUrlGenericKontaktformular',
        'WebhookUrlGenericTrustpilot',
        'WebhookUrlLinkedin',
        'WebhookUrlMeta',
        'WebhookUrlTiktok',
        'WebhookUrlX',
        'WebhookUrlYoutube',
      ]);
      synth.template.hasOutput('WebhookUrlMeta', urlEnding('webhooks/meta'));
      synth.template.hasOutput('WebhookUrlGenericTrustpilot', urlEnding('webhooks/generic/trustpilot'));
    });

    it('names the stack after the company and tags it with the company id', () => {
      const artifact = synth.assembly.getStackArtifact(synth.stack.artifactId);

      expect(artifact.stackName).toBe('Backchannel-demo');
      expect(artifact.tags).toEqual({ [COMPANY_TAG]: 'demo' });
    });
  });

  describe('failure path', () => {
    type Resource<P> = { Properties: P };
    const resources = <P>(type: string) => Object.values(synth.template.findResources(type)) as Resource<P>[];
    const topicRef = () => ref(synth.stack.alerts.topic);

    it('gives every bus rule target a DLQ of the topology and its retry policy', () => {
      expect(resources('AWS::Events::Rule').length).toBe(topology.bus.rules.length);
      for (const spec of topology.bus.rules) {
        const rule = resourceOf<{
          Targets: { Arn: unknown; DeadLetterConfig?: { Arn: unknown }; RetryPolicy?: unknown }[];
        }>(synth, synth.stack.events.rules.get(spec.id)!);
        expect(rule?.Properties.Targets).toEqual([
          expect.objectContaining({
            DeadLetterConfig: { Arn: arnOf(synth.stack.queues.deadLetter(spec.deadLetterQueue, 'test')) },
            RetryPolicy: {
              MaximumRetryAttempts: spec.retry.retryAttempts,
              MaximumEventAgeInSeconds: spec.retry.maxEventAgeSeconds,
            },
          }),
        ]);
      }
    });

    it('lets each rule send to its DLQ', () => {
      for (const spec of topology.bus.rules) {
        const rule = synth.stack.events.rules.get(spec.id);
        if (!rule) throw new Error(`no rule ${spec.id}`);

        synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [ref(synth.stack.queues.deadLetter(spec.deadLetterQueue, 'test'))],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Condition: { ArnEquals: { 'aws:SourceArn': arnOf(rule) } },
              }),
            ]),
          },
        });
      }
    });

    it('gives every schedule a DLQ and a retry policy', () => {
      expect(resources('AWS::Scheduler::Schedule').length).toBe(topology.schedules.length);
      for (const spec of topology.schedules) {
        const schedule = resourceOf<{ Target: { DeadLetterConfig?: { Arn: unknown }; RetryPolicy?: unknown } }>(
          synth,
          synth.stack.schedules.schedules.get(spec.id)!,
        );
        expect(schedule?.Properties.Target.DeadLetterConfig).toEqual({
          Arn: arnOf(synth.stack.queues.deadLetter(spec.deadLetterQueue, 'test')),
        });
        expect(schedule?.Properties.Target.RetryPolicy).toEqual({
          MaximumRetryAttempts: spec.retry.retryAttempts,
          MaximumEventAgeInSeconds: spec.retry.maxEventAgeSeconds,
        });
      }
    });

    it('gives every scheduled function and the alarm forwarder an on-failure destination', () => {
      const asyncFunctions = topology.functions.filter((f) =>
        f.triggers.some((t) => t.type === 'schedule' || t.type === 'alerts'),
      );
      const configs = resources<{
        FunctionName: unknown;
        MaximumRetryAttempts: number;
        DestinationConfig?: { OnFailure?: { Destination: unknown } };
      }>('AWS::Lambda::EventInvokeConfig');

      expect(asyncFunctions.map((f) => f.id)).toEqual(
        expect.arrayContaining(['build-report', 'check-sla', 'detect-spikes', 'forward-alarm']),
      );
      expect(configs.length).toBe(asyncFunctions.length);
      for (const spec of asyncFunctions) {
        const config = configs.find(
          (c) =>
            JSON.stringify(c.Properties.FunctionName) ===
            JSON.stringify(ref(synth.stack.functions.get(spec.id, 'test').function)),
        );
        expect(config?.Properties.DestinationConfig?.OnFailure?.Destination).toEqual(
          arnOf(synth.stack.queues.deadLetter(spec.asyncInvoke?.onFailure ?? '', 'test')),
        );
        expect(config?.Properties.MaximumRetryAttempts).toBe(spec.asyncInvoke?.retry.retryAttempts);
      }
    });

    it('encrypts the alert topic with its own rotating key that CloudWatch may use, and denies it without TLS', () => {
      hasProperties(synth, synth.stack.alerts.topic, {
        KmsMasterKeyId: arnOf(synth.stack.alerts.key),
      });
      synth.template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
      synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [topicRef()],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it("subscribes the config's e-mail addresses and the alarm forwarder to the topic", () => {
      const subscriptions = resources<{ Protocol: string; Endpoint: unknown; TopicArn: unknown }>(
        'AWS::SNS::Subscription',
      );

      expect(subscriptions.map((s) => [s.Properties.Protocol, s.Properties.Endpoint, s.Properties.TopicArn])).toEqual(
        expect.arrayContaining([
          ...demo.alerts.email.map((address) => ['email', address, topicRef()]),
          ['lambda', arnOf(synth.stack.functions.get('forward-alarm', 'test').function), topicRef()],
        ]),
      );
      expect(subscriptions.length).toBe(demo.alerts.email.length + 1);
    });

    it('lets only the forwarder read the chat secret of the alerts', () => {
      expect(functionSpec('forward-alarm').grants).toEqual([
        { resource: 'secret', secret: 'notify-backchannel-demo-slack', access: 'read' },
      ]);
      expect(
        permissionsOfFunction('forward-alarm')
          .filter((p) => p.action.startsWith('secretsmanager:GetSecretValue'))
          .map((p) => p.resource),
      ).toEqual([logicalId(synth.stack.secrets.get('notify-backchannel-demo-slack', 'test').secret)]);
    });

    it('sends every alarm to the alert topic when it fires and when it recovers', () => {
      const alarms = synth.template.findResources('AWS::CloudWatch::Alarm') as Record<
        string,
        Resource<{ AlarmActions?: unknown[]; OKActions?: unknown[] }>
      >;

      expect(Object.keys(alarms).sort()).toEqual(
        topology.alerts.alarms.map((a) => logicalId(synth.stack.alarms.byId.get(a.id)!)).sort(),
      );
      for (const [id, alarm] of Object.entries(alarms)) {
        expect([id, alarm.Properties.AlarmActions, alarm.Properties.OKActions]).toEqual([
          id,
          [topicRef()],
          [topicRef()],
        ]);
      }
    });

    it('alarms on the depth of every dead-letter queue', () => {
      for (const dlq of allDeadLetterQueues(topology)) {
        hasProperties(synth, synth.stack.alarms.byId.get(`${dlq.id}-depth`)!, {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [
            {
              Name: 'QueueName',
              Value: { 'Fn::GetAtt': [logicalId(synth.stack.queues.deadLetter(dlq.id, 'test')), 'QueueName'] },
            },
          ],
        });
      }
    });

    it('alarms on the age of the oldest message of every work queue', () => {
      for (const { spec, queue } of synth.stack.queues.all) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
          Threshold: spec.alarmOldestAgeSeconds,
          Statistic: 'Maximum',
        });
      }
    });

    it('alarms on throttles of every function', () => {
      for (const { fn } of synth.stack.functions.all) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Throttles',
          Dimensions: [{ Name: 'FunctionName', Value: ref(fn.function) }],
          Threshold: 1,
        });
      }
    });

    it('alarms on failed invocations of every bus rule', () => {
      for (const spec of topology.bus.rules) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Events',
          MetricName: 'FailedInvocations',
          Dimensions: Match.arrayWith([{ Name: 'RuleName', Value: ref(synth.stack.events.rules.get(spec.id)!) }]),
          Statistic: 'Sum',
        });
      }
    });

    it('alarms on 5xx answers of the HTTP API', () => {
      hasProperties(synth, synth.stack.alarms.byId.get('api-5xx')!, {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: ref(synth.stack.webhooks.api) }],
        Statistic: 'Sum',
      });
    });
  });

  describe('checks', () => {
    it('leaves no unacknowledged cdk-nag or CloudFormation validation finding', () => {
      expect(
        synth.violations.map(
          (v) =>
            `${v.pluginName} ${v.severity} ${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
        ),
      ).toEqual([]);
    });

    it('carries no warning or error annotation', () => {
      const messages = synth.assembly.getStackArtifact(synth.stack.artifactId).messages;

      expect(
        messages.filter((m) => m.level !== 'info').map((m) => `${m.level} ${m.id}: ${String(m.entry.data)}`),
      ).toEqual([]);
    });

    it('writes a reason next to every acknowledged finding in the template', () => {
      type Acknowledged = { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } };
      const template = synth.template.toJSON() as Acknowledged & { Resources: Record<string, Acknowledged> };
      const acknowledged = [template, ...Object.values(template.Resources)].flatMap(
        (r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? [],
      );

      expect(new Set(acknowledged.map((a) => a.id.replace(/\[.*$/, '')))).toEqual(
        new Set([
          'AwsSolutions-SMG4',
          'AwsSolutions-IAM5',
          'AwsSolutions-L1',
          'AwsSolutions-APIG4',
          'AwsSolutions-SQS3',
          'AwsSolutions-S1',
          // The webhook outputs' Fn::If on the function URL's region condition (infra/aws/company-stack.ts).
          'CloudFormation-Validate::W1001',
        ]),
      );
      for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(60);
    });

    it('writes the outputs’ W1001 acknowledgement once, into the template’s Metadata, not into every resource', () => {
      type Acknowledged = { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string }[] } } };
      const template = synth.template.toJSON() as Acknowledged & { Resources: Record<string, Acknowledged> };
      const w1001 = (r: Acknowledged) =>
        (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).filter((a) => a.id === 'CloudFormation-Validate::W1001');

      expect(w1001(template)).toHaveLength(1);
      expect(Object.entries(template.Resources).filter(([, r]) => w1001(r).length > 0)).toEqual([]);
      // Still acknowledged where the validation reports it: no W1001 among the findings.
      expect(synth.violations.filter((v) => v.ruleName.includes('W1001'))).toEqual([]);
    });

    it('acknowledges the open GET webhook routes without claiming a verify token protects X and LinkedIn', () => {
      const reasonsOf = (routeKey: string) =>
        Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route'))
          .filter((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey === routeKey)
          .flatMap(
            (r) =>
              (r as { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }).Metadata
                ?.cdk_nag?.rules_to_suppress ?? [],
          )
          .filter((a) => a.id === 'AwsSolutions-APIG4')
          .map((a) => a.reason);

      const [getReason] = reasonsOf('GET /webhooks/{platform}');
      const [postReason] = reasonsOf('POST /webhooks/{platform}');

      expect(getReason).toMatch(
        /X's CRC and LinkedIn's challenge carry none and are answered only for tokens of the platform's documented format/,
      );
      expect(getReason).not.toMatch(/GET handshake by the verify token/);
      expect(postReason).toMatch(/HMAC signature over the raw body/);
    });
  });
});

describe('web console in the company stack', () => {
  it("routes the console's page and assets to serve-console, open, with the console's reason", () => {
    const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')) as {
      Properties: { RouteKey: string; AuthorizationType?: string; Target: unknown };
      Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } };
    }[];
    // GET /console/config.json is console-config's route (tested with the login), not a file of the build.
    const consoleRoutes = routes.filter(
      (r) => r.Properties.RouteKey.startsWith('GET /console') && r.Properties.RouteKey !== 'GET /console/config.json',
    );

    expect(consoleRoutes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      CONSOLE_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of consoleRoutes) {
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
      expect(route.Metadata?.cdk_nag?.rules_to_suppress.find((a) => a.id === 'AwsSolutions-APIG4')?.reason).toMatch(
        /hold no data and no secret/,
      );
    }
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: arnOf(synth.stack.functions.get('serve-console', 'test').function),
    });
  });

  it('bundles the console build beside serve-console, which may touch nothing else', () => {
    const spec = functionSpec('serve-console');

    expect(spec.assets).toEqual([{ from: 'console/dist', to: 'console' }]);
    expect(spec.grants).toEqual([]);
    expect(
      permissionsOfFunction('serve-console').filter(
        (p) => !p.action.startsWith('xray:') && !p.action.startsWith('logs:'),
      ),
    ).toEqual([]);
  });

  it('keeps the console out of the webhook base URL and prints its own URL', () => {
    const outputs = synth.template.findOutputs('*');

    expect(JSON.stringify(outputs.WebhookBaseUrl?.Value)).toContain('webhooks');
    expect(JSON.stringify(outputs.ConsoleUrl?.Value)).toContain('console/');
  });
});

describe('company stack without an identity provider for the admin API', () => {
  let withIam: SynthesizedCompany;

  beforeAll(() => {
    withIam = synthCompany({ ...structuredClone(demo), admin: { admins: [] } });
  });

  afterAll(() => withIam?.dispose());

  it('requires AWS IAM (SigV4) on every admin route, with no authorizer resource, and leaves the webhook routes open', () => {
    const routes = routeAuthorization(withIam);
    const webhooks = [...routes.keys()].filter((key) => !ADMIN_ROUTE_KEYS.includes(key));

    withIam.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    expect(ADMIN_ROUTE_KEYS.map((key) => [key, routes.get(key)?.type])).toEqual(
      ADMIN_ROUTE_KEYS.map((key) => [key, 'AWS_IAM']),
    );
    expect(webhooks.map((key) => [key, routes.get(key)?.type])).toEqual(webhooks.map((key) => [key, 'NONE']));
  });

  it('leaves no unacknowledged cdk-nag or CloudFormation validation finding', () => {
    expect(
      withIam.violations.map(
        (v) =>
          `${v.pluginName} ${v.severity} ${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });
});

describe('company stack with one more department', () => {
  let extra: SynthesizedCompany;
  let config: CompanyConfig;

  beforeAll(() => {
    const base = structuredClone(demo);
    config = {
      ...base,
      departments: [
        ...base.departments,
        {
          id: 'marketing',
          name: 'Marketing',
          categories: [],
          sla: { high: { days: 0, minutes: 120 }, normal: { days: 1, minutes: 0 }, low: { days: 2, minutes: 0 } },
        },
      ],
      // An admin who turned tracing on: the same synthesis checks that X-Ray comes with it.
      observability: { tracing: 'active' },
      // A company of its own size (docs/capacity.md): the same synthesis checks that it is taken.
      capacity: {
        api: { rateLimit: 2500, burstLimit: 5000 },
        concurrency: { ingest: 100, classify: 60, departments: 8, insights: 3 },
        batchSize: { classify: 80, departments: 20, insights: 30 },
      },
    };
    extra = synthCompany(config);
  });

  afterAll(() => extra?.dispose());

  it('traces every function when the config turns tracing on, and lets each role write traces (X-Ray has no resource ARNs)', () => {
    for (const { fn } of extra.stack.functions.all) {
      hasProperties(extra, fn.function, { TracingConfig: { Mode: 'Active' } });
      const actions = permissionsOf(extra.template, fn.role).map((p) => `${p.action} ${p.resource}`);
      expect(actions).toEqual(expect.arrayContaining(['xray:PutTraceSegments *', 'xray:PutTelemetryRecords *']));
    }
    expect(extra.violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'))).toEqual([]);
  });

  it("adds the department's queue, its DLQ and the DLQ of its rules", () => {
    extra.template.resourceCountIs(
      'AWS::SQS::Queue',
      2 * (3 + config.departments.length) + buildTopology(config).deadLetterQueues.length,
    );
    const events = extra.stack.queues.deadLetter(eventsDlqId(departmentQueueId('marketing')), 'test');
    const { queue, dlq } = extra.stack.queues.get(departmentQueueId('marketing'), 'test');

    hasProperties(extra, queue, { RedrivePolicy: { deadLetterTargetArn: arnOf(dlq), maxReceiveCount: 5 } });
    hasProperties(extra, dlq, { RedrivePolicy: Match.absent() });
    hasProperties(extra, events, { RedrivePolicy: Match.absent() });
  });

  it("takes the company's capacity: the API throttle, ingest's reserved concurrency, each queue's maximum concurrency and batch size", () => {
    const queueOf = (id: string) => arnOf(extra.stack.queues.get(id, 'test').queue);

    extra.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 2500, ThrottlingBurstLimit: 5000 },
    });
    hasProperties(extra, extra.stack.functions.get('ingest-webhook', 'test').function, {
      ReservedConcurrentExecutions: 100,
    });
    extra.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueOf('intake'),
      ScalingConfig: { MaximumConcurrency: 60 },
      BatchSize: 80,
      MaximumBatchingWindowInSeconds: 1,
    });
    extra.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueOf(departmentQueueId('marketing')),
      ScalingConfig: { MaximumConcurrency: 8 },
      BatchSize: 20,
    });
    extra.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueOf('insights'),
      ScalingConfig: { MaximumConcurrency: 3 },
      BatchSize: 30,
    });
  });

  it("adds the department's rule, targeting its queue", () => {
    hasProperties(extra, extra.stack.events.rules.get('route-marketing')!, {
      EventPattern: {
        source: ['backchannel'],
        'detail-type': ['Mention Routed', 'Mentions Routed'],
        detail: { department: ['marketing'] },
      },
      Targets: [Match.objectLike({ Arn: arnOf(extra.stack.queues.get(departmentQueueId('marketing'), 'test').queue) })],
    });
  });

  it("adds the alarm on the department's DLQ", () => {
    hasProperties(extra, extra.stack.alarms.byId.get(`${departmentQueueId('marketing')}-dlq-depth`)!, {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: {
            'Fn::GetAtt': [logicalId(extra.stack.queues.get(departmentQueueId('marketing'), 'test').dlq), 'QueueName'],
          },
        },
      ],
    });
  });

  it('lets handle-department consume the new queue', () => {
    const queue = extra.stack.queues.get(departmentQueueId('marketing'), 'test').queue;

    extra.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(extra.stack.functions.get('handle-department', 'test').function),
      EventSourceArn: arnOf(queue),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(permissionsOf(extra.template, extra.stack.functions.get('handle-department', 'test').role)).toContainEqual({
      action: 'sqs:ReceiveMessage',
      resource: logicalId(queue),
    });
  });
});

describe('cdk app', () => {
  it('refuses an invalid company config with the ConfigError location', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'backchannel-config-'));
    try {
      const file = path.join(dir, 'broken.yaml');
      const text = readFileSync(path.join(PROJECT_ROOT, 'companies/demo.yaml'), 'utf8').replace(
        'fallback: community',
        'fallback: marketing',
      );
      writeFileSync(file, text);
      const lines = text.split('\n');
      const line = lines.findIndex((l) => l.includes('fallback: marketing')) + 1;
      const column = (lines[line - 1]?.indexOf('marketing') ?? -1) + 1;

      const run = promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', path.join(PROJECT_ROOT, 'infra/aws/app.ts')],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ company: file }), CDK_OUTDIR: dir },
        },
      );

      await expect(run).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`${file}:${line}:${column}: routing.fallback: unknown department "marketing"`),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every function may write its own log group. */
function logPermissions(functionId: string): Permission[] {
  const fn = synth.stack.functions.get(functionId, 'test');
  return [
    { action: 'logs:CreateLogStream', resource: logicalId(fn.logGroup) },
    { action: 'logs:PutLogEvents', resource: logicalId(fn.logGroup) },
  ];
}

/** What an on-failure destination adds: sending the record to the function's own failure queue. */
function onFailurePermissions(functionId: string): Permission[] {
  const onFailure = functionSpec(functionId).asyncInvoke?.onFailure;
  if (!onFailure) return [];
  const queue = logicalId(synth.stack.queues.deadLetter(onFailure, 'test'));
  // CDK's grantSendMessages.
  return ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].map((action) => ({
    action,
    resource: queue,
  }));
}

/** What a topology grant may allow, per resource (`kms:ReEncrypt*` is CDK's literal action). */
function grantedPermissions(grant: Grant): Permission[] {
  const on = (resource: string, ...actions: string[]) => actions.map((action) => ({ action, resource }));
  switch (grant.resource) {
    case 'table': {
      const table = logicalId(synth.stack.data.table);
      const key = logicalId(synth.stack.data.key);
      const read = [
        ...on(
          table,
          'dynamodb:BatchGetItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DescribeTable',
          'dynamodb:GetItem',
        ),
        ...on(table, 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query', 'dynamodb:Scan'),
        ...on(key, 'kms:Decrypt', 'kms:DescribeKey'),
      ];
      if (grant.access === 'read') return read;
      return [
        ...read,
        ...on(table, 'dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'),
        ...on(key, 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'),
      ];
    }
    case 'queue': {
      const queue = logicalId(synth.stack.queues.get(grant.queue, 'test').queue);
      const common = on(queue, 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl');
      return grant.access === 'send'
        ? [...common, ...on(queue, 'sqs:SendMessage')]
        : [...common, ...on(queue, 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility')];
    }
    case 'bus':
      return on(logicalId(synth.stack.events.bus), 'events:PutEvents');
    case 'secret':
      return on(
        logicalId(synth.stack.secrets.get(grant.secret, 'test').secret),
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
      );
    case 'model':
      // A Bedrock model ARN is joined from the partition and region: permissionsOf names it by its first Ref.
      return on('AWS::Partition', 'bedrock:InvokeModel');
    case 'email':
      // The SES identity ARN is joined from the partition too.
      return on('AWS::Partition', 'ses:SendEmail');
    case 'bucket': {
      // CDK's grantRead / grantReadWrite, on the bucket and its objects.
      const bucket = logicalId(synth.stack.buckets.get(grant.bucket, 'test').bucket);
      const read = on(bucket, 's3:GetObject*', 's3:GetBucket*', 's3:List*');
      return grant.access === 'read'
        ? read
        : [
            ...read,
            ...on(
              bucket,
              's3:DeleteObject*',
              's3:PutObject',
              's3:PutObjectLegalHold',
              's3:PutObjectRetention',
              's3:PutObjectTagging',
              's3:PutObjectVersionTagging',
              's3:Abort*',
            ),
          ];
    }
  }
}
