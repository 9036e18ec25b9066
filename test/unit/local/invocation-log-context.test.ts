/**
 * Under `npm start` every function runs in one process and shares one Powertools logger,
 * whose Lambda context injectLambdaContext sets for the whole process. Each line must still
 * name the function and the invocation that logged it, also while another function runs.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { invokeFunction, type LambdaHandler, type LocalFunction } from '../../../infra/local/lambda.ts';
import { buildTopology, type FunctionSpec } from '../../../infra/topology.ts';
import { logger, withLogSink } from '../../../shared/observability/powertools.ts';
import { demoConfig } from '../../factories/config.ts';
import { raiseLogLevel } from '../../support/captured-logs.ts';

const WHERE = { region: 'eu-central-1', accountId: '000000000000' };

const specOf = (id: string): FunctionSpec => {
  const spec = buildTopology(demoConfig()).functions.find((fn) => fn.id === id);
  if (!spec) throw new Error(`the demo topology has no function ${id}`);
  return spec;
};

/** A function as the handlers build themselves: middy with the shared logger's context. */
const localFunction = (id: string, body: (context: Context) => Promise<void>): LocalFunction => {
  const handler = middy<unknown, void>()
    .use(injectLambdaContext(logger))
    .handler((_event, context) => body(context));
  return { spec: specOf(id), env: {}, handler: handler as unknown as LambdaHandler };
};

/** A promise and the function that resolves it. */
const gate = () => {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
};

describe('the log context of a local invocation', () => {
  let restoreLevel: (() => void) | undefined;
  afterEach(() => restoreLevel?.());

  it('names on each line the function and request that logged it, while another function runs', async () => {
    // Arrange: ingest-webhook logs once before and once after classify-mention has started
    // (and so set the shared logger's context); classify-mention logs while ingest waits.
    restoreLevel = raiseLogLevel('INFO');
    const lines: Record<string, unknown>[] = [];
    const sink = (json: string) => lines.push(JSON.parse(json) as Record<string, unknown>);
    const requestIds = new Map<string, string>();
    const classifyStarted = gate();
    const ingestLogged = gate();
    const ingest = localFunction('ingest-webhook', async (context) => {
      requestIds.set('ingest', context.awsRequestId);
      logger.info('ingest before');
      ingestLogged.open();
      await classifyStarted.opened;
      logger.info('ingest after');
    });
    const classify = localFunction('classify-mention', async (context) => {
      requestIds.set('classify', context.awsRequestId);
      await ingestLogged.opened;
      logger.info('classify');
      classifyStarted.open();
    });

    // Act
    await withLogSink(sink, () =>
      Promise.all([invokeFunction(ingest, {}, WHERE), invokeFunction(classify, {}, WHERE)]),
    );

    // Assess
    const line = (message: string) => lines.find((l) => l.message === message);
    const ingestLine = { function_name: ingest.spec.name, function_request_id: requestIds.get('ingest') };
    expect(line('ingest before')).toMatchObject(ingestLine);
    expect(line('ingest after')).toMatchObject(ingestLine);
    expect(line('classify')).toMatchObject({
      function_name: classify.spec.name,
      function_request_id: requestIds.get('classify'),
    });
    expect(ingest.spec.name).not.toBe(classify.spec.name);
  });

  it('marks the first invocation of each function as its cold start, and only that one', async () => {
    // Arrange
    restoreLevel = raiseLogLevel('INFO');
    const lines: Record<string, unknown>[] = [];
    const sink = (json: string) => lines.push(JSON.parse(json) as Record<string, unknown>);
    const ingest = localFunction('ingest-webhook', async () => logger.info('ingest'));
    const classify = localFunction('classify-mention', async () => logger.info('classify'));

    // Act
    await withLogSink(sink, async () => {
      await invokeFunction(ingest, {}, WHERE);
      await invokeFunction(classify, {}, WHERE);
      await invokeFunction(ingest, {}, WHERE);
    });

    // Assess
    expect(lines.map((l) => [l.message, l.cold_start])).toEqual([
      ['ingest', true],
      ['classify', true],
      // Only a cold start is marked.
      ['ingest', undefined],
    ]);
  });

  it('gives each invocation its own request id and each function one log stream, as an execution environment', async () => {
    // Arrange
    const contexts: [string, Context][] = [];
    const ingest = localFunction('ingest-webhook', async (context) => void contexts.push(['ingest', context]));
    const classify = localFunction('classify-mention', async (context) => void contexts.push(['classify', context]));

    // Act
    await invokeFunction(ingest, {}, WHERE);
    await invokeFunction(ingest, {}, WHERE);
    await invokeFunction(classify, {}, WHERE);

    // Assess
    const [first, second, other] = contexts.map(([, context]) => context);
    expect(first?.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(second?.logStreamName).toBe(first?.logStreamName);
    expect(second?.awsRequestId).not.toBe(first?.awsRequestId);
    expect(other?.logStreamName).not.toBe(first?.logStreamName);
  });
});
