import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { FunctionEnv } from '../../shared/config/runtime-env.ts';
import { withLogSink } from '../../shared/observability/powertools.ts';
import { observeWithheldCaseEvents } from '../../shared/adapters/company-event-publisher.ts';
import { CASE_DETAIL_TYPES, type CaseEvent } from '../../shared/domain/events.ts';
import { allDeadLetterQueues, buildTopology, type FunctionSpec, type Topology } from '../topology.ts';
import { webhookPaths } from '../webhook-paths.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalBackend } from './backends.ts';
import { startDynamoDbThread, startSqsThread } from './backend-thread.ts';
import { authorizerOf, createAdminTokens, type TokenClaims } from './admin-tokens.ts';
import { startLocalAlarms, type AlarmTransition, type LocalAlarms } from './alarms.ts';
import { createAsyncInvoker } from './async-invoke.ts';
import {
  caseLineOf,
  caseLinesOf,
  consoleNeeds,
  httpNoteOf,
  parseLogRecord,
  peopleNamesOf,
  shortLineOf,
  StatusLine,
  type LogRecord,
} from './console-log.ts';
import { createLocalEventBus } from './event-bus.ts';
import { validatePattern } from './event-pattern.ts';
import type { ConnectionLimits } from './connection-limits.ts';
import { createLocalCredentials, resolveEnv, type LocalEndpoints } from './function-env.ts';
import { consoleLoginRoute } from './console-login.ts';
import { withLocalConsoleUrl } from './console-url.ts';
import { startHttpServer, type BoundFunctionUrl, type BoundRoute, type LocalHttpServer } from './http-server.ts';
import { startJsonEndpoint, type Caller, type JsonEndpoint } from './json-endpoint.ts';
import { startIdleGc } from './idle-gc.ts';
import { createInvocationSlots } from './invocation-slots.ts';
import {
  HandlerModuleError,
  importHandlerModule,
  invokeFunction,
  type HandlerModule,
  type LocalFunction,
} from './lambda.ts';
import { createQueues, queueDepth } from './queues.ts';
import { claimDataDir, RUNTIME_RECORD_FILE, type RuntimeRecord } from './runtime-record.ts';
import { compileSchedules, startScheduler, type LocalScheduler } from './scheduler.ts';
import { getSecretValueOperation, loadLocalSecrets } from './secrets.ts';
import { startSqsPoller, type SqsPoller } from './sqs-poller.ts';
import { preparePipelineThread, type PipelinePollerStart, type PollerView } from './pipeline-thread.ts';
import { createTable, enableTimeToLive } from './table.ts';
import { DEFAULT_PIPELINE_NICE, parseNice } from './thread-priority.ts';
import { startTtlSweeper, TTL_SWEEP_INTERVAL_MS } from './ttl-sweeper.ts';

/**
 * The embedded runtime behind `npm start`: the company's topology on this machine.
 * dynalite and local-aws-sqs serve DynamoDB and SQS, a local endpoint serves EventBridge
 * PutEvents and Secrets Manager GetSecretValue, and the same handler modules run with
 * Lambda-shaped events, each function with its own environment. Nothing is wired that the
 * topology does not describe.
 */

