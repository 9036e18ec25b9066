import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { COMPANY_CONFIG_ENV, platformSecretName } from '../../infra/topology-constants.ts';
import {
  createDocumentClient,
  createEventBridgeClient,
  createSecretsClient,
} from '../../shared/adapters/aws-clients.ts';
import { DynamoErasureRequests } from '../../shared/adapters/dynamodb/erasure-job-store.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamodb/case-repository.ts';
import { DynamoCorrectionRepository } from '../../shared/adapters/dynamodb/correction-repository.ts';
import { DynamoKeyAccountTimeline } from '../../shared/adapters/dynamodb/key-account-timeline.ts';
import { DynamoMentionRepository } from '../../shared/adapters/dynamodb/mention-repository.ts';
import { DynamoMetricRepository } from '../../shared/adapters/dynamodb/metric-repository.ts';
import { DynamoReportRepository } from '../../shared/adapters/dynamodb/report-repository.ts';
import { DynamoThemeRepository } from '../../shared/adapters/dynamodb/theme-repository.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { caseEventPublishing } from '../../shared/adapters/company-event-publisher.ts';
import { casePolicyOf } from '../../shared/config/case-policy.ts';
import { parseCompanyConfigJson } from '../../shared/config/config-json.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { lambdaEnvironment, requireEnv, type FunctionEnv } from '../../shared/config/runtime-env.ts';
import {
  actorOf,
  assignCase,
  draftReply,
  getCase,
  markReplySent,
  rerouteCase,
  transitionCase,
  type AdminRequest,
  type AdminUser,
  type CaseAdminDeps,
} from '../../shared/domain/case-admin.ts';
import { CASE_STATES, OPEN_STATES, type CaseState } from '../../shared/domain/case.ts';
import type { ChangeCaseOutcome } from '../../shared/domain/change-case.ts';
import { correctCase } from '../../shared/domain/corrections.ts';
import { isCompanyAdmin } from '../../shared/domain/access-policy.ts';
import { parseAuthorRef } from '../../shared/domain/erase-author.ts';
import {
  requestErasure,
  type ErasureJobDeps,
  type ErasureQueue,
  type ErasureRequest,
} from '../../shared/domain/erasure-job.ts';
import { AuthenticationError, ForbiddenError, NotFoundError } from '../../shared/domain/errors.ts';
import { CATEGORIES, PRIORITIES, SENTIMENTS } from '../../shared/domain/mention.ts';
import { listApprovals, listCaseSummaries, whoAmI } from '../../shared/domain/case-queries.ts';
import { reportHtml } from '../../shared/domain/reports/render.ts';
import { getStoredReport, listReports, type ReportQueryDeps } from '../../shared/domain/reports/report-queries.ts';
import type { ReportStore } from '../../shared/domain/reports/run-reports.ts';
import { systemClock } from '../../shared/domain/system-clock.ts';
import * as z from '../../shared/domain/zod-mini.ts';
import { errorResponse } from '../../shared/observability/http-errors.ts';
import { logger, metrics } from '../../shared/observability/powertools.ts';
import { json, parse, parseBody } from './request.ts';
import { THEME_ROUTES } from './theme-routes.ts';
import { REPLY_ROUTES, type ReplyRouteDeps } from './reply-routes.ts';
import { approveReplyAsDepartmentOrOwner } from '../../shared/domain/approve-reply.ts';
import { SecretReplyToken } from '../../shared/adapters/reply-tokens.ts';
import { REPLY_SECRET_FIELDS, replyPublishersFor } from '../../shared/platforms/outbound/index.ts';
import { MENTION_PLATFORMS } from '../../shared/platforms/mention-platforms.ts';
import type { ThemeRepository } from '../../shared/domain/themes/index.ts';

type Result = APIGatewayProxyStructuredResultV2;

/**
 * The case use cases' dependencies, and erasure's (the requests, and the queue whose job erases).
 * The use cases read only the company directory; the routes get the whole config.
 */
