import type { Topology } from './topology.ts';

/**
 * The webhook path of each enabled webhook platform, as both backends and both entry points
 * (ingest's function URL, the HTTP API's old routes) serve it: `meta` ->
 * `/webhooks/meta`; the generic platform keeps its `{source}` parameter
 * (`/webhooks/generic/{source}`). The local runtime prints these after its URL, the stack
 * outputs them after the API's (`WebhookUrl<Platform>`), so nobody assembles a URL by hand.
 *
 * Webhook platforms are those whose secret an HTTP-triggered function may read; a poller's
 * secret (Mastodon, Bluesky) has no webhook URL.
 */
export function webhookPaths(topology: Pick<Topology, 'functions' | 'secrets'>): Record<string, string> {
  // The function URL's paths and the HTTP API's open routes are the same paths (`/webhooks/...`);
  // only the base in front of them differs (the stack outputs both, the local runtime has one).
  const routes = topology.functions.flatMap((f) =>
    f.triggers.flatMap((t) =>
      t.type === 'url'
        ? t.paths.map((path) => ({ functionId: f.id, path }))
        : t.type === 'http'
          ? t.routes.filter((r) => r.auth !== 'admin' && !r.openReason).map((r) => ({ functionId: f.id, path: r.path }))
          : [],
    ),
  );
  const httpFunctions = new Set(routes.map((r) => r.functionId));
  const readable = new Set(
    topology.functions
      .filter((f) => httpFunctions.has(f.id))
      .flatMap((f) => f.grants.flatMap((g) => (g.resource === 'secret' ? [g.secret] : []))),
  );
  const byPlatform = routes.find((r) => r.path.includes('{platform}'));
  const bySource = routes.find((r) => r.path.includes('{source}'));
  const paths: Record<string, string> = {};
  for (const secret of topology.secrets.filter((s) => readable.has(s.id))) {
    if (bySource && secret.platform === 'generic') paths[secret.platform] = bySource.path;
    else if (byPlatform)
      paths[secret.platform] = byPlatform.path.replace('{platform}', encodeURIComponent(secret.platform));
  }
  return paths;
}
