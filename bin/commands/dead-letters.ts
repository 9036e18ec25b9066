/**
 * What `backchannel dlq` and `backchannel redrive` share: which dead-letter queue `--queue`
 * names (every DLQ of the topology, not only the work queues'), what a person does with its
 * messages, and the AWS settings of the running local runtime.
 */
import path from 'node:path';
import { allDeadLetterQueues, type AnyDeadLetterQueue, type Topology } from '../../infra/topology.ts';
import { UsageError, dataDirOf } from './shared.ts';

/** A dead-letter queue with what its messages are for. */
export interface DeadLetterTarget extends AnyDeadLetterQueue {
  /**
   * The function to run again with a message's payload, for the DLQs whose messages are not
   * queue work: a schedule's DLQ (its target function) and an on-failure destination (the
   * function that failed). Absent when the DLQ redrives into a queue.
   */
  readonly rerunFunction?: string;
}

/** Every dead-letter queue of the topology, each with its queue to redrive into or its function to run again. */
export function deadLetterTargets(
  topology: Pick<Topology, 'queues' | 'deadLetterQueues' | 'functions' | 'schedules'>,
): DeadLetterTarget[] {
  const nameOf = (functionId: string) => topology.functions.find((f) => f.id === functionId)?.name ?? functionId;
  return allDeadLetterQueues(topology).map((dlq) => {
    if (dlq.redrivesTo) return dlq;
    const schedule = topology.schedules.find((s) => s.deadLetterQueue === dlq.id);
    const failed = topology.functions.find((f) => f.asyncInvoke?.onFailure === dlq.id);
    const fn = schedule?.targetFunction ?? failed?.id;
    return fn ? { ...dlq, rerunFunction: nameOf(fn) } : dlq;
  });
}

/**
 * The dead-letter queue `--queue` names: a DLQ's id or name (intake-dlq, dept-press-events,
 * check-sla-failures, bc-demo-schedule-sla-sweep-dlq), or a work queue's id or name for that
 * queue's DLQ (intake, bc-demo-dept-press).
 * @throws UsageError naming the queues and DLQs when none matches
 */
export function resolveDeadLetterQueue(
  topology: Pick<Topology, 'companyId' | 'queues' | 'deadLetterQueues' | 'functions' | 'schedules'>,
  name: string,
  command: string,
): DeadLetterTarget {
  const targets = deadLetterTargets(topology);
  const queue = topology.queues.find((q) => q.id === name || q.name === name);
  const found = targets.find(
    (t) => t.id === name || t.name === name || (queue !== undefined && t.workQueue === queue.id),
  );
  if (found) return found;
  throw new UsageError(
    `--queue ${name} is not a queue of ${topology.companyId}; its queues: ${topology.queues.map((q) => q.id).join(', ')}; ` +
      `its other dead-letter queues: ${targets
        .filter((t) => !t.workQueue)
        .map((t) => t.id)
        .join(', ')}`,
    command,
  );
}

/**
 * The AWS CLI command that runs a function again with a payload, asynchronously as the
 * schedule or topic did: the way to redo a schedule DLQ message or an on-failure record.
 */
export function rerunCommand(functionName: string, payload: unknown, region?: string): string {
  const json = JSON.stringify(payload ?? {}).replace(/'/g, "'\\''");
  return `aws lambda invoke --function-name ${functionName} --invocation-type Event --cli-binary-format raw-in-base64-out${region ? ` --region ${region}` : ''} --payload '${json}' /dev/null`;
}

/**
 * The payload a dead-letter message was meant to run its function with: an on-failure
 * record's `requestPayload` (Lambda's destination record), else the body itself (a
 * schedule's DLQ holds the schedule's input). Undefined for a body that is not JSON.
 */
export function payloadOf(body: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && 'requestContext' in parsed && 'requestPayload' in parsed) {
    return (parsed as { requestPayload: unknown }).requestPayload;
  }
  return parsed;
}

/** Why a message is in a dead-letter queue, as the service that put it there wrote it. */
export interface CauseInMessage {
  readonly errorName: string;
  readonly errorMessage: string;
  /** The function that failed, when the message says. */
  readonly functionName?: string;
  readonly failedAt?: string;
  /** How often it was tried. */
  readonly attempts?: number;
}

/**
 * The cause a dead-letter message carries itself, when no function recorded one: Lambda's
 * on-failure record (`responsePayload`, `requestContext`), or the ERROR_CODE and
 * ERROR_MESSAGE attributes EventBridge and EventBridge Scheduler add to a DLQ message.
 */
export function causeInMessage(body: string, attributes: Readonly<Record<string, string>>): CauseInMessage | undefined {
  if (attributes.ERROR_CODE !== undefined)
    return { errorName: attributes.ERROR_CODE, errorMessage: attributes.ERROR_MESSAGE ?? '' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const record = parsed as {
    timestamp?: unknown;
    requestContext?: { functionArn?: unknown; approximateInvokeCount?: unknown };
    responsePayload?: { errorType?: unknown; errorMessage?: unknown };
  } | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.requestContext !== 'object' ||
    record.requestContext === null
  )
    return undefined;
  const { functionArn, approximateInvokeCount } = record.requestContext;
  return {
    errorName: typeof record.responsePayload?.errorType === 'string' ? record.responsePayload.errorType : 'Error',
    errorMessage: typeof record.responsePayload?.errorMessage === 'string' ? record.responsePayload.errorMessage : '',
    // arn:aws:lambda:<region>:<account>:function:<name>[:<version>]
    ...(typeof functionArn === 'string' && functionArn.split(':')[6]
      ? { functionName: functionArn.split(':')[6] }
      : {}),
    ...(typeof record.timestamp === 'string' ? { failedAt: record.timestamp } : {}),
    ...(typeof approximateInvokeCount === 'number' ? { attempts: approximateInvokeCount } : {}),
  };
}

/** The AWS settings of a company's running local runtime (SQS, DynamoDB) and its table. */
export interface LocalAws {
  readonly env: Record<string, string>;
  readonly tableName: string;
}

/**
 * The settings of the running `npm start` of a company, or undefined (with the reason on
 * stderr) when none runs: the local queues live in the runtime's memory.
 */
export async function localAwsOf(company: string): Promise<LocalAws | undefined> {
  const { readRuntimeRecord, isAlive } = await import('../../infra/local/runtime-record.ts');
  const { adminEnv } = await import('../../infra/local/demo.ts');
  const record = await readRuntimeRecord(dataDirOf(company));
  if (!record || !isAlive(record.pid)) {
    process.stderr.write(
      `No running runtime for ${company} (${path.relative(process.cwd(), dataDirOf(company))}/runtime.json): start it with \`npm start -- --company ${company}\`, or pass --region for a deployed stack.\n`,
    );
    return undefined;
  }
  return {
    env: {
      ...adminEnv(record.region, record.endpoints.dynamodb),
      AWS_ENDPOINT_URL_SQS: record.endpoints.sqs,
    } as Record<string, string>,
    tableName: record.tableName,
  };
}