export interface RuntimeOptions {
  readonly config: CompanyConfig;
  /** Port of the HTTP API; 0 picks a free one. Default 3000. */
  readonly port?: number;
  /** Where the table and the secrets persist; absent = everything in memory. */
  readonly dataDir?: string;
  /**
   * Journal the queues in `<dataDir>/queues/` (default true with a data directory), so
   * that accepted messages survive a kill. Off only to measure what it saves.
   */
  readonly queueJournal?: boolean;
  /**
   * Caps every queue trigger's parallel batches (default: each trigger's maxConcurrency
   * from the topology). 1 processes one batch at a time per queue, as the runtime did before;
   * only to measure what the parallel batches gain (`npm run bench:throughput`).
   */
  readonly maxConcurrency?: number;
  /**
   * Queue-triggered invocations at once across all functions (default
   * DEFAULT_LOCAL_CONCURRENCY): the local account's concurrency, see invocation-slots.ts.
   */
  readonly localConcurrency?: number;
  /**
   * Starts the queue pollers (default true). Off, messages stay on their queues: only for
   * the throughput bench's diagnostic row, the ack path without the pipeline sharing its thread.
   */
  readonly pollers?: boolean;
  /**
   * Runs the queue pollers and the functions they invoke in a worker thread of their own
   * (pipeline-thread.ts), so that the HTTP API's acks do not queue behind the pipeline's CPU.
   * Default true (since Round w18; `BACKCHANNEL_PIPELINE_THREAD=off` for `npm start`). The
   * functions the runtime invokes itself (HTTP routes, schedules, the alarms' topic) stay on
   * this thread. The logger's level set with setLoggerLevel follows into the thread; other
   * process-wide hooks do not: `observeClients` (bench:cost's request counter) and the
   * invocation's async context (`currentInvocation`) see only this thread's functions, so
   * bench:cost passes false.
   */
  readonly pipelineThread?: boolean;
  /**
   * With `pipelineThread`, the nice value (0-19) of the threads off the webhooks' ack path:
   * the pipeline thread and the DynamoDB thread (thread-priority.ts), so that the kernel runs
   * the main thread and the SQS thread first when all want a core. Default
   * DEFAULT_PIPELINE_NICE; 0 leaves them at the process's priority. Linux only: elsewhere,
   * or where the kernel refuses, one line says so and the runtime goes on.
   */
  readonly pipelineNice?: number;
  /** SecretString by secret name; overrides persisted and generated values. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Overrides every queue's visibility timeout, so tests see retries within seconds. */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Lines for a person (default stderr): one per HTTP request (`POST /webhooks/meta -> 200,
   * 3 mentions`), per routed mention and case change (`case c_1 service: new -> assigned
   * (Ole Hansen)`), per notification, per warning or failure, and the status line.
   */
  readonly log?: (line: string) => void;
  /**
   * 'short' (default): the functions' Powertools records stay off `log` but for the short
   * lines above. 'json': every record the log level lets through goes to `log` as its JSON
   * line, with the runtime's debug lines (event routing, schedule fires). Either way the
   * records are appended to `<dataDir>/logs/functions.jsonl` when there is a data directory.
   */
  readonly logFormat?: 'short' | 'json';
  /** Seconds between status lines while work is pending (default 60); 0 prints one only on `reportStatus()`. */
  readonly statusIntervalSeconds?: number;
  /** Arms the schedules' timers (default true; later with `startSchedules()`); `fireSchedule` works either way. */
  readonly startScheduler?: boolean;
  /**
   * The topology to run; default `buildTopology(config)`, which is what `npm start` runs.
   * Tests pass a variant of it (a rule with another operator, say).
   */
  readonly topology?: Topology;
  /**
   * Where notifications go (one `<department>.jsonl` per department); default
   * `<dataDir>/outbox`, or without a data directory a temporary one removed at stop.
   */
  readonly outboxDir?: string;
  /** Seconds between evaluations of the topology's alarms (default 60); 0 evaluates only on `evaluateAlarms()`. */
  readonly alarmIntervalSeconds?: number;
  /** Timeouts and connection bound of the HTTP API and the local AWS endpoint; tests shorten them. */
  readonly httpLimits?: Partial<ConnectionLimits>;
  /**
   * For fault injection (bench/chaos): the endpoints the functions talk to, given the real
   * ones, e.g. a proxy in front of each. The runtime itself keeps the real ones.
   */
  readonly functionEndpoints?: (endpoints: LocalEndpoints) => LocalEndpoints | Promise<LocalEndpoints>;
  /**
   * 'outbox' (default): notifications land in the outbox. 'webhooks': Slack and Teams get
   * posted to the URLs of the secrets, for tests against a local webhook server.
   */
  readonly notifications?: 'outbox' | 'webhooks';
  /** Told of every invocation when it ends: its wall-clock duration, whether it threw, its event (bench/cost counts them). */
  readonly onInvocation?: (functionId: string, durationMs: number, failed: boolean, event: unknown) => void;
}

export interface Runtime {
  /** Base URL of the HTTP API. */
  readonly url: string;
  /** Webhook URL per enabled platform. */
  readonly webhookUrls: Readonly<Record<string, string>>;
  /** The environment each function was built with, by function id. */
  readonly env: Readonly<Record<string, FunctionEnv>>;
  readonly endpoints: LocalEndpoints;
  readonly region: string;
  readonly tableName: string;
  readonly busName: string;
  /** Queue URL by topology queue id. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** DLQ URL by topology queue id. */
  readonly dlqUrls: Readonly<Record<string, string>>;
  /** Every dead-letter queue's URL by its id: work queue DLQs (`<queue>-dlq`), rule target, schedule and on-failure DLQs. */
  readonly deadLetterUrls: Readonly<Record<string, string>>;
  /** SecretString by secret name. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Where the secrets are kept; undefined in memory. */
  readonly secretsFile: string | undefined;
  /** Bearer tokens of the admin API (`Authorization: Bearer <token>`) with their claims, made at start. */
  readonly adminTokens: Readonly<Record<string, TokenClaims>>;
  /** Where the admin tokens are kept (`<dataDir>/tokens.json`); undefined in memory. */
  readonly tokensFile: string | undefined;
  /** The notification outbox: Slack, Teams and e-mail land here as JSON lines, nothing is sent. */
  readonly outboxDir: string;
  /** Where the functions' JSON log records are appended (`<dataDir>/logs/functions.jsonl`); undefined in memory. */
  readonly functionLogFile: string | undefined;
  /**
   * Resolves once every queue is empty and nothing is in flight (two checks in a row). A
   * runtime found idle at the deadline gets its second check before this gives up.
   * @throws RuntimeNotIdleError listing what is still busy after `timeoutMs`
   */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /**
   * Fires a schedule as if due at `time` (default now); resolves with the target's result.
   * The target is invoked asynchronously, as in AWS: a failure is retried, and the record
   * of what still fails goes to its on-failure queue before this rejects.
   */
  fireSchedule(id: string, time?: Date): Promise<unknown>;
  /**
   * Arms the schedules' timers of a runtime started with `startScheduler: false` (after the
   * history was played: a sweep at today's time would breach the history's cases midway).
   */
  startSchedules(): void;
  /**
   * Evaluates the topology's alarms now; a change of state is logged and written to
   * `<outboxDir>/alerts.jsonl`. Resolves with the alarms that changed.
   */
  evaluateAlarms(): Promise<AlarmTransition[]>;
  /**
   * Logs the status line (`queued 12 · in flight 3 · done 240 · failed 1`) when work is
   * pending or the counts moved since the last one, and resolves with it; undefined while idle.
   * The runtime calls it every `statusIntervalSeconds`.
   */
  reportStatus(): Promise<string | undefined>;
  /** Stops everything it started; pollers finish their current batch first. */
  stop(): Promise<void>;
}

