import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCaseHistory } from '../../shared/adapters/dynamodb/case-format.ts';
import { eventOfCaseMention, isDeflatedCaseMention } from '../../shared/adapters/dynamodb/case-mention-record.ts';
import {
  adminApi,
  dependenciesFrom as adminDependencies,
  type AdminApiDeps,
} from '../../functions/admin-api/handler.ts';
import { classifyBatch, dependenciesFrom as classifyDependencies } from '../../functions/classify-mention/handler.ts';
import {
  dependenciesFrom as erasureDependencies,
  eraseAuthors,
  type EraseAuthorJobDeps,
} from '../../functions/erase-author/handler.ts';
import {
  dependenciesFrom as departmentDependencies,
  handleDepartmentBatch,
} from '../../functions/handle-department/handler.ts';
import { buildTopology, departmentQueueId } from '../../infra/topology.ts';
import { ERASURE_QUEUE } from '../../infra/topology-constants.ts';
import { decodeMentionDetail } from '../../shared/adapters/dynamodb/mention-detail.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { CASE_DETAIL_TYPES, DETAIL_TYPES, EVENT_SOURCE, type CaseEvent } from '../../shared/domain/events.ts';
import type { IntakeMessage } from '../../shared/domain/mention-deletion.ts';
import { adminEventFactory, type AdminEventOptions } from '../factories/admin-api.ts';
import { contextFactory, sqsEventFactory } from '../factories/lambda.ts';
import { routedBatchEnvelope, routedEnvelope, sqsRecordFactory } from '../factories/mention.ts';
import { RecordingPublisher } from '../fakes/in-memory.ts';
import { startLocalTable } from './local-table.ts';
import { departmentQueueUrls } from './department-queues.ts';

/**
 * The pipeline's handlers (classify-mention, handle-department, admin-api) against a real
 * dynalite table and a real outbox directory; the bus is a recorder whose events are fed
 * to handle-department, as the department queues would.
 */
export class HandlerPipeline {
  private readonly publisher = new RecordingPublisher();
  private fedRouted = 0;
  private fedCaseEvents = 0;
  private messages = 0;
  /** The erasure queue's messages not yet run (erase-author's own continuations among them). */
  private readonly erasureMessages: string[] = [];
  private readonly erasure: EraseAuthorJobDeps;

  private constructor(
    /** The environment the functions were built from (table, config, outbox). */
    readonly env: Readonly<Record<string, string>>,
    readonly config: CompanyConfig,
    readonly tableName: string,
    readonly outboxDir: string,
    private readonly local: Awaited<ReturnType<typeof startLocalTable>>,
    private readonly classify: ReturnType<typeof classifyDependencies>,
    private readonly department: ReturnType<typeof departmentDependencies>,
    readonly admin: AdminApiDeps,
  ) {
    // The erasure queue is a list here, run after each admin call as erase-author would run it.
    const queue = { send: async (request: { id: string }) => void this.erasureMessages.push(request.id) };
    this.erasure = { ...erasureDependencies(env), queue };
    if (admin.erasure) this.admin = { ...admin, erasure: { ...admin.erasure, queue } };
  }

  static async start(config: CompanyConfig): Promise<HandlerPipeline> {
    const topology = buildTopology(config);
    const local = await startLocalTable(topology.table);
    const outboxDir = await mkdtemp(path.join(tmpdir(), 'bc-erase-outbox-'));
    const env = {
      ...local.env,
      COMPANY_CONFIG: JSON.stringify(config),
      EVENT_BUS_NAME: topology.bus.name,
      ...departmentQueueUrls(config),
      NOTIFY_OUTBOX_DIR: outboxDir,
      ERASURE_QUEUE_URL: 'in-process',
    };
    return new HandlerPipeline(
      env,
      config,
      topology.table.name,
      outboxDir,
      local,
      classifyDependencies(env),
      departmentDependencies(env),
      adminDependencies(env),
    );
  }

  get published() {
    return this.publisher;
  }

  /** Sends intake messages through classify-mention, then every resulting event through handle-department. */
  async deliver(messages: readonly IntakeMessage[]): Promise<void> {
    const records = messages.map((m) => sqsRecordFactory(JSON.stringify(m), `intake-${this.messages++}`));
    const result = await classifyBatch(sqsEventFactory(records), contextFactory(), {
      ...this.classify,
      events: this.publisher,
      caseChanges: { ...this.classify.caseChanges!, events: this.publisher },
    });
    if (result.batchItemFailures.length > 0)
      throw new Error(`classify failed: ${JSON.stringify(result.batchItemFailures)}`);
    await this.drainBus();
  }

  /** Feeds the recorded events to handle-department until it publishes nothing new. */
  private async drainBus(): Promise<void> {
    const deps = { ...this.department, change: { ...this.department.change, events: this.publisher } };
    while (this.fedRouted < this.publisher.messages.length || this.fedCaseEvents < this.publisher.caseEvents.length) {
      // A batch goes as the bus delivers it: one message per `Mentions Routed` detail.
      const routed = this.publisher.messages
        .slice(this.fedRouted)
        .map((e, i) =>
          sqsRecordFactory(
            'mentions' in e ? routedBatchEnvelope(e) : routedEnvelope(e),
            `routed-${this.fedRouted + i}`,
          ),
        );
      const changes = this.publisher.caseEvents.slice(this.fedCaseEvents).flatMap((e, i) =>
        e.recipients.map((d) => ({
          ...sqsRecordFactory(caseEnvelope(e), `case-${this.fedCaseEvents + i}-${d}`),
          eventSourceARN: `arn:aws:sqs:eu-central-1:123456789012:${this.queueOf(d)}`,
        })),
      );
      this.fedRouted = this.publisher.messages.length;
      this.fedCaseEvents = this.publisher.caseEvents.length;
      const result = await handleDepartmentBatch(sqsEventFactory([...routed, ...changes]), contextFactory(), deps);
      if (result.batchItemFailures.length > 0)
        throw new Error(`handle-department failed: ${JSON.stringify(result.batchItemFailures)}`);
    }
  }

