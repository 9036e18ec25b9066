import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { GENERIC_WEBHOOK_PATH, WEBHOOK_PATH } from '../../infra/topology-constants.ts';

/** The platform a webhook request is for, and the other segments its path names (`source`). */
export interface WebhookRoute {
  readonly platform: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Most specific first: `/webhooks/generic/x` is the generic source x, not a platform. */
const TEMPLATES = [GENERIC_WEBHOOK_PATH, WEBHOOK_PATH].map((path) => path.split('/').slice(1));

/**
 * The webhook route of a request, from either entry point:
 *
 * - the HTTP API matched a route and passes its `pathParameters` (`{platform}`, or
 *   `{source}` on the generic route, whose platform is a literal segment);
 * - the function URL passes every path as it came (`routeKey` `$default`, no
 *   `pathParameters`): `rawPath` is matched here against the same templates, segment by
 *   segment, with nothing normalized (`..`, an empty segment, a trailing slash or an extra
 *   segment match nothing).
 *
 * Undefined when the path is no webhook path: the caller answers 404.
 */
export function webhookRouteOf(
  event: Pick<APIGatewayProxyEventV2, 'pathParameters' | 'rawPath'>,
): WebhookRoute | undefined {
  const parameters = event.pathParameters;
  if (parameters) {
    const { platform, ...rest } = parameters;
    const params = Object.fromEntries(Object.entries(rest).filter((e): e is [string, string] => e[1] !== undefined));
    if (platform !== undefined) return { platform, params };
    return params.source !== undefined ? { platform: 'generic', params } : undefined;
  }
  return matchRawPath(event.rawPath ?? '');
}

function matchRawPath(rawPath: string): WebhookRoute | undefined {
  const segments = rawPath.split('/').slice(1);
  for (const template of TEMPLATES) {
    if (segments.length !== template.length) continue;
    const values: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const segment = segments[i] as string;
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part === segment;
      const value = decodeSegment(segment);
      if (value === undefined || value === '' || value === '.' || value === '..') return false;
      values[name] = value;
      return true;
    });
    if (!matches) continue;
    const { platform, ...params } = values;
    return { platform: platform ?? 'generic', params };
  }
  return undefined;
}

/** A path segment decoded as API Gateway decodes path parameters; undefined when it is malformed or hides a `/`. */
function decodeSegment(segment: string): string | undefined {
  try {
    const value = decodeURIComponent(segment);
    return value.includes('/') ? undefined : value;
  } catch {
    return undefined;
  }
}