export type AdminApiDeps = CaseAdminDeps & {
  readonly config: CompanyConfig;
  /** Absent: the erasure routes answer 500. */
  readonly erasure?: Pick<ErasureJobDeps, 'requests' | 'clock' | 'retentionDays'> & { readonly queue: ErasureQueue };
  readonly themes?: ThemeRepository;
  /** The stored reports (build-report writes them); absent: the report routes answer 500. */
  readonly reports?: Pick<ReportStore, 'getReport'>;
  /** Replies posted on the platforms and key account timelines (reply-routes.ts). */
  readonly replies?: Pick<ReplyRouteDeps, 'publishers' | 'timeline'>;
};

function reportDepsOf(deps: AdminApiDeps): ReportQueryDeps {
  if (!deps.reports) throw new Error('the admin API was built without the report store');
  return { config: deps.config, reports: deps.reports, clock: deps.clock };
}

/** Builds the use cases' dependencies from the function's environment, once per cold start. */
export function dependenciesFrom(env: FunctionEnv): AdminApiDeps {
  const config = parseCompanyConfigJson(env[COMPANY_CONFIG_ENV]);
  const tableName = requireEnv(env, 'TABLE_NAME');
  const policy = casePolicyOf(config);
  const documents = createDocumentClient(env);
  const cases = new DynamoCaseRepository(documents, tableName);
  const counters = new DynamoMetricRepository(documents, tableName);
  const secrets = createSecretsClient(env);
  const events = new EventBridgePublisher(
    createEventBridgeClient(env),
    requireEnv(env, 'EVENT_BUS_NAME'),
    caseEventPublishing(config),
  );
  return {
    companyId: config.company.id,
    retentionDays: config.retention.days,
    config,
    cases,
    events,
    clock: systemClock,
    // Responses, resolutions, reopenings and reroutes made here count in the reports.
    metrics: counters,
    tallies: counters,
    caseMentions: cases,
    timezone: config.company.timezone,
    dueAt: policy.dueAt,
    businessMinutes: policy.businessMinutes,
    addSlaTime: policy.addSlaTime,
    pauseWhileWaiting: policy.pauseWhileWaiting,
    reports: new DynamoReportRepository(documents, tableName),
    corrections: new DynamoCorrectionRepository(documents, tableName),
    mentions: new DynamoMentionRepository(documents, tableName),
    erasure: {
      requests: new DynamoErasureRequests(documents, tableName),
      clock: systemClock,
      retentionDays: config.retention.days,
      // The bus's `Erasure Requested` reaches the erasure queue through its rule: no SQS client here.
      queue: {
        send: (request) =>
          events.publishErasureRequested({ requestId: request.id, subject: request.subject, dryRun: request.dryRun }),
      },
    },

    themes: new DynamoThemeRepository(documents, tableName),
    replies: {
      publishers: replyPublishersFor(config, {
        tokenOf: (platform) =>
          new SecretReplyToken(secrets, platformSecretName(config, platform), platform, REPLY_SECRET_FIELDS[platform]),
      }),
      timeline: new DynamoKeyAccountTimeline(documents, tableName),
    },
  };
}

/**
 * The raw handler: authenticate (the API Gateway authorizer's claims), route on the
 * event's `routeKey`, validate, call the use case. Every path ends in a JSON response;
 * errors are `{ status, message }`.
 */
export async function adminApi(event: APIGatewayProxyEventV2, resolveDeps: () => AdminApiDeps): Promise<Result> {
  const attributes: Record<string, unknown> = { route: event.routeKey, requestId: event.requestContext?.requestId };
  try {
    const route = ROUTES[event.routeKey];
    if (!route) throw new NotFoundError(`no route ${event.routeKey}`);
    const deps = resolveDeps();
    const request: AdminRequest = {
      user: userOf(event, deps.config.admin.auth === 'cognito'),
      requestId: event.requestContext.requestId,
    };
    // Who was refused (or failed) is part of the reason: the actor, never the token.
    attributes.actor = actorOf(request.user);
    return await route(event, request, deps);
  } catch (error) {
    if (event.pathParameters?.id)
      attributes[
        event.routeKey.includes('/themes/')
          ? 'themeId'
          : event.routeKey.includes('/reports/')
            ? 'reportId'
            : event.routeKey.includes('/accounts/')
              ? 'accountId'
              : 'caseId'
      ] = event.pathParameters.id;
    return errorResponse(error, attributes, { statusInBody: true }).response;
  }
}

