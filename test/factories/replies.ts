import { adminApi, type AdminApiDeps } from '../../functions/admin-api/handler.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { KeyAccountTimeline, TimelineItem } from '../../shared/domain/key-accounts.ts';
import type { Case } from '../../shared/domain/case.ts';
import type { MentionRouted } from '../../shared/domain/events.ts';
import type { Mention } from '../../shared/domain/mention.ts';
import { replyPublishersFor } from '../../shared/platforms/outbound/index.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases, InMemoryMentions } from '../fakes/in-memory.ts';
import { adminEventFactory, type AdminEventOptions } from './admin-api.ts';
import { demoConfig } from './config.ts';

/** Timeline items in memory, newest first like the table's query. */
export class InMemoryTimeline implements KeyAccountTimeline {
  readonly items: TimelineItem[] = [];

  async add(item: TimelineItem): Promise<void> {
    const at = this.items.findIndex((i) => i.accountId === item.accountId && i.itemId === item.itemId);
    if (at >= 0) this.items.splice(at, 1);
    this.items.push(item);
  }

  async list(accountId: string, options: { readonly limit: number }): Promise<TimelineItem[]> {
    return this.items
      .filter((i) => i.accountId === accountId)
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, options.limit);
  }
}

/**
 * The admin API with in-memory cases and mentions and the real reply clients pointed at a
 * replay server (`replies.apiBaseUrl`), each platform's token a fixed test value.
 */
export function replyApi(replayUrl: string, options: { readonly config?: CompanyConfig; readonly now?: string } = {}) {
  const base = options.config ?? demoConfig();
  const config: CompanyConfig = { ...base, replies: { apiBaseUrl: replayUrl } };
  const cases = new InMemoryCases();
  const mentions = new InMemoryMentions();
  const timeline = new InMemoryTimeline();
  const events = new InMemoryCaseEvents();
  const invalidated: string[] = [];
  const deps: AdminApiDeps = {
    companyId: 'demo',
    retentionDays: 365,
    config,
    cases,
    events,
    clock: fixedClock(options.now ?? '2026-11-30T10:30:00.000Z'),
    dueAt: (_d, _p, from) => new Date(from.getTime() + 240 * 60_000).toISOString(),
    mentions,
    replies: {
      publishers: replyPublishersFor(config, {
        tokenOf: (platform) => ({
          get: async () => `token-of-${platform}`,
          invalidate: () => {
            invalidated.push(platform);
          },
        }),
      }),
      timeline,
    },
  };
  const call = async (routeKey: string, as: string | null, event: AdminEventOptions = {}) => {
    const claims = as === null ? null : { sub: `sub-${as}`, email: as };
    const response = await adminApi(adminEventFactory(routeKey, { ...event, claims }), () => deps);
    return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') as Record<string, unknown> };
  };
  /** Stores a case with the customer's mention, as classify-mention and handle-department leave them. */
  const seed = async (c: Case, mention: Mention, routed: Partial<MentionRouted> = {}) => {
    cases.cases.set(c.id, structuredClone(c));
    await mentions.putIfAbsent({
      mention,
      caseId: c.id,
      classification: {} as never,
      routing: { department: c.department, cc: [], priority: c.priority, reasons: [] },
    });
    await cases.recordMention({
      companyId: 'demo',
      mentionId: mention.id,
      caseId: c.id,
      department: c.department,
      role: 'primary',
      platform: mention.platform,
      category: c.category,
      sentiment: 'negative',
      priority: c.priority,
      urgency: 0.5,
      language: 'de',
      authorId: mention.author.id,
      text: mention.text,
      createdAt: mention.createdAt,
      routedAt: mention.receivedAt,
      reasons: [],
      ...routed,
    });
  };
  return { config, deps, cases, mentions, timeline, events, invalidated, call, seed };
}
