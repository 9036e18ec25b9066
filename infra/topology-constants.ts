/**
 * The names and sizes that the topology shares with the code it runs: functions and shared/
 * may import this module (dependency-cruiser allows it), never topology.ts itself, which
 * pulls in every platform adapter, poller and notifier (issue 16, issue 12: bundle size).
 * topology.ts re-exports all of it.
 */

/** Environment variable that carries the validated company config to every function. */
export const COMPANY_CONFIG_ENV = 'COMPANY_CONFIG';

export const INTAKE_QUEUE = 'intake';
/** The bucket of the company's trained classifier models. */
export const MODELS_BUCKET = 'models';
/** When the company model is retrained: Sundays at 03:00 in the company's timezone. */
export const TRAIN_MODEL_SCHEDULE = 'cron(0 3 ? * SUN *)';
/** The font the report charts are drawn with, shipped beside the build-report bundle (DejaVu Sans, free licence). */
export const REPORT_FONT_PACKAGE_FILE = 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf';
export const REPORT_FONT_DIR = 'fonts';

/** The queue of the insight layer: every routed mention once (its primary department). */
export const INSIGHTS_QUEUE = 'insights';
/** The erasure queue: each message runs an erasure job on (functions/erase-author), continued by the next. */
export const ERASURE_QUEUE = 'erasure';
export const METRICS_NAMESPACE = 'Backchannel';
export const departmentQueueId = (departmentId: string): string => `dept-${departmentId}`;
/**
 * `press` -> `QUEUE_URL_DEPT_PRESS`: the variable with the URL of a department's queue, from
 * which handle-department knows which department a message's queue is (in AWS the queue's
 * name is CloudFormation's, not the topology's). Department ids are lowercase letters,
 * digits and dashes, so the variable names never collide.
 */
export const departmentQueueUrlEnv = (departmentId: string): string =>
  `QUEUE_URL_${departmentQueueId(departmentId).toUpperCase().replace(/-/g, '_')}`;

/**
 * The webhook paths, as API Gateway route templates. Both entry points serve them: the HTTP
 * API's routes (with `pathParameters`) and ingest's function URL (the same paths in `rawPath`,
 * which ingest matches against these itself).
 */
export const WEBHOOK_PATH = '/webhooks/{platform}';
/** Generic sources post to their own path; the platform is the literal `generic`. */
export const GENERIC_WEBHOOK_PATH = '/webhooks/generic/{source}';

/** Largest webhook body accepted, in bytes (the topology's `http.maxBodyBytes`): 1 MiB. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** The secret id of a platform, and its physical name. */
export function platformSecretName(
  config: {
    readonly company: { readonly id: string };
    readonly platforms: object;
  },
  platform: string,
): string {
  const entry = (
    config.platforms as Readonly<Record<string, { readonly secretName?: string | undefined } | undefined>>
  )[platform];
  return entry?.secretName ?? `backchannel/${config.company.id}/${platform}`;
}
