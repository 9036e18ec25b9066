import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AdminRequest } from '../../shared/domain/case-admin.ts';
import { keyAccountTimeline, listKeyAccounts, type KeyAccountTimeline } from '../../shared/domain/key-accounts.ts';
import { sendReply, type SendReplyDeps } from '../../shared/domain/send-reply.ts';
import * as z from '../../shared/domain/zod-mini.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';
import { json, parse, parseBody } from './request.ts';

type Result = APIGatewayProxyStructuredResultV2;

/** What the reply and key-account routes need beyond the case use cases' dependencies. */
export type ReplyRouteDeps = SendReplyDeps & { readonly timeline: KeyAccountTimeline };

const CaseReplyPathSchema = z.object({
  id: z.string().check(z.regex(/^case_[0-9a-f]{20}$/, 'not a case id (case_ and 20 hex digits)')),
  replyId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a reply id')),
});
const AccountPathSchema = z.object({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/, 'not a key account id')),
});
const TimelineQuerySchema = z.strictObject({
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(500))),
});
/** Send and approve carry everything in the path; a body, if any, must be empty JSON. */
const NoBodySchema = z.strictObject({});

/**
 * Replies posted through the platforms' APIs, owner approvals, and key accounts with their
 * timelines (docs/replies.md). Routes of ADMIN_API_ROUTES (infra/topology.ts).
 */
export const REPLY_ROUTES: Readonly<
  Record<string, (event: APIGatewayProxyEventV2, request: AdminRequest, deps: ReplyRouteDeps) => Promise<Result>>
> = {
  'POST /cases/{id}/replies/{replyId}/send': async (event, request, deps) => {
    const { id, replyId } = parse(CaseReplyPathSchema, event.pathParameters, 'path');
    parseBody(event, NoBodySchema);
    const outcome = await sendReply(id, replyId, request, {
      ...deps,
      onRetry: ({ attempt, delayMs, error }) =>
        logger.warn('Reply send retried', { caseId: id, replyId, attempt, delayMs, reason: error.message }),
    });
    const { reply } = outcome;
    // The platform's message names its call and status, never a token.
    const log = { caseId: id, replyId, state: reply.state, attempts: reply.attempts, posted: outcome.posted };
    if (reply.state === 'failed') {
      logger.warn('Reply send failed', { ...log, reason: reply.error });
      metrics.addMetric('RepliesFailed', MetricUnit.Count, 1);
      // The house's error shape (message) and the contract's reply, for the console to show.
      return json(502, { message: `the reply was not posted: ${reply.error}`, reply });
    }
    logger.info(outcome.posted ? 'Reply posted' : 'Reply send answered without posting', log);
    if (outcome.posted) metrics.addMetric('RepliesPosted', MetricUnit.Count, 1);
    return json(reply.state === 'sending' ? 202 : 200, { reply });
  },
  'GET /accounts': async (_event, request, deps) => json(200, { accounts: listKeyAccounts(deps.config, request.user) }),
  'GET /accounts/{id}/timeline': async (event, request, deps) => {
    const { id } = parse(AccountPathSchema, event.pathParameters, 'path');
    const { limit } = parse(TimelineQuerySchema, event.queryStringParameters ?? {}, 'query');
    const items = await keyAccountTimeline(id, request.user, {
      config: deps.config,
      timeline: deps.timeline,
      ...(limit ? { limit } : {}),
    });
    return json(200, {
      items: items.map(({ at, kind, platform, author, text, url, caseId }) => ({
        at,
        kind,
        platform,
        author,
        text,
        ...(url ? { url } : {}),
        caseId,
      })),
    });
  },
};
