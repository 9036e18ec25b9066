/**
 * Finding 6 (issue 10): the same valid webhook delivered 6 times made one case but up to
 * 6 Slack/Teams messages per target. The notification log checked "was it sent?" and
 * wrote "sent" after the send, so concurrent senders all passed the check. Now a sender
 * claims a delivery atomically before it sends, and only the claim's winner sends.
 *
 * Driven from the outside against the embedded runtime (real handlers, dynalite,
 * local-aws-sqs, the local bus), counting the outbox: one line per notification and target.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/backends.ts';
import { postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { buildTopology, departmentQueueId, platformSecretName } from '../../infra/topology.ts';
import { createDocumentClient, createEventBridgeClient } from '../../shared/adapters/aws-clients.ts';
import {
  DynamoCaseRepository,
  DynamoMentionRepository,
  DynamoNotificationClaims,
} from '../../shared/adapters/dynamodb/index.ts';
import type { OutboxLine } from '../../shared/adapters/notify/index.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { changeCase, type ChangeCaseDeps } from '../../shared/domain/change-case.ts';
import { OutOfTimeError } from '../../shared/domain/errors.ts';
import { DETAIL_TYPES, EVENT_SOURCE } from '../../shared/domain/events.ts';
import { mentionId } from '../../shared/domain/mention.ts';
import { targetKey, type Notification, type NotificationTarget } from '../../shared/domain/notification.ts';
import { DELIVERY_LEASE_MS, notifyDepartment, type Notifier } from '../../shared/domain/notify-department.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import { demoConfig } from '../factories/config.ts';
import { metaFixture } from '../factories/http.ts';
import { mentionRoutedFactory } from '../factories/mention.ts';
import { caseFactory } from '../factories/case.ts';
import { createDepartmentNotifier } from '../../shared/domain/department-notifier.ts';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { notificationFactory } from '../factories/notification.ts';
import { fixedClock } from '../fakes/in-memory.ts';
import { startLocalTable } from '../support/local-table.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { REDELIVERY_SECONDS } from '../support/visibility.ts';

const config = demoConfig();

/** Every outbox line of a department, or none when the file does not exist yet. */
async function outboxOf(runtime: Runtime, department: string): Promise<OutboxLine[]> {
  const text = await readFile(path.join(runtime.outboxDir, `${department}.jsonl`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as OutboxLine);
}

/** How often each (notification id, target) of a notification was delivered. */
function deliveriesOf(lines: readonly OutboxLine[], notificationId: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { notification, target } of lines.filter((l) => l.notification.id === notificationId)) {
    const key = targetKey(notification.department, target);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('notifications go out exactly once per target (finding 6)', () => {
  let runtime: Runtime;
  const body = metaFixture('page-feed-comment-non-ascii.json');
  const commentMention = mentionId('facebook', '1223334445556667_7001');

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      // A concurrent sender that finds a target claimed fails (NotificationHeldError); its message must be back within seconds.
      visibilityTimeoutSeconds: REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  function tableOf() {
    const documents = createDocumentClient(runtime.env['handle-department'] ?? {});
    return {
      cases: new DynamoCaseRepository(documents, runtime.tableName),
      mentions: new DynamoMentionRepository(documents, runtime.tableName),
    };
  }

  it('sends one message per target when the same signed webhook arrives 6 times at once', async () => {
    // Arrange
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;

    // Act
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => postSignedMeta(runtime.webhookUrls.meta as string, body, appSecret)),
    );
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(deliveriesOf(await outboxOf(runtime, 'service'), `mention:${commentMention}`)).toEqual({
      'service/slack:#kundenservice': 1,
      'service/teams:backchannel/demo/teams-service': 1,
    });
  });

  it('sends nothing more when the department queue delivers the routed mention again, three times at once', async () => {
    // Arrange: the message exactly as the bus put it on the queue
    const { cases, mentions } = tableOf();
    const caseId = (await mentions.get(commentMention))?.caseId as string;
    const [routed] = await cases.mentionsOf(caseId);
    const message = JSON.stringify({
      version: '0',
      source: EVENT_SOURCE,
      'detail-type': DETAIL_TYPES.mentionRouted,
      detail: routed,
    });
    const sqs = new SQSClient({
      region: runtime.region,
      endpoint: runtime.endpoints.sqs,
      credentials: LOCAL_CREDENTIALS,
    });

    // Act
    await Promise.all(
      Array.from({ length: 3 }, () =>
        sqs.send(
          new SendMessageCommand({ QueueUrl: runtime.queueUrls[departmentQueueId('service')], MessageBody: message }),
        ),
      ),
    );
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(routed?.mentionId).toBe(commentMention);
    expect(deliveriesOf(await outboxOf(runtime, 'service'), `mention:${commentMention}`)).toEqual({
      'service/slack:#kundenservice': 1,
      'service/teams:backchannel/demo/teams-service': 1,
    });
    sqs.destroy();
  });

  it('notifies the escalation once when the transition is retried and republished, also concurrently', async () => {
    // Arrange: a change as check-sla makes it; a retry of an applied transition publishes its event again
    const env = runtime.env['handle-department'] ?? {};
    const { cases, mentions } = tableOf();
    const caseId = (await mentions.get(commentMention))?.caseId as string;
    const deps: ChangeCaseDeps = {
      companyId: config.company.id,
      retentionDays: config.retention.days,
      cases,
      events: new EventBridgePublisher(createEventBridgeClient(env), runtime.busName),
      clock: systemClock,
    };
    const escalate = () =>
      changeCase(
        caseId,
        { type: 'escalate', to: ['press'], reason: 'test: SLA breached' },
        { transitionId: 'sla-escalate:retried', actor: 'system:check-sla' },
        deps,
      );

    // Act
    const first = await escalate();
    const retries = await Promise.all([escalate(), escalate(), escalate()]);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);

    // Assess
    expect(first.applied).toBe(true);
    expect(retries.map((r) => r.applied)).toEqual([false, false, false]);
    expect(deliveriesOf(await outboxOf(runtime, 'press'), 'sla-escalate:retried')).toEqual({
      'press/slack:#presse': 1,
      'press/email:presse@radwerk-hansen.example': 1,
    });
  });

  it('lets a dead sender’s claim expire before its message comes back from any department queue', () => {
    // Arrange
    const topology = buildTopology(config);
    const handler = topology.functions.find((f) => f.id === 'handle-department');

    // Act
    const queues = config.departments.map((d) => topology.queues.find((q) => q.id === departmentQueueId(d.id)));

    // Assess: claim made at most a function timeout after receipt + lease < visibility timeout
    for (const queue of queues) {
      expect((handler?.timeoutSeconds ?? Infinity) * 1000 + DELIVERY_LEASE_MS).toBeLessThan(
        (queue?.visibilityTimeoutSeconds ?? 0) * 1000,
      );
    }
    expect(queues).toHaveLength(config.departments.length);
  });
});

