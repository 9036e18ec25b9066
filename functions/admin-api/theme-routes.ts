import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import { authorizeInsightReading, standingOf } from '../../shared/domain/access-policy.ts';
import type { AdminRequest } from '../../shared/domain/case-admin.ts';
import { THEME_KINDS, type Period, type ThemeSummary } from '../../shared/domain/insights.ts';
import type { Clock } from '../../shared/domain/ports.ts';
import { dayIn, isDay } from '../../shared/domain/time.ts';
import * as z from '../../shared/domain/zod-mini.ts';
import {
  ideasCsv,
  markThemeDefect,
  projectsCsv,
  shiftDay,
  ThemeInsights,
  type ThemeRepository,
} from '../../shared/domain/themes/index.ts';
import { logger } from '../../shared/observability/powertools.ts';
import { json, parse, parseBody } from './request.ts';

type Result = APIGatewayProxyStructuredResultV2;

/** What the theme routes need: the config (processes, people), the themes in the table, the clock. */
export interface ThemeRouteDeps {
  readonly config: CompanyConfig;
  readonly themes: ThemeRepository;
  readonly clock: Clock;
}

/** Days a listing covers when `since` is not given. */
export const DEFAULT_DAYS = 28;

const day = z.string().check(z.refine(isDay, 'use a day YYYY-MM-DD'));
const ThemeIdSchema = z.object({
  id: z
    .string()
    .check(
      z.regex(
        /^th_(complaint|idea|project)_[a-z]{2,3}_[0-9a-f]{12}$/,
        'not a theme id (th_<kind>_<language>_<12 hex digits>)',
      ),
    ),
});
const limit = z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)));
const ThemesQuerySchema = z.strictObject({
  department: z.optional(z.string().check(z.minLength(1))),
  kind: z.optional(z.enum(THEME_KINDS)),
  since: z.optional(day),
  limit,
});
const ThemeQuerySchema = z.strictObject({ since: z.optional(day) });
const RankedQuerySchema = z.strictObject({
  since: z.optional(day),
  limit,
  format: z.optional(z.enum(['json', 'csv'])),
});
const DefectBodySchema = z.strictObject({
  owner: z
    .string({ error: 'give the owner: who fixes it' })
    .check(z.trim(), z.minLength(1, 'give the owner: who fixes it'), z.maxLength(200)),
  fixDate: day,
  note: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
});

/** From `since` (default DEFAULT_DAYS ago) to today, in the company's days. */
function periodOf(since: string | undefined, deps: ThemeRouteDeps): Period {
  const today = dayIn(deps.clock.now(), deps.config.company.timezone);
  return { from: since && since <= today ? since : shiftDay(today, -(DEFAULT_DAYS - 1)), to: today };
}

/**
 * Examples quote mentions of cases: a person sees them for themes of their own departments
 * (admins for all); for other themes the counts, label and owner, not the quotes.
 */
function visibleTo<T extends ThemeSummary>(summary: T, request: AdminRequest, config: CompanyConfig): T {
  const standing = standingOf(config, request.user);
  if (standing.admin || summary.departments.some((d) => standing.departments.has(d))) return summary;
  return { ...summary, examples: [] };
}

function insightsOf(deps: ThemeRouteDeps): ThemeInsights {
  return new ThemeInsights({ themes: deps.themes, processes: deps.config.processes });
}

function csvResponse(body: string, name: string): Result {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` },
    body,
  };
}

type ThemeRoute = (event: APIGatewayProxyEventV2, request: AdminRequest, deps: ThemeRouteDeps) => Promise<Result>;

/** The theme routes of ADMIN_API_ROUTES, by route key. */
export const THEME_ROUTES: Readonly<Record<string, ThemeRoute>> = {
  'GET /themes': async (event, request, deps) => {
    authorizeInsightReading(deps.config, request.user);
    const query = parse(ThemesQuerySchema, event.queryStringParameters ?? {}, 'query');
    const period = periodOf(query.since, deps);
    const themes = await insightsOf(deps).themes(period, {
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.department ? { department: query.department } : {}),
      limit: query.limit ?? 50,
    });
    return json(200, { period, themes: themes.map((t) => visibleTo(t, request, deps.config)) });
  },
  'GET /themes/{id}': async (event, request, deps) => {
    authorizeInsightReading(deps.config, request.user);
    const { id } = parse(ThemeIdSchema, event.pathParameters, 'path');
    const query = parse(ThemeQuerySchema, event.queryStringParameters ?? {}, 'query');
    const detail = await insightsOf(deps).detail(id, periodOf(query.since, deps));
    return json(200, { ...detail, summary: visibleTo(detail.summary, request, deps.config) });
  },
  'PUT /themes/{id}/defect': async (event, request, deps) => {
    const { id } = parse(ThemeIdSchema, event.pathParameters, 'path');
    const body = parseBody(event, DefectBodySchema);
    const defect = await markThemeDefect(
      id,
      { owner: body.owner, fixDate: body.fixDate, ...(body.note ? { note: body.note } : {}) },
      request.user,
      deps,
    );
    logger.info('Theme marked as defect', { themeId: id, fixDate: defect.fixDate, markedBy: defect.markedBy });
    return json(200, { themeId: id, defect });
  },
  'GET /ideas': async (event, request, deps) => {
    authorizeInsightReading(deps.config, request.user);
    const query = parse(RankedQuerySchema, event.queryStringParameters ?? {}, 'query');
    const period = periodOf(query.since, deps);
    const ideas = (await insightsOf(deps).ideas(period, query.limit ?? 50)).map((i) =>
      visibleTo(i, request, deps.config),
    );
    return query.format === 'csv'
      ? csvResponse(ideasCsv(ideas), `ideas-${period.from}-${period.to}`)
      : json(200, { period, ideas });
  },
  'GET /projects': async (event, request, deps) => {
    authorizeInsightReading(deps.config, request.user);
    const query = parse(RankedQuerySchema, event.queryStringParameters ?? {}, 'query');
    const period = periodOf(query.since, deps);
    const projects = (await insightsOf(deps).communityProjects(period, query.limit ?? 50)).map((p) =>
      visibleTo(p, request, deps.config),
    );
    return query.format === 'csv'
      ? csvResponse(projectsCsv(projects), `projects-${period.from}-${period.to}`)
      : json(200, { period, communityProjects: projects });
  },
};