/** The Lambda handler of an environment; dependencies are built on the first invocation. */
export function createHandler(env: FunctionEnv) {
  let deps: AdminApiDeps | undefined;
  const resolveDeps = () => (deps ??= dependenciesFrom(env));
  return middy<APIGatewayProxyEventV2, Result>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const result = await adminApi(event, resolveDeps);
      const status = typeof result.statusCode === 'number' ? result.statusCode : 200;
      metrics.addMetric(
        status >= 500 ? 'AdminRequestsFailed' : status >= 400 ? 'AdminRequestsRejected' : 'AdminRequestsServed',
        MetricUnit.Count,
        1,
      );
      return result;
    });
}

export const handler = createHandler(lambdaEnvironment());

type RouteHandler = (event: APIGatewayProxyEventV2, request: AdminRequest, deps: AdminApiDeps) => Promise<Result>;

const CaseIdSchema = z.string().check(z.regex(/^case_[0-9a-f]{20}$/, 'not a case id (case_ and 20 hex digits)'));
const CasePathSchema = z.object({ id: CaseIdSchema });
const ReplyPathSchema = z.object({
  id: CaseIdSchema,
  replyId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a reply id')),
});

/**
 * `open` (default), `all`, or states separated by commas: `new,assigned`. zod/mini's
 * transform has no `addIssue`: the issue goes onto the parse payload, as classic zod's does.
 */
const StatesSchema = z.pipe(
  z.string(),
  z.transform((text: string, payload): readonly CaseState[] => {
    if (text === 'open') return OPEN_STATES;
    if (text === 'all') return CASE_STATES;
    const states = text.split(',').map((s) => s.trim());
    const unknown = states.filter((s) => !(CASE_STATES as readonly string[]).includes(s));
    if (unknown.length > 0) {
      payload.issues.push({
        code: 'custom',
        input: text,
        message: `unknown state ${unknown.map((s) => `"${s}"`).join(', ')}; use open, all or a list of ${CASE_STATES.join(', ')}`,
      });
      return z.NEVER;
    }
    return states as CaseState[];
  }),
);

/** Classic zod's `.min(min).max(max)`, `.trim().min(1).max(max)` and `.int().min(1).max(max)`, check for check. */
const sized = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const trimmed = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const positiveInt = (max: number) => z.coerce.number().check(z.int(), z.gte(1), z.lte(max));

const ListQuerySchema = z.strictObject({
  department: z.optional(z.string().check(z.minLength(1))),
  role: z.optional(z.enum(['owner', 'cc', 'approver'], { error: 'role is owner, cc or approver' })),
  state: z.optional(StatesSchema),
  mine: z.optional(z.enum(['1', 'true', '0', 'false'], { error: 'mine is 1 or 0' })),
  assignee: z.optional(z.union([z.literal('none'), z.email('assignee is an e-mail address or none')])),
  priority: z.optional(z.enum(PRIORITIES)),
  platform: z.optional(z.enum(MENTION_PLATFORMS)),
  due: z.optional(z.enum(['overdue', 'today'], { error: 'due is overdue or today' })),
  dueBefore: z.optional(z.iso.datetime({ offset: true, error: 'use an ISO date-time such as 2026-11-28T12:00:00Z' })),
  limit: z.optional(positiveInt(100)),
  cursor: z.optional(sized(1, 4096)),
});

const reason = trimmed(1000);

const AssignBodySchema = z.strictObject({
  assignee: z.optional(z.nullable(z.email('not an e-mail address'))),
  reason: z.optional(reason),
});

const ReportListQuerySchema = z.strictObject({
  scope: z.optional(sized(1, 64)),
  period: z.optional(z.enum(['day', 'week'], { error: 'period is day or week' })),
  limit: z.optional(positiveInt(60)),
});
const ReportPathSchema = z.object({ id: sized(1, 200) });
const ReportFormatSchema = z.strictObject({ format: z.optional(z.enum(['json', 'html'])) });

const TransitionBodySchema = z.strictObject({
  action: z.enum(['wait', 'resolve', 'respond', 'reopen']),
  note: z.optional(trimmed(2000)),
});

const DraftBodySchema = z.strictObject({
  text: z.string().check(z.trim(), z.minLength(1, 'the reply has no text'), z.maxLength(10_000)),
});

const RerouteBodySchema = z.strictObject({
  department: z.string().check(z.minLength(1)),
  reason,
  category: z.optional(z.enum(CATEGORIES)),
});

