import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import type { Platform } from '../../../shared/domain/mention.ts';
import { dayIn, previousDay } from '../../../shared/domain/time.ts';
import { adminEnv } from '../demo.ts';
import { generateHistory, type History } from './generate.ts';
import type { HistoryHooks } from './hooks.ts';
import { insightHooks, type InsightTotals } from './insight-hooks.ts';
import { playHistory, type PlayResult } from './play.ts';

/**
 * `npm start -- --history`: before the runtime takes webhooks for good, six weeks of
 * history ending yesterday are played into its table, once per data directory (the marker
 * `<dataDir>/history.json` says it was); with `--memory` into each fresh table.
 */

/** The marker of a data directory whose table holds the history. */
export const HISTORY_MARKER_FILE = 'history.json';
/** The seed of `npm start -- --history`: everyone sees the same six weeks. */
export const HISTORY_SEED = 2026;

/** What the marker keeps of a play. */
export interface HistoryMarker {
  readonly playedAt: string;
  readonly company: string;
  readonly seed: number;
  readonly from: string;
  readonly to: string;
  readonly fixDate: string;
  readonly mentions: number;
  readonly seconds: number;
}

export interface StartHistoryOptions {
  readonly config: CompanyConfig;
  /** The runtime's DynamoDB endpoint and region, and its table. */
  readonly region: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  /** The data directory (absent with `--memory`: the history is played every time). */
  readonly dataDir?: string;
  /** Weeks of history (default 6). */
  readonly weeks?: number;
  /** Average customer mentions per day (default the generator's, about 60); tests play fewer. */
  readonly mentionsPerDay?: number;
  /** Lines for a person: the plan, progress every few seconds, the totals. */
  readonly log: (line: string) => void;
  /** What the insight layer does with the history; default insight-hooks.ts. */
  readonly hooks?: HistoryHooks;
  readonly now?: Date;
}

export interface StartHistoryOutcome {
  /** False when the marker said the history was played before. */
  readonly played: boolean;
  /** One line for the start banner. */
  readonly summary: string;
  readonly result?: PlayResult;
}

/** The platforms a company receives mentions from, as the history uses them. */
export function platformsOf(config: CompanyConfig): Platform[] {
  const p = config.platforms;
  return [
    ...(p.meta?.enabled ? (['facebook', 'instagram'] as const) : []),
    ...(p.x?.enabled ? (['x'] as const) : []),
    ...(p.linkedin?.enabled ? (['linkedin'] as const) : []),
    ...(p.youtube?.enabled ? (['youtube'] as const) : []),
    ...(p.tiktok?.enabled ? (['tiktok'] as const) : []),
    ...(p.generic?.enabled && p.generic.sources.length > 0 ? (['generic'] as const) : []),
    ...(p.mastodon?.enabled ? (['mastodon'] as const) : []),
    ...(p.bluesky?.enabled ? (['bluesky'] as const) : []),
  ];
}

/** The company's own account per platform, so that its replies in the history are its own. */
export function accountsOf(config: CompanyConfig): Partial<Record<Platform, string>> {
  const p = config.platforms;
  const accounts: Partial<Record<Platform, string | undefined>> = {
    facebook: p.meta?.pageIds[0],
    instagram: p.meta?.instagramAccountIds[0],
    x: p.x?.accountIds[0],
    linkedin: p.linkedin?.organizationIds[0],
    youtube: p.youtube?.channelIds[0],
    tiktok: p.tiktok?.accountOpenIds[0],
    mastodon: p.mastodon?.accountId,
    bluesky: p.bluesky?.handle,
  };
  return Object.fromEntries(Object.entries(accounts).filter(([, v]) => v !== undefined)) as Partial<
    Record<Platform, string>
  >;
}

