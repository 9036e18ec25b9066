// Invokes a built function bundle once, in its own process, as Lambda would: imports
// BUNDLE_FILE with the environment it was given, calls `handler(event, context)` with the
// JSON of EVENT_FILE and writes `{ result }` or `{ error }`, with the CPU milliseconds (user +
// system) of the import and of the call, to RESULT_FILE (stdout belongs to the function's
// logs). Used by test/support/bundle-invocation.ts (the smoke test, bench:bundles).
import { readFileSync, writeFileSync } from 'node:fs';

const { BUNDLE_FILE, EVENT_FILE, RESULT_FILE, FUNCTION_NAME } = process.env;
const started = Date.now();
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: FUNCTION_NAME,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-central-1:000000000000:function:${FUNCTION_NAME}`,
  memoryLimitInMB: '512',
  awsRequestId: 'bundle-smoke-1',
  logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
  logStreamName: 'bundle-smoke',
  getRemainingTimeInMillis: () => Math.max(0, 60_000 - (Date.now() - started)),
};
const event = JSON.parse(readFileSync(EVENT_FILE, 'utf8'));
const cpu = { import: 0, invocation: 0 };
const cpuSince = (start) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
let start = process.cpuUsage();
try {
  const { handler } = await import(BUNDLE_FILE);
  cpu.import = cpuSince(start);
  start = process.cpuUsage();
  const result = await handler(event, context);
  cpu.invocation = cpuSince(start);
  writeFileSync(RESULT_FILE, JSON.stringify({ result: result ?? null, cpu }));
} catch (error) {
  // A batch that failed whole carries each record's error: name them, they say why.
  const records = (error?.recordErrors ?? []).map((e) => String(e?.stack ?? e));
  writeFileSync(RESULT_FILE, JSON.stringify({ error: [String(error?.stack ?? error), ...records].join('\n'), cpu }));
}