/** A correction names at least one label (checked by the use case, which says which). */
const CorrectionBodySchema = z.strictObject({
  mentionId: z.optional(sized(1, 512)),
  category: z.optional(z.enum(CATEGORIES)),
  sentiment: z.optional(z.enum(SENTIMENTS)),
  relevant: z.optional(z.boolean()),
});

/** Approve and sent carry everything in the path; a body, if any, must be empty JSON. */
const NoBodySchema = z.strictObject({});

/** The routes of ADMIN_API_ROUTES (infra/topology.ts), by API Gateway route key. */
export const ROUTES: Readonly<Record<string, RouteHandler>> = {
  'GET /me': async (event, request, deps) => {
    parse(z.strictObject({}), event.queryStringParameters ?? {}, 'query');
    return json(200, whoAmI(deps.config, request.user));
  },
  'GET /cases': async (event, request, deps) => {
    const { state, mine, dueBefore, ...query } = parse(ListQuerySchema, event.queryStringParameters ?? {}, 'query');
    const page = await listCaseSummaries(
      {
        ...query,
        ...(state ? { states: state } : {}),
        ...(mine === '1' || mine === 'true' ? { mine: true } : {}),
        ...(dueBefore ? { dueBefore: new Date(dueBefore).toISOString() } : {}),
      },
      request.user,
      deps,
    );
    return json(200, page);
  },
  'GET /cases/{id}': async (event, request, deps) =>
    json(200, await getCase(parse(CasePathSchema, event.pathParameters, 'path').id, request.user, deps)),
  'GET /approvals': async (event, request, deps) => {
    parse(z.strictObject({}), event.queryStringParameters ?? {}, 'query');
    return json(200, await listApprovals(request.user, deps));
  },
  'GET /reports': async (event, request, deps) => {
    const query = parse(ReportListQuerySchema, event.queryStringParameters ?? {}, 'query');
    return json(200, await listReports(query, request.user, reportDepsOf(deps)));
  },
  'GET /reports/{id}': async (event, request, deps) => {
    const { id } = parse(ReportPathSchema, event.pathParameters, 'path');
    const { format } = parse(ReportFormatSchema, event.queryStringParameters ?? {}, 'query');
    const report = await getStoredReport(id, request.user, reportDepsOf(deps));
    if (format !== 'html') return json(200, report);
    return {
      statusCode: 200,
      // The report's text is escaped; the policy keeps anything else from running or loading.
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        'x-content-type-options': 'nosniff',
      },
      body: reportHtml(report, []),
    };
  },
  'POST /cases/{id}/assign': async (event, request, deps) => {
    const { id } = parse(CasePathSchema, event.pathParameters, 'path');
    const body = parseBody(event, AssignBodySchema);
    return changed(
      await assignCase(
        id,
        {
          ...(body.assignee !== undefined ? { assignee: body.assignee } : {}),
          ...(body.reason ? { reason: body.reason } : {}),
        },
        request,
        deps,
      ),
    );
  },
  'POST /cases/{id}/transition': async (event, request, deps) => {
    const { id } = parse(CasePathSchema, event.pathParameters, 'path');
    const body = parseBody(event, TransitionBodySchema);
    return changed(
      await transitionCase(id, { action: body.action, ...(body.note ? { note: body.note } : {}) }, request, deps),
    );
  },
  'POST /cases/{id}/replies': async (event, request, deps) => {
    const { id } = parse(CasePathSchema, event.pathParameters, 'path');
    const { text } = parseBody(event, DraftBodySchema);
    const outcome = await draftReply(id, text, request, deps);
    logChange(outcome);
    return json(outcome.applied ? 201 : 200, { case: outcome.case, reply: outcome.reply, applied: outcome.applied });
  },
  'POST /cases/{id}/replies/{replyId}/approve': async (event, request, deps) => {
    const { id, replyId } = parse(ReplyPathSchema, event.pathParameters, 'path');
    parseBody(event, NoBodySchema);
    // The approving department's members, or a key account's owner where a rule asks for them.
    return changed(await approveReplyAsDepartmentOrOwner(id, replyId, request, deps));
  },
  'POST /cases/{id}/replies/{replyId}/sent': async (event, request, deps) => {
    const { id, replyId } = parse(ReplyPathSchema, event.pathParameters, 'path');
    parseBody(event, NoBodySchema);
    return changed(await markReplySent(id, replyId, request, deps));
  },
  'POST /cases/{id}/reroute': async (event, request, deps) => {
    const { id } = parse(CasePathSchema, event.pathParameters, 'path');
    const body = parseBody(event, RerouteBodySchema);
    return changed(await rerouteCase(id, body, request, deps));
  },
  'POST /cases/{id}/corrections': async (event, request, deps) => {
    const { id } = parse(CasePathSchema, event.pathParameters, 'path');
    const { mentionId, ...labels } = parseBody(event, CorrectionBodySchema);
    if (!deps.corrections) throw new Error('the admin API was built without a correction store');
    const correction = await correctCase(id, { ...(mentionId ? { mentionId } : {}), labels }, request, {
      ...deps,
      corrections: deps.corrections,
    });
    // The labels and who, never the mention's text: it is the author's.
    logger.info('Correction stored', {
      caseId: id,
      mentionId: correction.mentionId,
      labels: correction.labels,
      predicted: correction.predicted,
      model: correction.model,
    });
    metrics.addMetric('CorrectionsStored', MetricUnit.Count, 1);
    return json(200, { correction });
  },
  'POST /authors/{platform}/{authorId}/erase': eraseAuthorRoute,
  'GET /erasures/{id}': erasureStatusRoute,
  // Sending replies on the platforms, approval by key account owners, key accounts (reply-routes.ts).
  ...Object.fromEntries(
    Object.entries(REPLY_ROUTES).map(([key, route]): [string, RouteHandler] => [
      key,
      (event, request, deps) => {
        if (!deps.replies || !deps.mentions) throw new Error('the admin API was built without reply publishers');
        return route(event, request, { ...deps, ...deps.replies, mentions: deps.mentions });
      },
    ]),
  ),
  // Themes, ideas, projects and defect marks (theme-routes.ts).
  ...Object.fromEntries(
    Object.entries(THEME_ROUTES).map(([key, route]): [string, RouteHandler] => [
      key,
      (event, request, deps) => {
        if (!deps.themes) throw new Error('the admin API was built without the theme repository');
        return route(event, request, { config: deps.config, themes: deps.themes, clock: deps.clock });
      },
    ]),
  ),
};