describe('delivery claims in the real table under concurrent senders (finding 6)', () => {
  const topology = buildTopology(config);
  let local: Awaited<ReturnType<typeof startLocalTable>>;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
  });

  afterAll(async () => {
    await local?.backend.stop();
  });

  /** Records what went out; while `teamsDown`, Teams answers 503 as a down workflow would. */
  class FlakyNotifier implements Notifier {
    readonly delivered: string[] = [];
    teamsDown = true;

    async send(notification: Notification, target: NotificationTarget): Promise<void> {
      // Yield first, as a network call does, so that concurrent senders really interleave.
      await new Promise((resolve) => setImmediate(resolve));
      if (target.type === 'teams' && this.teamsDown) throw new Error('teams answered 503');
      this.delivered.push(targetKey(notification.department, target));
    }
  }

  it('sends each target once across six concurrent senders, and a target that failed once on the retry', async () => {
    // Arrange
    const notifier = new FlakyNotifier();
    const deps = {
      notifier,
      log: new DynamoNotificationClaims(local.documents, topology.table.name),
      clock: fixedClock('2026-11-30T09:00:05.000Z'),
      expiresAt: 1_900_000_000,
    };
    const targets: NotificationTarget[] = [
      { type: 'slack', channel: '#kundenservice' },
      { type: 'teams', secretName: 'backchannel/demo/teams-service' },
    ];

    // Act
    const first = await Promise.allSettled(
      Array.from({ length: 6 }, () => notifyDepartment(notificationFactory(), targets, deps)),
    );
    notifier.teamsDown = false;
    const retries = await Promise.allSettled(
      Array.from({ length: 3 }, () => notifyDepartment(notificationFactory(), targets, deps)),
    );

    // Assess
    expect(first.filter((r) => r.status === 'rejected').length).toBeGreaterThanOrEqual(1);
    expect(notifier.delivered.sort()).toEqual([
      'service/slack:#kundenservice',
      'service/teams:backchannel/demo/teams-service',
    ]);
    expect(retries.flatMap((r) => (r.status === 'fulfilled' ? r.value.sent : []))).toEqual([
      'mention:facebook:1_2#service/teams:backchannel/demo/teams-service',
    ]);
    // A retry that found the target claimed by the one sending it fails, so its message comes back later.
    const refused = retries.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
    expect(refused).toEqual(refused.map(() => 'NotificationHeldError'));
  });
});

