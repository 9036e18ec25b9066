/**
 * Outside Lambda (no AWS_EXECUTION_ENV: `npm start`, tests, benches) the tracer is off, yet
 * the X-Ray SDK it loads would still install cls-hooked's async hook at import: every
 * promise of the process then pays for destroy tracking, which took about a tenth of the
 * local runtime's CPU under load (`npm run bench:throughput`). Manual mode skips that hook.
 * It must run before `@aws-lambda-powertools/tracer` is first imported, so powertools.ts
 * imports this module first. In Lambda it changes nothing.
 */
if (!process.env.AWS_EXECUTION_ENV) process.env.AWS_XRAY_MANUAL_MODE ??= 'true';

export {};