const ErasePathSchema = z.object({ platform: z.enum(MENTION_PLATFORMS), authorId: sized(1, 512) });
const EraseBodySchema = z.strictObject({ dryRun: z.optional(z.boolean()) });

/**
 * GDPR erasure of an author, for company admins only (`admin.admins`): records an erasure
 * request and publishes `Erasure Requested`, whose rule sends it to the erasure queue; its job (functions/erase-author) scans the
 * table for the author's items, deletes their mentions, pseudonymizes their cases and writes
 * the audit entry; `{ "dryRun": true }` only counts. Answers 202 with the request; `GET
 * /erasures/{id}` shows its progress and outcome. The log line names the author by pseudonym.
 */
async function eraseAuthorRoute(
  event: APIGatewayProxyEventV2,
  request: AdminRequest,
  deps: AdminApiDeps,
): Promise<Result> {
  const erasureDeps = erasureOf(deps, request, 'erase an author');
  const path = parse(ErasePathSchema, event.pathParameters, 'path');
  const author = parseAuthorRef(`${path.platform}:${path.authorId}`, MENTION_PLATFORMS);
  const { dryRun } = parseBody(event, EraseBodySchema);
  const erasure = await requestErasure(author, actorOf(request.user), { dryRun: dryRun === true }, erasureDeps);
  await erasureDeps.queue.send(erasure);
  logger.info('Author erasure requested', { requestId: erasure.id, subject: erasure.subject, dryRun: erasure.dryRun });
  return json(202, erasureView(erasure));
}

const ErasureIdSchema = z.object({ id: sized(1, 200) });

/** An erasure request's progress and, once done, its outcome: for company admins only. */
async function erasureStatusRoute(
  event: APIGatewayProxyEventV2,
  request: AdminRequest,
  deps: AdminApiDeps,
): Promise<Result> {
  const erasureDeps = erasureOf(deps, request, 'read an erasure');
  const { id } = parse(ErasureIdSchema, event.pathParameters, 'path');
  const erasure = await erasureDeps.requests.get(id);
  if (!erasure) throw new NotFoundError(`no erasure request ${id}`);
  return json(200, erasureView(erasure));
}

