import type { CaseEvent, MentionRouted } from '../../../shared/domain/events.ts';
import type { Clock } from '../../../shared/domain/ports.ts';
import type { HistoryPlan, HistoryTruth } from './generate.ts';

/**
 * What the history player tells the insight layer while it plays, so that themes, spikes
 * and defects are built from the history as the functions build them from live traffic.
 * Every call gets the player's simulated clock (its `now()` is the history's time, not
 * today's) and the plan (what the history was made to contain). A hook that throws stops
 * the play with its error: a history half-seen by the insight layer would mislead.
 */
export interface HistoryHooks {
  /**
   * Every `Mention Routed` event the history produced (primary and cc, as each department
   * queue receives it), after the department handling recorded it on its case.
   */
  onMentionRouted?(event: MentionRouted, context: RoutedContext): Promise<void>;
  /** Every case change (`Case Responded`, `Case SLA Breached`, ...) the history produced. */
  onCaseEvent?(event: CaseEvent, context: HookContext): Promise<void>;
  /**
   * An hour of the history is over (`hourStart` is its start, ISO UTC); the clock stands at
   * its end. The SLA sweep of that moment has run (when a case was due). Called for every hour, quiet ones
   * included, oldest first.
   */
  onHourPassed?(hourStart: string, context: HookContext): Promise<void>;
  /**
   * A company day begins (`day` is `YYYY-MM-DD`; the clock stands at its midnight), before
   * any of its mentions. On `plan.fixedTheme.fixDate` the known defect is marked here.
   */
  onDay?(day: string, context: HookContext): Promise<void>;
  /** The whole history was played; the clock stands at the end of its last day. */
  afterPlay?(result: PlayTotals, context: HookContext): Promise<void>;
}

export interface HookContext {
  readonly clock: Clock;
  readonly plan: HistoryPlan;
}

export interface RoutedContext extends HookContext {
  /** Likes, shares and replies of the mention where the platform reports them (0 otherwise). */
  readonly reactions: number;
  /**
   * What the generator meant the mention to be. For measuring only: the insight layer must
   * group by the text, as it does live, where no such truth exists.
   */
  readonly truth: HistoryTruth;
}

/** What the play did, counted. */
export interface PlayTotals {
  /** Customer mentions classified, routed and recorded. */
  readonly mentions: number;
  /** The company's own replies seen on the platforms. */
  readonly ownReplies: number;
  /** Replies drafted, approved and marked sent through the case use cases (cases that need approval). */
  readonly approvedReplies: number;
  readonly resolved: number;
  /** `Mention Routed` events handed to the departments (and the hooks). */
  readonly routedEvents: number;
  /** Case changes by action (`respond`, `resolve`, `reopen`, `breach-sla`, ...). */
  readonly caseChanges: Readonly<Record<string, number>>;
  /** Notifications the history would have sent and did not. */
  readonly notificationsWithheld: number;
  /** Replies and resolutions the domain refused (the case was in another state by then), with why. */
  readonly skipped: number;
  readonly hours: number;
  readonly days: number;
  /** SLA sweeps run (at the end of the hours in which a case reached its warning or due time). */
  readonly sweeps: number;
}
