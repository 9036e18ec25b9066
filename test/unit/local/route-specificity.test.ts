import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../infra/local/http-event.ts';
import type { HttpRoute } from '../../../infra/topology.ts';

describe('the local route match (API Gateway: the most specific route wins)', () => {
  it('takes a literal path before a greedy one, whatever the order the routes come in', () => {
    const routes: HttpRoute[] = [
      { method: 'GET', path: '/console/{proxy+}' },
      { method: 'GET', path: '/console/config.json' },
    ];

    expect(matchRoute(routes, 'GET', '/console/config.json')?.routeKey).toBe('GET /console/config.json');
    expect(matchRoute(routes, 'GET', '/console/cases/case_1')?.routeKey).toBe('GET /console/{proxy+}');
  });

  it('takes a literal segment before a parameter', () => {
    const routes: HttpRoute[] = [
      { method: 'POST', path: '/webhooks/{platform}' },
      { method: 'POST', path: '/webhooks/generic' },
    ];

    expect(matchRoute(routes, 'POST', '/webhooks/generic')?.routeKey).toBe('POST /webhooks/generic');
    expect(matchRoute(routes, 'POST', '/webhooks/meta')?.pathParameters).toEqual({ platform: 'meta' });
  });
});