/**
 * The erasure dependencies, for a company admin only (`admin.admins`, or the account operator).
 * @throws ForbiddenError for anyone else, naming `action`
 */
function erasureOf(deps: AdminApiDeps, request: AdminRequest, action: string): NonNullable<AdminApiDeps['erasure']> {
  if (!isCompanyAdmin(deps.config, request.user))
    throw new ForbiddenError(`only an admin (admin.admins, or the account operator) may ${action}`);
  if (!deps.erasure) throw new Error('the admin API was built without erasure dependencies');
  return deps.erasure;
}

/** What an admin sees of a request: never the author's id (the pseudonym names them), the cursor or the found keys. */
function erasureView(erasure: ErasureRequest) {
  const { author: _author, cursor: _cursor, found: _found, expiresAt: _expiresAt, outcome, ...rest } = erasure;
  return { ...rest, ...(outcome ? outcome : {}) };
}

const ClaimsSchema = z.object({
  sub: z.string().check(z.minLength(1)),
  email: z.optional(z.string()),
  // Some identity providers send booleans as strings in the authorizer's claims.
  email_verified: z.optional(z.union([z.boolean(), z.string()])),
  name: z.optional(z.string()),
  // API Gateway's JWT authorizer flattens a list claim into one string, `[press-member sales-lead]`.
  'cognito:groups': z.optional(z.union([z.array(z.string()), z.string()])),
});

/** The groups of a `cognito:groups` claim, as a list or as API Gateway's `[a b]` text. */
export function groupsOfClaim(claim: string | readonly string[] | undefined): string[] {
  if (claim === undefined) return [];
  if (typeof claim !== 'string') return [...claim];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((g) => g !== '');
}

/**
 * The person behind a request: the claims of the JWT authorizer (in AWS, or the local
 * server's tokens), or the caller's ARN under the IAM authorizer. An e-mail the identity
 * provider marks unverified is ignored: memberships are matched by e-mail.
 *
 * An IAM caller is the account's operator (an admin in the access policy): API Gateway has
 * verified their SigV4 signature with AWS credentials that the account's IAM policies allow
 * to invoke this API, and such credentials can read the table directly anyway. The local
 * runtime's `admin` token arrives the same way. No claim of a token ever makes an admin:
 * admins are named by verified e-mail in the company config.
 *
 * @throws AuthenticationError when the request carries no usable identity
 */
function userOf(event: APIGatewayProxyEventV2, cognitoPool: boolean): AdminUser {
  const authorizer = (
    event.requestContext as { authorizer?: { jwt?: { claims?: unknown }; iam?: { userArn?: unknown } } }
  ).authorizer;
  if (authorizer?.jwt) {
    const claims = z.safeParse(ClaimsSchema, authorizer.jwt.claims);
    if (!claims.success) throw new AuthenticationError('the token carries no subject (sub)');
    const { sub, email, email_verified: verified, name } = claims.data;
    const trusted = email !== undefined && verified !== false && verified !== 'false';
    // Only the stack's own pool's groups: with another issuer the claim means nothing here.
    const groups = cognitoPool ? groupsOfClaim(claims.data['cognito:groups']) : [];
    return {
      sub,
      ...(trusted ? { email } : {}),
      ...(name ? { name } : {}),
      ...(groups.length > 0 ? { groups } : {}),
    };
  }
  if (typeof authorizer?.iam?.userArn === 'string') return { sub: authorizer.iam.userArn, operator: true };
  throw new AuthenticationError('the request carries no identity: send Authorization: Bearer <token>');
}

function changed(outcome: ChangeCaseOutcome): Result {
  logChange(outcome);
  return json(200, { case: outcome.case, applied: outcome.applied });
}

function logChange(outcome: ChangeCaseOutcome): void {
  logger.info(outcome.applied ? 'Case changed' : 'Case change already applied, skipped', {
    caseId: outcome.case.id,
    action: outcome.entry?.action,
    transitionId: outcome.entry?.transitionId,
    state: outcome.case.state,
  });
}