/**
 * Round w19 (fault injection, DynamoDB throttling under load): a notification sent twice
 * through the claims. The record's writer claims the notification when it writes the
 * record, long before it sends; a sender stalled past its lease (a local invocation past
 * its timeout keeps running; a throttled table's retries) sent anyway, while a redelivery
 * had taken the expired claim over and sent too. Time and order are set here, not load.
 */
describe('a sender stalled past its lease (round w19, fault injection)', () => {
  const topology = buildTopology(config);
  let local: Awaited<ReturnType<typeof startLocalTable>>;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
  });

  afterAll(async () => {
    await local?.backend.stop();
  });

  /** Records every delivery. */
  class CountingNotifier implements Notifier {
    readonly delivered: string[] = [];
    async send(notification: Notification, target: NotificationTarget): Promise<void> {
      this.delivered.push(targetKey(notification.department, target));
    }
  }

  const T0 = Date.parse('2026-11-30T09:00:00.000Z');
  const at = (ms: number) => ({ now: () => new Date(T0 + ms) });
  const targets: NotificationTarget[] = [{ type: 'slack', channel: '#kundenservice' }];

  /** handle-department's notifier at T0 with only the service department notifying `targets`. */
  const serviceNotifier = (
    claims: DynamoNotificationClaims,
    notifier: CountingNotifier,
    extra: Partial<Parameters<typeof createDepartmentNotifier>[0]> = {},
  ) =>
    createDepartmentNotifier({
      departments: config.departments.map((d) => ({ ...d, notify: d.id === 'service' ? targets : [] })),
      options: { timezone: config.company.timezone, caseBaseUrl: 'https://cases.example' },
      cases: { latestMentionOf: async () => undefined },
      notifier,
      log: claims,
      clock: at(0),
      retentionDays: 30,
      ...extra,
    });

  /** The mention's record written at T0 holding its writer's claim (lease 60 s); the senders' deps at a time after T0. */
  const recordedByStalledWriter = async (event: ReturnType<typeof mentionRoutedFactory>) => {
    const claims = new DynamoNotificationClaims(local.documents, topology.table.name);
    const writer = {
      owner: 'writer',
      at: new Date(T0).toISOString(),
      leaseUntil: new Date(T0 + DELIVERY_LEASE_MS).toISOString(),
      expiresAt: 1_900_000_000,
    };
    await new DynamoCaseRepository(local.documents, topology.table.name).recordMention(event, 1_900_000_000, writer);
    const notifier = new CountingNotifier();
    const deps = (ms: number) => ({
      notifier,
      log: claims.onRecordOf(event),
      clock: at(ms),
      expiresAt: 1_900_000_000,
      heldRecheckDelaysMs: [],
    });
    return { writer, notifier, deps };
  };

  it('sends once when the record’s writer reaches its send after its lease ran out and a redelivery took it over', async () => {
    // Arrange: the writer's record holds the claim from T0 (lease 60 s); the writer stalls.
    const event = mentionRoutedFactory({ caseId: 'case_stall1', mentionId: 'facebook:stall_1' });
    const notification = notificationFactory({ id: `mention:${event.mentionId}`, caseId: event.caseId });
    const { writer, notifier, deps } = await recordedByStalledWriter(event);

    // Act: the redelivery 61 s after the claim, then the writer 62 s after it.
    const redelivery = await notifyDepartment(notification, targets, deps(61_000));
    const writerAfterStall = await notifyDepartment(notification, targets, { ...deps(62_000), claimed: writer });

    // Assess: the writer finds its claim gone and the notification settled.
    const key = `mention:facebook:stall_1#service/slack:#kundenservice`;
    expect(redelivery).toEqual({ sent: [key], skipped: [], held: [] });
    expect(writerAfterStall).toEqual({ sent: [], skipped: [key], held: [] });
    expect(notifier.delivered).toEqual(['service/slack:#kundenservice']);
  });

  it('lets a stalled writer whose claim nobody took renew it and send, and holds a redelivery inside the renewed lease', async () => {
    // Arrange
    const event = mentionRoutedFactory({ caseId: 'case_stall2', mentionId: 'facebook:stall_2' });
    const notification = notificationFactory({ id: `mention:${event.mentionId}`, caseId: event.caseId });
    const { writer, notifier, deps } = await recordedByStalledWriter(event);
    // A notifier that lets the redelivery in while the writer's send is under way.
    let redelivery: Promise<unknown> = Promise.resolve();
    const racing: Notifier = {
      send: async (n, t) => {
        redelivery = notifyDepartment(notification, targets, deps(70_000)).catch((error: unknown) => error);
        await redelivery;
        await notifier.send(n, t);
      },
    };

    // Act: the writer 50 s after its claim (10 s of lease left), its send racing a redelivery at 70 s.
    const sent = await notifyDepartment(notification, targets, { ...deps(50_000), notifier: racing, claimed: writer });

    // Assess
    expect(sent.sent).toHaveLength(1);
    expect(((await redelivery) as Error).name).toBe('NotificationHeldError');
    expect(notifier.delivered).toEqual(['service/slack:#kundenservice']);
  });

  it('writes a batch’s settlements once the throttled table takes writes again, so a copy after the lease is done', async () => {
    // Arrange: a batch records and sends a mention; the table then refuses two writes (the mark, the record's own settlement).
    const event = mentionRoutedFactory({ caseId: 'case_stall3', mentionId: 'facebook:stall_3' });
    let refuse = 0;
    const throttled = {
      send: (command: Parameters<typeof local.documents.send>[0]) => {
        if (command instanceof UpdateCommand && refuse > 0) {
          refuse--;
          return Promise.reject(
            Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
              name: 'ThrottlingException',
            }),
          );
        }
        return local.documents.send(command);
      },
    } as unknown as DynamoDBDocumentClient;
    const claims = new DynamoNotificationClaims(throttled, topology.table.name);
    const notifier = new CountingNotifier();
    const departments = serviceNotifier(claims, notifier, { markRetryDelaysMs: [0, 0, 0] });
    const batch = departments.batch?.();
    const claim = batch?.notifier.claimFor?.(event);
    await new DynamoCaseRepository(local.documents, topology.table.name).recordMention(event, 1_900_000_000, claim);
    await batch?.notifier.mention(event, caseFactory({ id: event.caseId }), claim);

    // Act
    refuse = 2;
    // As handle-department does: a flush that fails is logged, and the batch's messages are acknowledged.
    const flushed = await batch?.flush().then(
      () => 'written',
      () => 'lost',
    );
    const copy = await notifyDepartment(
      notificationFactory({ id: `mention:${event.mentionId}`, caseId: event.caseId }),
      targets,
      { notifier, log: claims.onRecordOf(event), clock: at(61_000), expiresAt: 1_900_000_000 },
    );

    // Assess
    expect(flushed).toBe('written');
    expect(copy.sent).toEqual([]);
    expect(notifier.delivered).toEqual(['service/slack:#kundenservice']);
  });

  it('sends nothing from a batch past its function timeout (as Lambda stops it), and a copy after the lease sends once', async () => {
    // Arrange: the record is written holding the claim; then the run's time is up (locally it goes on).
    const event = mentionRoutedFactory({ caseId: 'case_stall4', mentionId: 'facebook:stall_4' });
    const claims = new DynamoNotificationClaims(local.documents, topology.table.name);
    const notifier = new CountingNotifier();
    let timeLeftMs = 30_000;
    const batch = serviceNotifier(claims, notifier).batch?.(() => timeLeftMs);
    const claim = batch?.notifier.claimFor?.(event);
    await new DynamoCaseRepository(local.documents, topology.table.name).recordMention(event, 1_900_000_000, claim);

    // Act
    timeLeftMs = 0;
    const late = await batch?.notifier
      .mention(event, caseFactory({ id: event.caseId }), claim)
      .catch((e: unknown) => e);
    await batch?.flush();
    const copy = await notifyDepartment(
      notificationFactory({ id: `mention:${event.mentionId}`, caseId: event.caseId }),
      targets,
      { notifier, log: claims.onRecordOf(event), clock: at(61_000), expiresAt: 1_900_000_000 },
    );

    // Assess
    expect(late).toBeInstanceOf(OutOfTimeError);
    expect(copy.sent).toEqual(['mention:facebook:stall_4#service/slack:#kundenservice']);
    expect(notifier.delivered).toEqual(['service/slack:#kundenservice']);
  });
});
