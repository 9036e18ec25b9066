import { dependenciesFrom as spikeDependencies } from '../../../functions/detect-spikes/handler.ts';
import {
  dependenciesFrom as insightDependencies,
  recordRoutedInsight,
} from '../../../functions/record-insights/handler.ts';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import type { FunctionEnv } from '../../../shared/config/runtime-env.ts';
import type { AdminUser } from '../../../shared/domain/case-admin.ts';
import type { SpikeDetected } from '../../../shared/domain/events.ts';
import { evaluateSpikes } from '../../../shared/domain/spikes/index.ts';
import { markThemeDefect } from '../../../shared/domain/themes/index.ts';
import type { HistoryHooks } from './hooks.ts';

/** What the insight layer did with the history, counted (printed after the play). */
export interface InsightTotals {
  grouped: number;
  hoursEvaluated: number;
  spikes: number;
  defectsMarked: number;
  notificationsWithheld: number;
}

/**
 * The insight layer's part in `npm start -- --history`: the themes, spikes and defect
 * marking use cases, fed by the history as the functions feed them live.
 * - `onMentionRouted`: record-insights' own step (primary department only: the bus rule
 *   sends it nothing else), grouping the mention into its theme and counting its hour;
 * - `onHourPassed`: detect-spikes' evaluation of that hour, with the history's clock; its
 *   `Spike Detected` events and notifications are collected, not sent (as the history's
 *   other notifications);
 * - `onDay` on `plan.fixedTheme.fixDate`: the fixed theme's owner marks it as a known defect
 *   fixed that day, in each language, as a person would after reading `backchannel themes`.
 *   Which theme is "the" repair theme is read from the mentions the generator meant as such
 *   (their theme most of them landed in): the grouping itself never sees that truth.
 */
export function insightHooks(
  deps: { readonly config: CompanyConfig; readonly env: FunctionEnv; readonly tableName: string },
  totals?: InsightTotals,
): HistoryHooks {
  const env: FunctionEnv = {
    ...deps.env,
    TABLE_NAME: deps.tableName,
    EVENT_BUS_NAME: deps.env.EVENT_BUS_NAME ?? `bc-${deps.config.company.id}-history`,
    COMPANY_CONFIG: JSON.stringify(deps.config),
  };
  const counted: InsightTotals = totals ?? {
    grouped: 0,
    hoursEvaluated: 0,
    spikes: 0,
    defectsMarked: 0,
    notificationsWithheld: 0,
  };
  const insights = insightDependencies(env);
  const spikes = spikeDependencies(env);
  const events = {
    async publishSpikeDetected(published: readonly SpikeDetected[]): Promise<void> {
      counted.spikes += published.length;
    },
  };
  const notifier = {
    async send(): Promise<void> {
      counted.notificationsWithheld++;
    },
  };
  /** Per language, how many of the fixed theme's mentions each theme got. */
  const fixedThemeVotes = new Map<string, Map<string, number>>();

  return {
    async onMentionRouted(event, context) {
      if (event.role !== 'primary') return;
      const detail = context.reactions > 0 ? { ...event, reactions: context.reactions } : event;
      const outcome = await recordRoutedInsight(detail, { ...insights, clock: context.clock });
      if (outcome.themeId === undefined) return;
      counted.grouped++;
      if (context.truth.theme !== context.plan.fixedTheme.key) return;
      const votes = fixedThemeVotes.get(context.truth.language) ?? new Map<string, number>();
      votes.set(outcome.themeId, (votes.get(outcome.themeId) ?? 0) + 1);
      fixedThemeVotes.set(context.truth.language, votes);
    },
    async onHourPassed(hourStart, context) {
      const result = await evaluateSpikes(
        { hour: hourStart },
        {
          ...spikes,
          clock: context.clock,
          events,
          // `Case Tagged` names no recipient department: the history's case events need not carry it.
          change: { ...spikes.change, clock: context.clock, events: { publishCaseEvents: async () => {} } },
          notify: { ...spikes.notify, notifier },
        },
      );
      counted.hoursEvaluated += result.hours.length;
    },
    async onDay(day, context) {
      const fixed = context.plan.fixedTheme;
      if (day !== fixed.fixDate) return;
      const owner = deps.config.departments.flatMap((d) => d.leads ?? []).find((p) => p.name === fixed.owner);
      const user: AdminUser = owner?.email
        ? { sub: owner.email, email: owner.email, name: owner.name }
        : { sub: 'history', name: fixed.owner, operator: true };
      for (const votes of fixedThemeVotes.values()) {
        const [themeId] = [...votes].sort((a, b) => b[1] - a[1])[0] ?? [];
        if (!themeId) continue;
        await markThemeDefect(
          themeId,
          { owner: fixed.owner, fixDate: fixed.fixDate, note: 'fixed in the history: the repair process was changed' },
          user,
          { config: deps.config, themes: insights.themes, clock: context.clock },
        );
        counted.defectsMarked++;
      }
    },
  };
}
