import type { CompanyConfig } from '../shared/config/schema.ts';
import type { FunctionSpec, PlannedSchedule, SecretSpec } from './topology.ts';
import { COMPANY_CONFIG_ENV, INTAKE_QUEUE } from './topology-constants.ts';

/**
 * The pollers of a company: for each platform without webhooks that the config enables,
 * a `poll-<platform>` function, the schedule that runs it in the company's timezone and the
 * platform's secret. buildTopology adds them, so both backends run them with no code of
 * their own. Only types come from topology.ts, so the two modules form no cycle at run time.
 */
export interface PollerTopology {
  readonly functions: readonly FunctionSpec[];
  readonly schedules: readonly PlannedSchedule[];
  /** Secrets of polled platforms that the topology does not describe yet. */
  readonly secrets: readonly SecretSpec[];
}

export type PolledPlatform = 'youtube' | 'mastodon' | 'bluesky';

/** Well inside a 5-minute schedule, so runs of one poller do not overlap. */
export const POLLER_TIMEOUT_SECONDS = 120;

const SECRET_SHAPES: Readonly<Record<PolledPlatform, string>> = {
  youtube: 'YouTube Data API key for comment polling: {"apiKey": "..."} (the WebSub "hubSecret" may sit beside it)',
  mastodon: 'Mastodon access token with scope read:notifications: {"accessToken": "..."}',
  bluesky: 'Bluesky app password of the company account: {"appPassword": "..."}',
};

/** The polled platforms the config enables, with their schedules and secret names. */
export function enabledPollers(
  config: CompanyConfig,
): { platform: PolledPlatform; schedule: string; secretName: string }[] {
  const { youtube, mastodon, bluesky } = config.platforms;
  const secretName = (platform: PolledPlatform, given: string | undefined) =>
    given ?? `backchannel/${config.company.id}/${platform}`;
  const enabled: { platform: PolledPlatform; schedule: string; secretName: string }[] = [];
  if (youtube?.enabled && youtube.pollComments && youtube.channelIds.length > 0) {
    enabled.push({
      platform: 'youtube',
      schedule: youtube.pollSchedule,
      secretName: secretName('youtube', youtube.secretName),
    });
  }
  if (mastodon?.enabled)
    enabled.push({
      platform: 'mastodon',
      schedule: mastodon.pollSchedule,
      secretName: secretName('mastodon', mastodon.secretName),
    });
  if (bluesky?.enabled)
    enabled.push({
      platform: 'bluesky',
      schedule: bluesky.pollSchedule,
      secretName: secretName('bluesky', bluesky.secretName),
    });
  return enabled;
}

/**
 * Functions, schedules and secrets of the enabled pollers. A platform whose secret is
 * already in `secrets` (YouTube's, when its WebSub webhook is enabled too) shares it: one
 * secret per platform.
 */
export function pollerTopology(
  config: CompanyConfig,
  context: { readonly prefix: string; readonly secrets: readonly SecretSpec[] },
): PollerTopology {
  const { prefix } = context;
  const functions: FunctionSpec[] = [];
  const schedules: PlannedSchedule[] = [];
  const secrets: SecretSpec[] = [];
  for (const { platform, schedule, secretName } of enabledPollers(config)) {
    const id = `poll-${platform}`;
    const secret = context.secrets.find((s) => s.id === platform) ?? {
      id: platform,
      name: secretName,
      platform,
      description: SECRET_SHAPES[platform],
    };
    if (!context.secrets.includes(secret)) secrets.push(secret);
    functions.push({
      id,
      name: `${prefix}-${id}`,
      entry: `functions/${id}/handler.ts`,
      memoryMb: 256,
      timeoutSeconds: POLLER_TIMEOUT_SECONDS,
      environment: {
        [COMPANY_CONFIG_ENV]: { kind: 'companyConfig' },
        TABLE_NAME: { kind: 'tableName' },
        INTAKE_QUEUE_URL: { kind: 'queueUrl', queue: INTAKE_QUEUE },
        POLLER_SECRET_NAME: { kind: 'secretName', secret: secret.id },
      },
      triggers: [{ type: 'schedule', schedule: id }],
      grants: [
        // The cursor: one item per listing.
        { resource: 'table', access: 'readWrite' },
        { resource: 'queue', queue: INTAKE_QUEUE, access: 'send' },
        { resource: 'secret', secret: secret.id, access: 'read' },
      ],
    });
    schedules.push({
      id,
      name: `${prefix}-${id}`,
      expression: schedule,
      timezone: config.company.timezone,
      targetFunction: id,
      payload: { poll: platform, scheduledTime: '<aws.scheduler.scheduled-time>' },
    });
  }
  return { functions, schedules, secrets };
}