export class RuntimeStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeStartError';
  }
}

export class RuntimeNotIdleError extends Error {
  constructor(
    readonly busy: readonly string[],
    timeoutMs: number,
  ) {
    super(`the runtime is not idle after ${timeoutMs} ms: ${busy.join('; ')}`);
    this.name = 'RuntimeNotIdleError';
  }
}

/**
 * The pollers' pause after an empty receive: a message sent to a queue wakes its poller at
 * once (the SQS thread names the queue), so the pause only bounds how late a message that
 * becomes visible again (after a failed batch's visibility timeout) is received.
 */
const WOKEN_POLLER_IDLE_DELAY_MS = { min: 250, max: 1000 } as const;

/**
 * Starts the company's stack on this machine.
 * @throws EventPatternError when a rule uses an operator the local bus lacks (nothing is started)
 * @throws ScheduleExpressionError when a schedule is not a cron(...) expression (nothing is started)
 * @throws DataDirInUseError when another live runtime uses the data directory
 * @throws RuntimeStartError when a handler module is unusable, the port is taken or a local backend does not start
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const logFormat = options.logFormat ?? 'short';
  // Routine lines (each event's routing, each schedule fire) only with the JSON records.
  const debug = logFormat === 'json' ? log : () => {};
  const topology = options.topology ?? buildTopology(options.config);
  const region = LOCAL_REGION;
  const accountId = LOCAL_ACCOUNT_ID;

  // Refuse before starting anything: an unsupported operator or expression stops the boot.
  for (const rule of topology.bus.rules) validatePattern(rule.pattern, rule.id);
  compileSchedules(topology.schedules);
  checkTopology(topology);

  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    cleanup.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, 'stopping the runtime failed');
  };

  try {
    if (options.dataDir) {
      await claimDataDir(options.dataDir, options.config.company.id);
      cleanup.push(() => rm(path.join(options.dataDir as string, RUNTIME_RECORD_FILE), { force: true }));
    }
    const threadNice = pipelineThreadNice(options, log);
    const runPollers = options.pollers !== false;
    const inPipelineThread = runPollers && options.pipelineThread !== false;
    // The pipeline thread starts first and loads its functions' modules while this thread
    // starts the backends, the queues and its own functions (Round w18: the start took longer).
    const pipelineSpecs = inPipelineThread
      ? topology.functions.filter((spec) => spec.triggers.some((trigger) => trigger.type === 'sqs'))
      : [];
    const preparedPipeline =
      pipelineSpecs.length > 0
        ? preparePipelineThread({ functions: pipelineSpecs, ...(threadNice ? { nice: threadNice } : {}) })
        : undefined;
    if (preparedPipeline) cleanup.push(() => preparedPipeline.cancel());
    // The functions' Powertools records: all of them in a file beside the data, on the
    // console as JSON with 'json', else only the short lines a person needs.
    const functionLogFile = options.dataDir ? path.join(options.dataDir, 'logs', 'functions.jsonl') : undefined;
    let functionLog: { write(line: string): unknown } | undefined;
    if (functionLogFile) {
      await mkdir(path.dirname(functionLogFile), { recursive: true });
      const stream = createWriteStream(functionLogFile, { flags: 'a' });
      stream.on('error', (error) => log(`writing ${functionLogFile} failed: ${error.message}`));
      functionLog = stream;
      cleanup.push(() => new Promise<void>((resolve) => stream.end(() => resolve())));
    }
    const onRecord = (json: string, printed: boolean, records?: LogRecord[]): void => {
      if (printed) {
        functionLog?.write(`${json}\n`);
        if (logFormat === 'json') log(json);
      }
      const record = parseLogRecord(json);
      if (!record) return;
      records?.push(record);
      const line = logFormat === 'short' ? shortLineOf(record) : undefined;
      if (line) log(line);
    };
    // Notifications never leave the machine: every function gets NOTIFY_OUTBOX_DIR.
    let outboxDir = options.outboxDir ?? (options.dataDir ? path.join(options.dataDir, 'outbox') : undefined);
    if (!outboxDir) {
      const temporary = await mkdtemp(path.join(os.tmpdir(), `backchannel-${topology.companyId}-outbox-`));
      cleanup.push(() => rm(temporary, { recursive: true, force: true }));
      outboxDir = temporary;
    }
    // Buckets are folders of the data directory (temporary ones in memory).
    const bucketDirs: Record<string, string> = {};
    for (const bucket of topology.buckets) {
      if (options.dataDir) {
        bucketDirs[bucket.id] = path.join(options.dataDir, bucket.localDir);
      } else {
        const temporary = await mkdtemp(
          path.join(os.tmpdir(), `backchannel-${topology.companyId}-${bucket.localDir}-`),
        );
        cleanup.push(() => rm(temporary, { recursive: true, force: true }));
        bucketDirs[bucket.id] = temporary;
      }
    }
    const secrets = await loadLocalSecrets(topology.secrets, {
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.secrets ? { given: options.secrets } : {}),
    });
    if (secrets.generated.length > 0) {
      log(`generated secrets ${secrets.generated.join(', ')}${secrets.file ? ` in ${secrets.file}` : ' (in memory)'}`);
    }

    const adminTokens = await createAdminTokens(options.config, options.dataDir);
    log(
      `made admin API tokens for ${Object.keys(adminTokens.tokens).length} people${adminTokens.file ? ` in ${adminTokens.file}` : ' (in memory)'}`,
    );

    // With a data directory the queues keep a journal beside the table: a message SQS
    // accepted (a webhook answered 200) survives a kill and is put back at the next start.
    const journalDir =
      options.dataDir && options.queueJournal !== false ? path.join(options.dataDir, 'queues') : undefined;
    // Each emulated backend in a worker thread of its own, started side by side: their CPU
    // runs beside the HTTP API and the functions instead of between them (backend-thread.ts).
    // The pollers of each queue by its name, woken when the SQS thread says the queue was
    // sent a message (onPuts): an idle poller then pauses up to a second between receives
    // instead of a quarter, and each pause costs a whole SDK round trip on this thread.
    const pollersByQueueName = new Map<string, SqsPoller[]>();
    // With the pipeline in its thread, the wake-ups go there on a channel of their own, not
    // through this thread, whose event loop answers the webhooks (Round w22); without pollers,
    // nowhere.
    const wakes = preparedPipeline ? new MessageChannel() : undefined;
    const localPolling = runPollers && !inPipelineThread;
    const [dynamo, sqsBackend] = await startBackends(
      cleanup,
      startDynamoDbThread({
        ...(options.dataDir ? { dataDir: path.join(options.dataDir, 'dynamodb') } : {}),
        ...(threadNice ? { nice: threadNice, log } : {}),
      }),
      startSqsThread({
        region,
        accountId,
        log,
        ...(journalDir ? { journalDir } : {}),
        ...(wakes ? { putsPort: wakes.port1 } : {}),
        ...(localPolling
          ? {
              onPuts: (names: readonly string[]) => {
                for (const name of names) for (const poller of pollersByQueueName.get(name) ?? []) poller.wake();
              },
            }
          : {}),
      }),
    );
    const adminConfig = { region, credentials: LOCAL_CREDENTIALS };
    const dynamoClient = new DynamoDBClient({ ...adminConfig, endpoint: dynamo.endpoint });
    const sqs = new SQSClient({ ...adminConfig, endpoint: sqsBackend.endpoint });
    cleanup.push(async () => {
      dynamoClient.destroy();
      sqs.destroy();
    });

    await createTable(dynamoClient, topology.table, log);
    if (!(await enableTimeToLive(dynamoClient, topology.table))) {
      // dynalite keeps expired items: the runtime deletes them itself, so retention holds here too.
      const sweeper = startTtlSweeper({ client: dynamoClient, table: topology.table, log });
      cleanup.push(() => sweeper.stop());
      log(
        `TTL on ${topology.table.ttlAttribute}: dynalite does not implement it, so the runtime deletes expired items at start and every ${TTL_SWEEP_INTERVAL_MS / 60_000} minutes`,
      );
    }
    const queues = await createQueues(sqs, topology, options.visibilityTimeoutSeconds);
    const replay = await sqsBackend.replayJournal();
    if (sqsBackend.journal && replay.replayed + replay.movedToDlq + replay.expired > 0) {
      log(
        `put ${replay.replayed} queued message(s) back from ${sqsBackend.journal.file}` +
          (replay.movedToDlq > 0 ? `; ${replay.movedToDlq} received too often moved to their DLQ` : '') +
          (replay.expired > 0 ? `; ${replay.expired} past retention dropped` : ''),
      );
    }

    // Which function signed a request to the local endpoint, to hold it to its grants: each
    // has random credentials of this start, and the endpoint checks the SigV4 signature.
    const credentials = new Map(topology.functions.map((fn) => [fn.id, createLocalCredentials()]));
    const functionsByKey = new Map(topology.functions.map((fn) => [credentials.get(fn.id)?.accessKeyId as string, fn]));
    const secretByKey = new Map([...credentials.values()].map((c) => [c.accessKeyId, c.secretAccessKey]));
    const secretKeyOf = (accessKeyId: string) => secretByKey.get(accessKeyId);
    const callerFunction = (caller: Caller) =>
      caller.accessKeyId ? functionsByKey.get(caller.accessKeyId) : undefined;
    const notAFunction = (caller: Caller) => {
      const reason = `the caller is not a function of this runtime: ${caller.refusal ?? 'unsigned request'}`;
      log(`local AWS endpoint refused a request: ${reason}`);
      return reason;
    };
    const nameOf = peopleNamesOf(options.config);
    const bus = createLocalEventBus({
      bus: topology.bus,
      region,
      accountId,
      log,
      debug,
      // Every routed mention and case change something consumes passes the bus: one line each.
      observe: (event) => {
        for (const line of caseLinesOf(event, nameOf)) log(line);
      },
      deliver: async (queueId, body) => {
        await sqs.send(new SendMessageCommand({ QueueUrl: queues.urls[queueId], MessageBody: body }));
      },
      // A PutEvents call's events for one queue in one request (each entry's result is its own).
      deliverBatch: async (queueId, bodies) => {
        const { Failed = [] } = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queues.urls[queueId],
            Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
          }),
        );
        const errors: unknown[] = bodies.map(() => undefined);
        for (const failed of Failed) {
          const error = new Error(failed.Message ?? 'SendMessageBatch refused the message');
          error.name = failed.Code ?? 'SendMessageBatchEntryFailed';
          errors[Number(failed.Id)] = error;
        }
        return errors;
      },
      deadLetter: async (rule, body, attributes) => {
        const target = { ...attributes, TARGET_ARN: queues.byId(rule.targetQueue).arn };
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queues.deadLetterUrls[rule.deadLetterQueue],
            MessageBody: body,
            MessageAttributes: Object.fromEntries(
              Object.entries(target).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
            ),
          }),
        );
      },
      authorize: (caller) => {
        const fn = callerFunction(caller);
        if (!fn) return notAFunction(caller);
        return !fn.grants.some((g) => g.resource === 'bus' && g.access === 'put')
          ? `${fn.name} is not authorized to perform: events:PutEvents on ${topology.bus.name} (the topology grants it no bus access)`
          : undefined;
      },
    });
    // A case change nobody consumes is not put on the bus (events.caseEvents), but the
    // console shows it as before: a new case's `new -> assigned (<name>)` tells who has it.
    const withheldLines = (events: readonly CaseEvent[]) => {
      for (const detail of events) {
        if (detail.companyId !== topology.companyId) continue;
        const line = caseLineOf({ 'detail-type': CASE_DETAIL_TYPES[detail.action], detail }, nameOf);
        if (line) log(line);
      }
    };
    const stopWithheldLines = observeWithheldCaseEvents(withheldLines);
    cleanup.push(async () => {
      stopWithheldLines();
    });
    const endpoint: JsonEndpoint = await startJsonEndpoint({
      log,
      secretKeyOf,
      ...(options.httpLimits ? { limits: options.httpLimits } : {}),
      operations: {
        'AWSEvents.PutEvents': (input, caller) => bus.putEvents(input, caller),
        'secretsmanager.GetSecretValue': getSecretValueOperation({
          specs: topology.secrets,
          values: secrets.values,
          region,
          accountId,
          authorize: (caller, secretId, requested) => {
            const fn = callerFunction(caller);
            if (!fn) return notAFunction(caller);
            // A name the topology lacks is outside every grant: denied, as IAM denies it.
            return secretId === undefined || !fn.grants.some((g) => g.resource === 'secret' && g.secret === secretId)
              ? `${fn.name} is not authorized to perform: secretsmanager:GetSecretValue on secret ${secretId ?? requested}`
              : undefined;
          },
        }),
      },
    });
    cleanup.push(() => endpoint.stop());
    const endpoints: LocalEndpoints = {
      dynamodb: dynamo.endpoint,
      sqs: sqsBackend.endpoint,
      eventBridge: endpoint.endpoint,
      secretsManager: endpoint.endpoint,
    };

    const functionEndpoints = options.functionEndpoints ? await options.functionEndpoints(endpoints) : endpoints;
    // Functions: each built once with its own environment, as a cold start would. With the
    // pipeline in its thread, one that only queues trigger is built there instead.
    const functions = new Map<string, LocalFunction>();
    const envs = new Map<string, FunctionEnv>();
    for (const spec of topology.functions) {
      const env = resolveEnv(spec, topology, withLocalConsoleUrl(options.config, options.port ?? 3000), queues.urls, {
        region,
        endpoints: functionEndpoints,
        credentials,
        bucketDirs,
        ...(options.notifications === 'webhooks' ? {} : { outboxDir }),
      });
      envs.set(spec.id, env);
      if (inPipelineThread && onlyQueueTriggered(spec, topology)) continue;
      const handler = await withLogSink(onRecord, async () => (await loadHandlerModule(spec)).createHandler(env));
      functions.set(spec.id, { spec, env, handler });
    }
    let invocations = 0;
    // Failed invocations per function id, for the alarms.
    const functionErrors = new Map<string, number>();
    // After a burst, one full GC once the functions are quiet (with node --expose-gc).
    const idleGc = startIdleGc({ busy: () => invocations > 0 });
    cleanup.push(async () => idleGc.stop());
    /** Invokes a function; what it logs goes to onRecord, and into `records` when given. */
    const invoke = async (functionId: string, event: unknown, records?: LogRecord[]): Promise<unknown> => {
      const fn = functions.get(functionId);
      if (!fn) throw new Error(`unknown function "${functionId}"`);
      invocations++;
      const started = performance.now();
      let failed = false;
      try {
        return await withLogSink(
          (json, printed) => onRecord(json, printed, records),
          () => invokeFunction(fn, event, { region, accountId }),
          consoleNeeds,
        );
      } catch (error) {
        failed = true;
        functionErrors.set(functionId, (functionErrors.get(functionId) ?? 0) + 1);
        throw error;
      } finally {
        invocations--;
        idleGc.activity();
        options.onInvocation?.(functionId, performance.now() - started, failed, event);
      }
    };
    const invokeAsync = createAsyncInvoker({
      functions: topology.functions,
      invoke,
      region,
      accountId,
      log,
      sendRecord: async (deadLetterQueue, body) => {
        await sqs.send(new SendMessageCommand({ QueueUrl: queues.deadLetterUrls[deadLetterQueue], MessageBody: body }));
      },
    });

    const pollers: PollerView[] = [];
    const pollersByQueue = new Map<string, PollerView[]>();
    const localPollers: SqsPoller[] = [];
    cleanup.push(async () => {
      await Promise.all(localPollers.map((p) => p.stop()));
    });
    const slots = createInvocationSlots(options.localConcurrency);
    // Each queue trigger: polled here, or described for the pipeline thread.
    const remote: { queueId: string; start: PipelinePollerStart }[] = [];
    for (const spec of topology.functions) {
      for (const trigger of spec.triggers) {
        if (trigger.type !== 'sqs' || !runPollers) continue;
        const queue = queues.byId(trigger.queue);
        const maxConcurrency = Math.min(trigger.maxConcurrency, options.maxConcurrency ?? Number.POSITIVE_INFINITY);
        if (inPipelineThread) {
          remote.push({
            queueId: trigger.queue,
            start: {
              functionId: spec.id,
              queueUrl: queue.url,
              queueArn: queue.arn,
              queueName: queue.spec.name,
              batchSize: trigger.batchSize,
              maxBatchingWindowMs: trigger.maxBatchingWindowSeconds * 1000,
              maxConcurrency,
              maxReceiveCount: queue.spec.dlq.maxReceiveCount,
            },
          });
          continue;
        }
        const poller = startSqsPoller({
          sqs,
          queueUrl: queue.url,
          queueArn: queue.arn,
          queueName: queue.spec.name,
          region,
          batchSize: trigger.batchSize,
          maxBatchingWindowMs: trigger.maxBatchingWindowSeconds * 1000,
          maxConcurrency,
          slots,
          maxReceiveCount: queue.spec.dlq.maxReceiveCount,
          functionName: spec.name,
          invoke: (event) => invoke(spec.id, event),
          log,
          idleDelayMs: WOKEN_POLLER_IDLE_DELAY_MS,
          pauseWhenDrained: true,
        });
        pollers.push(poller);
        localPollers.push(poller);
        pollersByQueueName.set(queue.spec.name, [...(pollersByQueueName.get(queue.spec.name) ?? []), poller]);
        pollersByQueue.set(trigger.queue, [...(pollersByQueue.get(trigger.queue) ?? []), poller]);
      }
    }

    if (preparedPipeline) {
      const thread = await preparedPipeline
        .start({
          start: {
            region,
            accountId,
            sqsEndpoint: sqsBackend.endpoint,
            functions: pipelineSpecs.map((spec) => ({ spec, env: envs.get(spec.id) as FunctionEnv })),
            pollers: remote.map((r) => r.start),
            ...(options.localConcurrency === undefined ? {} : { localConcurrency: options.localConcurrency }),
            idleDelayMs: WOKEN_POLLER_IDLE_DELAY_MS,
            reportEvents: options.onInvocation !== undefined,
          },
          ...(wakes ? { wakes: wakes.port2 } : {}),
          log,
          onRecord: (json, printed) => onRecord(json, printed),
          onWithheld: withheldLines,
          onInvocationStart: () => {
            invocations++;
          },
          onInvocationEnd: (functionId, durationMs, failed, event) => {
            invocations--;
            if (failed) functionErrors.set(functionId, (functionErrors.get(functionId) ?? 0) + 1);
            idleGc.activity();
            options.onInvocation?.(functionId, durationMs, failed, event);
          },
        })
        .catch((error: unknown) => {
          throw new RuntimeStartError((error as Error).message, { cause: error });
        });
      cleanup.push(() => thread.stop());
      remote.forEach((r, index) => {
        const view = thread.pollers[index] as PollerView;
        pollers.push(view);
        pollersByQueue.set(r.queueId, [...(pollersByQueue.get(r.queueId) ?? []), view]);
      });
    }

    const scheduler: LocalScheduler = startScheduler({
      schedules: topology.schedules,
      start: options.startScheduler ?? true,
      log,
      debug,
      invoke: (schedule, payload) => invokeAsync(schedule.targetFunction, payload),
    });
    cleanup.push(() => scheduler.stop());

    const routes: BoundRoute[] = topology.functions.flatMap((spec) =>
      spec.triggers.flatMap((trigger) =>
        trigger.type === 'http' ? trigger.routes.map((route) => ({ ...route, functionId: spec.id })) : [],
      ),
    );
    // Ingest's function URL: the webhook paths reach it with the function URL's event, so a
    // local run parses them as AWS does (the old HTTP API routes of the same paths are AWS-only).
    const functionUrls: BoundFunctionUrl[] = topology.functions.flatMap((spec) =>
      spec.triggers.flatMap((trigger) =>
        trigger.type === 'url' ? [{ functionId: spec.id, paths: trigger.paths }] : [],
      ),
    );
    const port = options.port ?? 3000;
    // The admin routes' authorizer: a known token becomes what AWS's authorizer passes on
    // (a person's JWT claims; the local admin as the IAM caller, see admin-tokens.ts).
    const adminAuthorizer = (authorization: string | undefined) => authorizerOf(adminTokens, authorization);
    // What a request's function logged adds a few words to its line: `-> 200, 3 mentions`.
    const httpNotes = new WeakMap<object, string>();
    const invokeHttp = async (functionId: string, event: unknown): Promise<unknown> => {
      const records: LogRecord[] = [];
      const result = await invoke(functionId, event, records);
      const note = httpNoteOf(records);
      if (note && typeof result === 'object' && result !== null) httpNotes.set(result, note);
      return result;
    };
    const describe = (result: unknown) =>
      typeof result === 'object' && result !== null ? httpNotes.get(result) : undefined;
    const http: LocalHttpServer = await startHttpServer({
      routes,
      functionUrls,
      invoke: invokeHttp,
      describe,
      port,
      accountId,
      log,
      adminAuthorizer,
      // The console's login page hands out the tokens above: on the laptop only (console-login.ts).
      localRoutes: [consoleLoginRoute(options.config, adminTokens)],
      ...(options.httpLimits ? { limits: options.httpLimits } : {}),
    }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      throw new RuntimeStartError(`port ${port} is in use: pass another port (0 picks a free one)`, { cause: error });
    });
    cleanup.push(() => http.stop());

    const alarms: LocalAlarms = startLocalAlarms({
      alerts: topology.alerts,
      outboxDir,
      region,
      accountId,
      log,
      intervalSeconds: options.alarmIntervalSeconds ?? 60,
      metrics: {
        deadLetterDepth: async (id) => {
          const url = queues.deadLetterUrls[id];
          if (!url) throw new Error(`unknown dead-letter queue ${id}`);
          const response = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
          );
          return Number(response.Attributes?.ApproximateNumberOfMessages ?? 0);
        },
        oldestMessageAge: (queueId) =>
          Math.max(0, ...(pollersByQueue.get(queueId) ?? []).map((p) => p.takeOldestMessageAge())),
        functionErrors: (id) => functionErrors.get(id) ?? 0,
        // Nothing limits concurrency locally, so nothing is throttled.
        functionThrottles: () => 0,
        ruleFailedInvocations: (id) => bus.failedInvocations()[id] ?? 0,
        api5xx: () => http.serverErrors(),
        url5xx: (functionId) => http.functionUrlErrors(functionId),
      },
      // The topic's function subscribers (the alarm forwarder), invoked as SNS does: asynchronously.
      publish: async (snsEvent) => {
        for (const fn of topology.functions.filter((f) => f.triggers.some((t) => t.type === 'alerts')))
          await invokeAsync(fn.id, snsEvent);
      },
    });
    cleanup.push(() => alarms.stop());

    // "queued" counts every message not yet done, those in a poller's hands included.
    const status = new StatusLine({
      queued: async () =>
        (await Promise.all(queues.list.map((q) => queueDepth(sqs, q.url)))).reduce((a, b) => a + b, 0),
      inFlight: () => invocations,
      processed: () =>
        pollers.reduce(
          (sum, poller) => {
            const counts = poller.processed();
            return { done: sum.done + counts.done, failed: sum.failed + counts.failed };
          },
          { done: 0, failed: 0 },
        ),
    });
    const reportStatus = async (): Promise<string | undefined> => {
      const line = await status.next();
      if (line) log(line);
      return line;
    };
    const statusSeconds = options.statusIntervalSeconds ?? 60;
    if (statusSeconds > 0) {
      const timer = setInterval(() => {
        reportStatus().catch((error: unknown) => log(`status line failed: ${(error as Error).message}`));
      }, statusSeconds * 1000);
      timer.unref();
      cleanup.push(async () => clearInterval(timer));
    }

    const webhookUrls = webhookUrlsOf(topology, http.url);
    if (options.dataDir) {
      const record: RuntimeRecord = {
        pid: process.pid,
        company: topology.companyId,
        url: http.url,
        region,
        tableName: topology.table.name,
        endpoints,
        startedAt: new Date().toISOString(),
      };
      await writeFile(path.join(options.dataDir, RUNTIME_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    }

    const busyParts = async (): Promise<string[]> => {
      const busy: string[] = [];
      if (invocations > 0) busy.push(`${invocations} invocation(s) running`);
      if (http.inFlight() > 0) busy.push(`${http.inFlight()} HTTP request(s) in flight`);
      if (endpoint.inFlight() > 0) busy.push(`${endpoint.inFlight()} EventBridge/Secrets Manager call(s) in flight`);
      if (pollers.some((p) => p.busy())) busy.push('a poller is processing a batch');
      for (const queue of queues.list) {
        const depth = await queueDepth(sqs, queue.url);
        if (depth > 0) busy.push(`${queue.spec.name} holds ${depth} message(s)`);
      }
      return busy;
    };

    let stopped = false;
    return {
      url: http.url,
      webhookUrls,
      env: Object.fromEntries(envs),
      endpoints,
      region,
      tableName: topology.table.name,
      busName: topology.bus.name,
      queueUrls: queues.urls,
      dlqUrls: queues.dlqUrls,
      deadLetterUrls: queues.deadLetterUrls,
      secrets: secrets.values,
      secretsFile: secrets.file,
      adminTokens: adminTokens.tokens,
      tokensFile: adminTokens.file,
      outboxDir,
      functionLogFile,
      waitForIdle: async (timeoutMs = 30_000) => {
        const deadline = Date.now() + timeoutMs;
        let quiet = 0;
        for (;;) {
          const busy = await busyParts();
          quiet = busy.length === 0 ? quiet + 1 : 0;
          if (quiet >= 2) return;
          // Idle at the deadline after one quiet check: take the second check instead of giving
          // up with an empty busy list (a check takes seconds on a loaded machine).
          if (Date.now() > deadline && quiet === 0) throw new RuntimeNotIdleError(busy, timeoutMs);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
      fireSchedule: (id, time) => scheduler.fireSchedule(id, time),
      startSchedules: () => scheduler.start(),
      evaluateAlarms: () => alarms.evaluate(),
      reportStatus,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll().catch((stopError: unknown) => log(`cleanup after a failed start failed: ${String(stopError)}`));
    throw error;
  }
}

/**
 * Waits for both backends; each one that started is stopped with the runtime, also when the
 * other failed (then the start fails with the failed one's message).
 */
async function startBackends<A extends LocalBackend, B extends LocalBackend>(
  cleanup: (() => Promise<void>)[],
  first: Promise<A>,
  second: Promise<B>,
): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  for (const started of [a, b]) {
    if (started.status === 'fulfilled') cleanup.push(() => started.value.stop());
  }
  if (a.status === 'rejected' || b.status === 'rejected') {
    const error = (a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason) as Error;
    // The thread's error names the backend and what it said ("... did not start: ...").
    throw new RuntimeStartError(error.message, { cause: error });
  }
  return [a.value, b.value];
}

/** Cross-references the local backend relies on; the topology's own tests cover the rest. */
/**
 * The nice value of the pipeline and DynamoDB threads: only with the pipeline in its thread
 * (without it, the pipeline shares the main thread with the acks, and a niced DynamoDB thread
 * would only slow it). Off Linux, one line says the threads keep the process's priority.
 * @throws RangeError when `pipelineNice` is not an integer from 0 to 19
 */
function pipelineThreadNice(options: RuntimeOptions, log: (line: string) => void): number {
  if (options.pipelineThread === false || options.pollers === false) return 0;
  const nice = parseNice(options.pipelineNice ?? DEFAULT_PIPELINE_NICE, 'pipelineNice (BACKCHANNEL_PIPELINE_NICE)');
  if (nice === 0 || process.platform === 'linux') return nice;
  log(
    `pipeline and DynamoDB threads: left at the default priority (per-thread priority needs Linux, this is ${process.platform})`,
  );
  return 0;
}

function checkTopology(topology: Topology): void {
  const queueIds = new Set(topology.queues.map((q) => q.id));
  const functionIds = new Set(topology.functions.map((f) => f.id));
  const deadLetterIds = new Set(allDeadLetterQueues(topology).map((q) => q.id));
  for (const rule of topology.bus.rules) {
    if (!queueIds.has(rule.targetQueue))
      throw new RuntimeStartError(`rule ${rule.id} targets unknown queue ${rule.targetQueue}`);
    if (!deadLetterIds.has(rule.deadLetterQueue))
      throw new RuntimeStartError(`rule ${rule.id} has unknown dead-letter queue ${rule.deadLetterQueue}`);
  }
  for (const schedule of topology.schedules) {
    if (!functionIds.has(schedule.targetFunction))
      throw new RuntimeStartError(`schedule ${schedule.id} targets unknown function ${schedule.targetFunction}`);
    if (!deadLetterIds.has(schedule.deadLetterQueue))
      throw new RuntimeStartError(`schedule ${schedule.id} has unknown dead-letter queue ${schedule.deadLetterQueue}`);
  }
  for (const fn of topology.functions) {
    if (fn.asyncInvoke && !deadLetterIds.has(fn.asyncInvoke.onFailure))
      throw new RuntimeStartError(`${fn.id} has unknown on-failure queue ${fn.asyncInvoke.onFailure}`);
    for (const trigger of fn.triggers) {
      if (trigger.type === 'sqs' && !queueIds.has(trigger.queue))
        throw new RuntimeStartError(`${fn.id} is triggered by unknown queue ${trigger.queue}`);
    }
  }
}

/** Whether only queues trigger the function: nothing but a poller invokes it (schedules and alarms target theirs). */
function onlyQueueTriggered(spec: FunctionSpec, topology: Topology): boolean {
  return (
    spec.triggers.length > 0 &&
    spec.triggers.every((trigger) => trigger.type === 'sqs') &&
    !topology.schedules.some((schedule) => schedule.targetFunction === spec.id)
  );
}

async function loadHandlerModule(spec: FunctionSpec): Promise<HandlerModule> {
  try {
    return await importHandlerModule(spec);
  } catch (error) {
    if (!(error instanceof HandlerModuleError)) throw error;
    throw new RuntimeStartError(error.message, { cause: error.cause ?? error });
  }
}

/** The webhook URL of each enabled webhook platform: the paths the stack outputs too, under the runtime's URL. */
function webhookUrlsOf(topology: Topology, base: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(webhookPaths(topology)).map(([platform, path]) => [
      platform,
      `${base}${path.replace('{source}', '<source>')}`,
    ]),
  );
}
