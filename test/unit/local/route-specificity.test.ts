import { describe, expect, it } from 'vitest';
import { compileFunctionUrls, compileRoutes, matchRoute } from '../../../infra/local/http-event.ts';
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

  it('answers every request from routes compiled once, in any order, as matching them afresh does', () => {
    // Arrange
    const routes: HttpRoute[] = [...ROUTES, { method: 'POST', path: '/webhooks/{platform}' }];
    const table = compileRoutes(routes);
    const requests: [string, string][] = [
      ['GET', '/console/cases/case_1'],
      ['post', '/webhooks/meta'],
      ['GET', '/console/config.json'],
      ['GET', '/console/'],
      ['POST', '/webhooks/'],
      ['GET', '/webhooks/meta'],
      ['GET', '/console/cases/case_2'],
    ];

    // Act
    const answers = requests.map(([method, path]) => table.match(method, path));

    // Assess
    expect(answers.map((m) => m?.routeKey)).toEqual([
      'GET /console/{proxy+}',
      'POST /webhooks/{platform}',
      'GET /console/config.json',
      'GET /console',
      undefined,
      undefined,
      'GET /console/{proxy+}',
    ]);
    expect(answers[0]?.pathParameters).toEqual({ proxy: 'cases/case_1' });
    expect(answers[6]?.pathParameters).toEqual({ proxy: 'cases/case_2' });
    expect(answers).toEqual(requests.map(([method, path]) => matchRoute(routes, method, path)));
  });

  it('finds the function whose URL serves a path, any method, from URLs compiled once', () => {
    // Arrange
    const urls = compileFunctionUrls([
      { functionId: 'ingest-webhook', paths: ['/webhooks/{platform}', '/webhooks/generic/{source}'] },
    ]);

    // Act / Assess
    expect(urls.match('/webhooks/meta')?.functionId).toBe('ingest-webhook');
    expect(urls.match('/webhooks/generic/shop')?.functionId).toBe('ingest-webhook');
    expect(urls.match('/admin/cases')).toBeUndefined();
  });
});