/** The history of `npm start -- --history`: `weeks` weeks ending yesterday in the company's timezone. */
export function startHistoryOf(config: CompanyConfig, now: Date, weeks = 6, mentionsPerDay?: number): History {
  const genericSource = config.platforms.generic?.sources[0]?.id;
  return generateHistory({
    seed: HISTORY_SEED,
    lastDay: previousDay(dayIn(now, config.company.timezone)),
    days: weeks * 7,
    timezone: config.company.timezone,
    platforms: platformsOf(config),
    accounts: accountsOf(config),
    ...(genericSource ? { genericSource } : {}),
    ...(mentionsPerDay !== undefined ? { mentionsPerDay } : {}),
  });
}

/**
 * Plays the history into the runtime's table unless the data directory's marker says it
 * was played before.
 * @throws Error when the company receives mentions from no platform
 */
export async function startHistory(options: StartHistoryOptions): Promise<StartHistoryOutcome> {
  const { config, log } = options;
  const markerFile = options.dataDir ? path.join(options.dataDir, HISTORY_MARKER_FILE) : undefined;
  const marker = markerFile ? await readMarker(markerFile) : undefined;
  if (marker) {
    return {
      played: false,
      summary: `${marker.from}..${marker.to}, ${marker.mentions} mentions, played ${marker.playedAt.slice(0, 10)} (${path.relative(process.cwd(), markerFile as string)}; delete the data directory for a fresh one)`,
    };
  }
  const history = startHistoryOf(config, options.now ?? new Date(), options.weeks, options.mentionsPerDay);
  const customerMentions = history.events.filter((e) => e.type === 'mention').length;
  const { plan } = history;
  log(
    `history: playing ${plan.from}..${plan.to} into ${options.tableName}: ${customerMentions} mentions with replies and resolutions; ` +
      `"${plan.fixedTheme.labels.de}" fixed on ${plan.fixedTheme.fixDate}, a surge on ${plan.surge.platform} at ${plan.surge.start}`,
  );
  const env = adminEnv(options.region, options.dynamodbEndpoint);
  const insights: InsightTotals = {
    grouped: 0,
    hoursEvaluated: 0,
    spikes: 0,
    defectsMarked: 0,
    notificationsWithheld: 0,
  };
  const result = await playHistory({
    config,
    env,
    tableName: options.tableName,
    history,
    hooks: options.hooks ?? insightHooks({ config, env, tableName: options.tableName }, insights),
    onProgress: (p) =>
      log(`history: ${p.day} · ${p.mentions}/${customerMentions} mentions · ${Math.round(p.elapsedMs / 1000)} s`),
  });
  log(`history: ${totalsLine(result)}`);
  if (!options.hooks) {
    log(
      `history: ${insights.grouped} mentions grouped into themes, ${insights.hoursEvaluated} hours evaluated for spikes, ${insights.spikes} spike(s), ${insights.defectsMarked} theme(s) marked as fixed on ${plan.fixedTheme.fixDate}; try: npm run backchannel -- report --week latest`,
    );
  }
  if (markerFile) {
    const written: HistoryMarker = {
      playedAt: new Date().toISOString(),
      company: config.company.id,
      seed: plan.seed,
      from: plan.from,
      to: plan.to,
      fixDate: plan.fixedTheme.fixDate,
      mentions: result.mentions,
      seconds: Math.round(result.elapsedMs / 100) / 10,
    };
    await writeFile(markerFile, `${JSON.stringify(written, null, 2)}\n`);
  }
  return { played: true, summary: `${plan.from}..${plan.to}, ${totalsLine(result)}`, result };
}

/** `2463 mentions played in 84.2 s (29.3 mentions/s): 1749 replies, 1816 resolved, 60 reopened, 201 SLA breaches`. */
export function totalsLine(result: PlayResult): string {
  const change = (action: string) => result.caseChanges[action] ?? 0;
  return (
    `${result.mentions} mentions played in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.mentionsPerSecond.toFixed(1)} mentions/s): ` +
    `${change('respond')} responded (${result.approvedReplies} after approval), ${result.resolved} resolved, ${change('reopen')} reopened, ${change('breach-sla')} SLA breaches`
  );
}

async function readMarker(file: string): Promise<HistoryMarker | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as HistoryMarker;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
