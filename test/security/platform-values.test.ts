/**
 * Platform values come from the platform files now (MENTION_PLATFORMS), and the domain checks
 * only their form. The attack: reach the domain with a platform no platform file declares
 * (a made-up one, a prototype key, a different case) through the admin API's filter or the
 * company config. Every edge refuses it with a clear 400 or config error; known values pass.
 */
import { describe, expect, it } from 'vitest';
import { adminApi, type AdminApiDeps } from '../../functions/admin-api/handler.ts';
import { PlatformsSchema } from '../../shared/config/platforms.ts';
import { MENTION_PLATFORMS } from '../../shared/platforms/registry.ts';
import { adminEventFactory } from '../factories/admin-api.ts';
import { caseFactory } from '../factories/case.ts';
import { demoConfig } from '../factories/config.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases } from '../fakes/in-memory.ts';

const UNDECLARED = ['myspace', 'constructor', '__proto__', 'Facebook', 'facebook ', 'mastodon,x', 'meta'];

function listCases(platform: string) {
  const cases = new InMemoryCases();
  const stored = caseFactory({ department: 'press', category: 'press_inquiry', platform: 'facebook' });
  cases.cases.set(stored.id, stored);
  const deps: AdminApiDeps = {
    companyId: 'demo',
    retentionDays: 365,
    config: demoConfig(),
    cases,
    events: new InMemoryCaseEvents(),
    clock: fixedClock('2026-11-30T10:30:00.000Z'),
    dueAt: (_department, _priority, from) => from.toISOString(),
  };
  return adminApi(adminEventFactory('GET /cases', { query: { department: 'press', platform } }), () => deps);
}

describe('platform values no platform declares', () => {
  it.each(UNDECLARED)('GET /cases?platform=%j answers 400 naming the field', async (platform) => {
    // Act
    const response = await listCases(platform);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('platform');
  });

  it.each(MENTION_PLATFORMS)('GET /cases?platform=%s is served', async (platform) => {
    // Act
    const response = await listCases(platform);

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it.each(['myspace', '__proto__', 'facebook'])('a config entry platforms.%s is refused', (key) => {
    // Act
    const result = PlatformsSchema.safeParse(JSON.parse(`{"${key}": {}}`));

    // Assess
    expect(result.success).toBe(false);
  });
});