  /** The name of a department's queue, whose ARN tells handle-department which recipient it is. */
  private queueOf(department: string): string {
    return buildTopology(this.config).queues.find((q) => q.id === departmentQueueId(department))?.name ?? '';
  }

  /** Calls an admin API route as the user of the claims (default: Jana Krüger); case events go through the departments. */
  async call(
    routeKey: string,
    options: AdminEventOptions = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await adminApi(adminEventFactory(routeKey, options), () => ({
      ...this.admin,
      events: this.publisher,
    }));
    await this.drainBus();
    await this.drainErasures();
    return { status: response.statusCode ?? 0, body: JSON.parse(response.body ?? 'null') as Record<string, unknown> };
  }

  /** The erasure request an erase route answered with (202), as `GET /erasures/{id}` shows it to `claims` once its job ran. */
  erasureOf(
    started: { readonly body: Record<string, unknown> },
    claims: AdminEventOptions['claims'],
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    return this.call('GET /erasures/{id}', { pathParameters: { id: String(started.body.id) }, claims });
  }

  /**
   * Runs erase-author on each erasure message, one short run at a time (a page each), until
   * none is left. A run that fails (a transient error of the table) is run again, as the
   * erasure queue delivers its message again, up to the queue's receive count; each run is
   * awaited before the next, so nothing of the job is still running when this returns.
   * @throws ErasureRunsFailedError when every delivery of a message failed (the queue would move it to its DLQ)
   */
  private async drainErasures(): Promise<void> {
    const deliveries = this.erasureDeliveries();
    for (let requestId = this.erasureMessages.shift(); requestId; requestId = this.erasureMessages.shift()) {
      const message = {
        source: EVENT_SOURCE,
        'detail-type': DETAIL_TYPES.erasureRequested,
        detail: { requestId, subject: '', dryRun: false },
      };
      for (let delivery = 1; ; delivery++) {
        let pages = 0;
        const result = await eraseAuthors(
          sqsEventFactory([sqsRecordFactory(JSON.stringify(message), `erasure-${this.messages++}`)]),
          this.erasure,
          // A run has time for one page, then continues in the next message, as a run out of time does.
          { getRemainingTimeInMillis: () => (pages++ === 0 ? 60_000 : 0) },
        );
        if (result.batchItemFailures.length === 0) break;
        if (delivery >= deliveries) throw new ErasureRunsFailedError(requestId, delivery);
      }
    }
  }

  /** How often the erasure queue delivers a message before its DLQ takes it. */
  private erasureDeliveries(): number {
    const queue = buildTopology(this.config).queues.find((q) => q.id === ERASURE_QUEUE);
    return queue?.dlq.maxReceiveCount ?? 1;
  }

  /**
   * Every item of the table (a Scan: fine in a test, never in the code). A case-mention
   * record's deflated event comes inflated as `event` beside it, so a search for personal
   * data in the items sees what the record holds.
   */
  async items(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.local.documents.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey }));
      // Compressed parts are decoded: a search for an author's words must see inside them.
      items.push(
        ...(page.Items ?? []).map((item) =>
          isDeflatedCaseMention(item)
            ? { ...item, event: eventOfCaseMention(item) }
            : item.detail instanceof Uint8Array
              ? { ...item, detail: decodeMentionDetail(item.detail) }
              : item.historyZ instanceof Uint8Array
                ? { ...item, history: decodeCaseHistory(item.historyZ) }
                : item,
        ),
      );
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Every line of every outbox file. */
  async outboxLines(): Promise<string[]> {
    const files = (await readdir(this.outboxDir)).filter((f) => f.endsWith('.jsonl'));
    const texts = await Promise.all(files.map((f) => readFile(path.join(this.outboxDir, f), 'utf8')));
    return texts.flatMap((t) => t.split('\n').filter((l) => l !== ''));
  }

  async stop(): Promise<void> {
    await this.local.backend.stop();
    await rm(this.outboxDir, { recursive: true, force: true });
  }
}

/** Every delivery of an erasure message failed: the run's ERROR lines (`Erasure run failed`) say why. */
export class ErasureRunsFailedError extends Error {
  constructor(
    readonly requestId: string,
    readonly deliveries: number,
  ) {
    super(
      `erase-author failed for ${requestId} on all ${deliveries} deliveries of its message (the erasure queue would move it to its DLQ); the causes are in its "Erasure run failed" log lines`,
    );
    this.name = 'ErasureRunsFailedError';
  }
}

/** A case event as a department queue receives it. */
function caseEnvelope(detail: CaseEvent): string {
  return JSON.stringify({ 'detail-type': CASE_DETAIL_TYPES[detail.action], source: EVENT_SOURCE, detail });
}
