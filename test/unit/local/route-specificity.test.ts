import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../infra/local/http-event.ts';
import type { HttpRoute } from '../../../infra/topology.ts';

/** The console's greedy route before a more specific one, as two functions may list them. */
const ROUTES: readonly HttpRoute[] = [
  { method: 'GET', path: '/console' },
  { method: 'GET', path: '/console/{proxy+}' },
  { method: 'GET', path: '/console/config.json' },
];

describe('local route matching like API Gateway', () => {
  it('prefers a static route over a greedy one listed before it', () => {
    // Act
    const match = matchRoute(ROUTES, 'GET', '/console/config.json');

    // Assess
    expect(match?.routeKey).toBe('GET /console/config.json');
  });

  it('gives the greedy route the rest of the path', () => {
    // Act
    const match = matchRoute(ROUTES, 'GET', '/console/cases/case_1');

    // Assess
    expect(match).toMatchObject({ routeKey: 'GET /console/{proxy+}', pathParameters: { proxy: 'cases/case_1' } });
  });

  it('matches a trailing slash that no route has to the route without it', () => {
    // Act
    const match = matchRoute(ROUTES, 'GET', '/console/');

    // Assess
    expect(match?.routeKey).toBe('GET /console');
  });

  it('still finds no route for a path no route names', () => {
    // Act
    const match = matchRoute(ROUTES, 'GET', '/consoles/');

    // Assess
    expect(match).toBeUndefined();
  });

  it('takes a literal segment before a parameter', () => {
    // Arrange
    const routes: HttpRoute[] = [
      { method: 'POST', path: '/webhooks/{platform}' },
      { method: 'POST', path: '/webhooks/generic' },
    ];

    // Act / Assess
    expect(matchRoute(routes, 'POST', '/webhooks/generic')?.routeKey).toBe('POST /webhooks/generic');
    expect(matchRoute(routes, 'POST', '/webhooks/meta')?.pathParameters).toEqual({ platform: 'meta' });
  });
});
