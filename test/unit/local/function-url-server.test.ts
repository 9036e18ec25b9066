/**
 * The local server in front of a function URL (infra/local/http-server.ts): the URL's paths
 * reach its function with the function URL's event, whatever the method, before any HTTP API
 * route of the same path, so `npm start` exercises the parsing that AWS's function URL needs.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type LocalHttpServer } from '../../../infra/local/http-server.ts';
import { GENERIC_WEBHOOK_PATH, WEBHOOK_PATH } from '../../../infra/topology.ts';

describe('the local server dispatches function URL paths with the function URL event', () => {
  const invoked: { functionId: string; event: APIGatewayProxyEventV2 }[] = [];
  let server: LocalHttpServer;

  beforeAll(async () => {
    server = await startHttpServer({
      // The HTTP API's route of the same path (the old webhook route) must not be reached.
      routes: [{ method: 'POST', path: WEBHOOK_PATH, functionId: 'api-route' }],
      functionUrls: [{ functionId: 'ingest-webhook', paths: [WEBHOOK_PATH, GENERIC_WEBHOOK_PATH] }],
      invoke: async (functionId, event) => {
        invoked.push({ functionId, event: event as APIGatewayProxyEventV2 });
        const failing = (event as APIGatewayProxyEventV2).rawPath === '/webhooks/failing';
        return { statusCode: failing ? 503 : 200, body: failing ? 'secret incomplete' : 'ok' };
      },
      accountId: '000000000000',
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('hands POST /webhooks/meta to the URL function: routeKey $default, no pathParameters, the path in rawPath', async () => {
    // Act
    const response = await fetch(`${server.url}/webhooks/meta?x=1`, { method: 'POST', body: '{"object":"page"}' });

    // Assess
    expect(response.status).toBe(200);
    const { functionId, event } = invoked.at(-1) ?? {};
    expect(functionId).toBe('ingest-webhook');
    expect(event).toEqual(
      expect.objectContaining({
        version: '2.0',
        routeKey: '$default',
        rawPath: '/webhooks/meta',
        rawQueryString: 'x=1',
        body: '{"object":"page"}',
      }),
    );
    expect(event?.pathParameters).toBeUndefined();
    expect(event?.requestContext).toEqual(
      expect.objectContaining({ routeKey: '$default', stage: '$default', accountId: 'anonymous' }),
    );
  });

  it('hands any method to the URL function, as a function URL does (the function answers it)', async () => {
    // Act
    const response = await fetch(`${server.url}/webhooks/generic/trustpilot`, { method: 'DELETE' });

    // Assess
    expect(response.status).toBe(200);
    expect(invoked.at(-1)?.event.requestContext.http.method).toBe('DELETE');
    expect(invoked.at(-1)?.event.rawPath).toBe('/webhooks/generic/trustpilot');
  });

  it("counts the URL's 5xx answers for its function (its Url5xxCount alarm), not as the API's", async () => {
    // Act
    const response = await fetch(`${server.url}/webhooks/failing`, { method: 'POST', body: '{}' });

    // Assess
    expect(response.status).toBe(503);
    expect(server.functionUrlErrors('ingest-webhook')).toBe(1);
    expect(server.serverErrors()).toBe(0);
  });

  it('answers a path that neither the URL nor a route serves with 404, invoking nothing', async () => {
    // Arrange
    const before = invoked.length;

    // Act
    const response = await fetch(`${server.url}/webhooks/meta/extra`, { method: 'POST', body: '{}' });

    // Assess
    expect(response.status).toBe(404);
    expect(invoked.length).toBe(before);
  });
});
