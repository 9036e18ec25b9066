import { z } from 'zod';
import { alertTargetSchemas, targetSchemas, targetTypeList } from '../adapters/notify/registry.ts';
import { CATEGORIES, MENTION_KINDS, PRIORITIES, SENTIMENTS } from '../domain/mention.ts';
import { MENTION_PLATFORMS } from '../platforms/registry.ts';
import { findUnreachableRules, firstStoppingCatchAll, RISK_FLAGS, type Rule } from '../domain/rules/index.ts';
import type { SlaDuration } from '../domain/business-time.ts';
import { CASE_EVENT_DETAIL_TYPES, isCaseDetailType } from '../domain/case-event-publishing.ts';
import type { CaseDetailType } from '../domain/events.ts';
import { CapacitySchema } from './capacity.ts';
import { ClassifierConfigSchema } from './classifier.ts';
import { PlatformsSchema } from './platforms.ts';

/**
 * The company config (`companies/<id>.yaml`): the single source for the topology, the
 * handlers, the local runtime, the JSON Schema in docs/ and the README's reference table
 * (`npx tsx bin/generate-docs.ts` writes both). Descriptions given with `.meta()` end up
 * in both, so say there what a field means to an admin.
 */
const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,30}$/, 'use 2-31 lowercase letters, digits or dashes, starting with a letter');

const ruleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'use lowercase letters, digits, dots, dashes or underscores (up to 63)');

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an IANA timezone; use a name such as Europe/Berlin or America/New_York' },
);

const DURATION = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m(?:in)?)?$/;

/** Minutes of a duration string (`90m`, `4h`, `1d`, `1h30m`), or undefined when it is not one. */
export function durationMinutes(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d, h, m] = match;
  return Number(d ?? 0) * 1440 + Number(h ?? 0) * 60 + Number(m ?? 0);
}

const DURATION_HELP = 'an SLA is a positive duration: minutes as a number (240) or a text such as 30m, 4h, 1d or 1h30m';

/**
 * An SLA of `2d`, `4h`, `1d4h` or minutes (`240`) as business time: whole business days of
 * the department's calendar (each as long as its opening hours that day) and business
 * minutes; undefined when the text is no duration.
 */
export function slaDurationOf(value: number | string): SlaDuration | undefined {
  if (typeof value === 'number') return { days: 0, minutes: value };
  const match = DURATION.exec(value.trim());
  if (!match || value.trim() === '') return undefined;
  const [, d, h, m] = match;
  return { days: Number(d ?? 0), minutes: Number(h ?? 0) * 60 + Number(m ?? 0) };
}

/**
 * An SLA: business days and minutes. Accepts its own output too, so a config survives the
 * trip through a function's environment (JSON) unchanged.
 */
const slaDuration = z
  .union([z.number(), z.string(), z.strictObject({ days: z.number(), minutes: z.number() })])
  .transform((value) => (typeof value === 'object' ? value : (slaDurationOf(value) ?? { days: 0, minutes: 0 })))
  .refine(
    (d) =>
      Number.isInteger(d.days) &&
      Number.isInteger(d.minutes) &&
      d.days >= 0 &&
      d.minutes >= 0 &&
      d.days + d.minutes > 0,
    { message: DURATION_HELP },
  )
  .meta({
    // Editors and the reference show what an admin writes; the object form is the parsed one.
    anyOf: [{ type: 'number' }, { type: 'string' }],
    description:
      "business time: minutes (240), business hours and minutes (4h, 30m, 1h30m), or business days (1d, 2d4h): a business day is a working day of the department's calendar, as long as its opening hours that day (Tuesday 11:00 + 1d = Wednesday 11:00)",
  });

/**
 * A positive duration, given as minutes or as `30m`, `4h`, `1d`, `1h30m`; the result is
 * minutes. A text that is no duration becomes 0 and fails the positive check, which (unlike
 * a failed transform) lets the cross-checks of the whole config still run and report too.
 */
const duration = z
  .union([z.number(), z.string()])
  .transform((value) => (typeof value === 'number' ? value : (durationMinutes(value) ?? 0)))
  .pipe(z.number().int(DURATION_HELP).positive(DURATION_HELP))
  .meta({ description: 'minutes (240) or a duration: 30m, 4h, 1d, 1h30m' });

/** One value or a list of them; the result is always a list. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
}

const regexPattern = z.string().superRefine((pattern, ctx) => {
  try {
    new RegExp(pattern, 'iu');
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `the regex does not compile (${(error as Error).message.replace(/^Invalid regular expression: /, '')}); escape special characters such as ( ) [ ] { } + ? * with a backslash`,
    });
  }
});

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use a 24-hour time HH:MM, such as 08:00 or 17:30');
/**
 * A calendar date `YYYY-MM-DD`, with one message per mistake: a German `03.10.2027` (or
 * `3.10.2027`) is answered with its ISO spelling, an impossible `2027-02-30` as such.
 */
const day = z
  .string()
  .superRefine((d, ctx) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(d)) {
      if (!isCalendarDate(d)) ctx.addIssue({ code: 'custom', message: `${d} is not a calendar date; use YYYY-MM-DD` });
      return;
    }
    const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(d.trim());
    const iso = german ? `${german[3]}-${german[2]?.padStart(2, '0')}-${german[1]?.padStart(2, '0')}` : undefined;
    ctx.addIssue({
      code: 'custom',
      message:
        iso && isCalendarDate(iso)
          ? `use a date YYYY-MM-DD: write ${iso} for ${d}`
          : `use a date YYYY-MM-DD, such as 2027-10-03`,
    });
  })
  .meta({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

function isCalendarDate(d: string): boolean {
  const at = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(d);
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const BusinessHoursSchema = z
  .array(
    z
      .strictObject({
        days: z.array(z.enum(WEEKDAYS)).min(1).meta({ description: 'weekdays: mon, tue, wed, thu, fri, sat, sun' }),
        from: time.meta({ description: 'opening time, HH:MM in the company timezone' }),
        to: time.meta({ description: 'closing time, HH:MM, after `from`' }),
      })
      .refine((h) => h.from < h.to, {
        message: '`to` must be after `from` (for hours past midnight add a second entry for the next day)',
        path: ['to'],
      }),
  )
  .meta({ description: 'when the department works; SLA time runs only then' });

const HolidaysSchema = z
  .strictObject({
    // Whether date-holidays knows the region is checked when a YAML file is loaded
    // (shared/config/holidays.ts holidayConfigIssues), so the functions that only parse the
    // config JSON do not bundle the library.
    region: z
      .string()
      .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'use an ISO 3166 code in capitals such as DE or DE-BY')
      .optional()
      .meta({
        description:
          'ISO 3166 country or state, e.g. DE or DE-BY: its public holidays of every year count (from the date-holidays library)',
      }),
    dates: z
      .array(
        z.strictObject({
          date: day.meta({ description: 'the day, YYYY-MM-DD' }),
          name: z.string().min(1).meta({ description: "the holiday's name" }),
        }),
      )
      .default([])
      .meta({ description: "the company's own holidays on top of the region's: `{ date: YYYY-MM-DD, name }`" }),
    except: z.array(z.string().min(1)).optional().meta({
      description:
        "holidays of the region the company works on: a date YYYY-MM-DD, or a holiday's name as the region spells it (every year), e.g. Mariä Himmelfahrt",
    }),
  })
  .meta({ description: 'public holidays: no SLA time runs on them' });

const PersonSchema = z.strictObject({
  name: z.string().min(1).meta({ description: 'full name, as shown in notifications and case history' }),
  email: z
    .email('not an e-mail address')
    .optional()
    .meta({ description: 'e-mail address: who the person is when they sign in, and where e-mail goes' }),
  handle: z.string().min(1).optional().meta({ description: 'chat handle, e.g. @jana (Slack/Teams)' }),
  skills: z.array(z.string().min(1)).optional().meta({
    description:
      'what the person handles best, as categories (complaint, sales_lead, ...) or routing tags; `assignment: skill` gives them the cases whose category or tags name one',
  }),
  languages: z
    .array(z.string().regex(/^[a-z]{2,3}$/, 'use a language code such as de or en'))
    .optional()
    .meta({ description: 'languages the person answers in; `assignment: language` gives them the cases in one' }),
});

/** Every registered notification target type (shared/adapters/notify/registry.ts): a new type adds itself here. */
const NotificationTargetSchema = z
  .discriminatedUnion('type', targetSchemas)
  .meta({ description: `where a department is told about new and overdue cases: ${targetTypeList()}` });

export const DepartmentSchema = z.strictObject({
  id: id.meta({ description: 'short id used in rules, queue and rule names (`bc-<company>-dept-<id>`)' }),
  name: z.string().min(1).meta({ description: 'display name' }),
  categories: z.array(z.enum(CATEGORIES)).default([]).meta({
    description:
      'categories this department owns: a relevant mention of one is routed here when no rule decided before',
  }),
  sla: z
    .strictObject({
      high: slaDuration,
      normal: slaDuration,
      low: slaDuration,
      pauseWhileWaiting: z.boolean().optional().meta({
        description:
          "(default true) a case waiting for the customer stops its SLA clock until the customer's next message; its due time moves by the paused business time",
      }),
    })
    .meta({ description: 'business time until a case is due, per priority (high, normal, low)' }),
  leads: z
    .array(PersonSchema)
    .optional()
    .meta({ description: 'people who lead the department (escalations go to them)' }),
  members: z.array(PersonSchema).optional().meta({ description: "people who work the department's cases" }),
  notify: z.array(NotificationTargetSchema).optional().meta({
    description: 'where the department is told about its cases and gets its reports: Slack, Teams or e-mail targets',
  }),
  assignment: z.enum(['round-robin', 'team-queue', 'skill', 'language']).optional().meta({
    description:
      "(default round-robin) round-robin: new cases go in turn to the members on duty (business hours); team-queue: they stay unassigned for the team; skill: in turn among the members whose `skills` name the case's category or a tag; language: among those whose `languages` hold the case's language (both fall back to round robin over all members when nobody fits)",
  }),
  businessHours: BusinessHoursSchema.optional(),
  holidays: HolidaysSchema.optional(),
});

const range = z
  .strictObject({
    min: z.number().min(0).max(1).optional().meta({ description: 'lowest value that holds, 0..1' }),
    max: z.number().min(0).max(1).optional().meta({ description: 'highest value that holds, 0..1' }),
  })
  .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'give min, max or both (numbers 0..1)' })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: 'min must not be above max',
  });

const AuthorConditionSchema = z
  .strictObject({
    handles: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ description: 'handles, with or without @, case-insensitive' }),
    ids: z.array(z.string().min(1)).min(1).optional().meta({ description: "the platforms' author ids" }),
    minFollowers: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .meta({ description: 'the author has at least this many followers' }),
    maxFollowers: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .meta({ description: 'the author has at most this many followers' }),
  })
  .refine((a) => Object.keys(a).length > 0, { message: 'give handles, ids, minFollowers or maxFollowers' });

/** A rule condition: every key present must hold; lists mean "any of"; any/all/not combine. */
export const ConditionSchema = z
  .strictObject({
    category: oneOrMany(z.enum(CATEGORIES)).optional().meta({ description: "the classifier's category" }),
    sentiment: oneOrMany(z.enum(SENTIMENTS)).optional().meta({ description: "the classifier's sentiment" }),
    urgency: range.optional().meta({ description: '`{ min, max }` between 0 and 1' }),
    confidence: range.optional().meta({ description: "the classifier's confidence in its category, `{ min, max }`" }),
    relevant: z.boolean().optional().meta({ description: 'whether the mention is about the company at all' }),
    language: oneOrMany(z.string().regex(/^[a-z]{2,3}$/, 'use a language code such as de or en'))
      .optional()
      .meta({ description: 'the detected language (ISO 639-1 code such as de or en)' }),
    platform: oneOrMany(z.enum(MENTION_PLATFORMS)).optional().meta({ description: 'where the mention was written' }),
    kind: oneOrMany(z.enum(MENTION_KINDS))
      .optional()
      .meta({ description: 'what it is on the platform: comment, post, mention, message, review or video' }),
    keywords: oneOrMany(z.string().min(1))
      .optional()
      .meta({ description: 'words or phrases, case-insensitive, at a word start' }),
    keywordLists: oneOrMany(z.string().min(1))
      .optional()
      .meta({ description: 'names of keyword lists: brand, products, competitors or keywords.lists.<name>' }),
    regex: oneOrMany(regexPattern)
      .optional()
      .meta({ description: 'JavaScript regular expressions over the text, case-insensitive' }),
    author: AuthorConditionSchema.optional().meta({ description: 'who wrote it: handles, ids or follower counts' }),
    keyAccount: z
      .union([z.boolean(), oneOrMany(z.string().min(1))])
      .optional()
      .meta({ description: '`true`: any key account is named; ids: one of these' }),
    risk: oneOrMany(z.enum(RISK_FLAGS))
      .optional()
      .meta({ description: 'risk flags the classifier and the key accounts raise' }),
    get any() {
      return z.array(ConditionSchema).min(1).optional().meta({ description: 'holds when one of these holds' });
    },
    get all() {
      return z.array(ConditionSchema).min(1).optional().meta({ description: 'holds when every one of these holds' });
    },
    get not() {
      return ConditionSchema.optional().meta({ description: 'holds when this does not' });
    },
  })
  .meta({ id: 'Condition', description: 'every key present must hold; a list means any of its values' });

export const RuleSchema = z.strictObject({
  id: ruleId.meta({ description: 'unique name, shown in every decision the rule takes part in' }),
  description: z.string().optional().meta({ description: 'what the rule is for, for the people who read the config' }),
  when: ConditionSchema.optional().meta({
    description: 'absent: every mention (put such a rule last, or use routing.fallback)',
  }),
  then: z
    .strictObject({
      department: id
        .optional()
        .meta({ description: 'the receiving department; the first matching rule that names one decides' }),
      cc: oneOrMany(id).optional().meta({ description: 'departments that receive a copy' }),
      priority: z
        .enum(PRIORITIES)
        .optional()
        .meta({ description: "the case's priority, which picks its SLA (default normal)" }),
      tags: oneOrMany(z.string().min(1))
        .optional()
        .meta({ description: 'tags added to the case (cases.escalate.tags name some)' }),
      sla: slaDuration.optional().meta({ description: "business time until due, instead of the department's SLA" }),
      requireApproval: z
        .boolean()
        .optional()
        .meta({ description: 'nobody replies publicly before someone approves the answer' }),
      ownerApproval: z.boolean().optional().meta({
        description:
          "a reply to a mention that names a key account is sent only after the account's owner approved it too",
      }),
      continue: z.boolean().optional().meta({ description: 'keep evaluating the next rules (default: stop here)' }),
    })
    .refine((t) => Object.keys(t).some((k) => k !== 'continue'), {
      message: 'a rule needs an action: department, cc, priority, tags, sla, requireApproval or ownerApproval',
    })
    .meta({ description: 'what happens to a matching mention' }),
});

const KeyAccountSchema = z.strictObject({
  id: id.meta({ description: 'short id of the account, used in rules (`keyAccount: [<id>]`)' }),
  name: z.string().min(1).meta({ description: "the account's display name" }),
  terms: z.array(z.string().min(1)).min(1).meta({ description: 'names and words that identify the account in a text' }),
  handles: z.array(z.string().min(1)).optional().meta({ description: "the account's own social handles" }),
  platformHandles: z.partialRecord(z.enum(MENTION_PLATFORMS), z.string().min(1)).optional().meta({
    description:
      "the account's handle on each platform (`x: '@hochbahn'`): matched like `handles`, and shown per platform in the console",
  }),
  owner: PersonSchema.meta({
    description:
      'the account owner, named in every decision about the account, told of every public reply to it, and the approver where a rule says ownerApproval',
  }),
});

const ProcessSchema = z
  .strictObject({
    id: id.meta({ description: 'short id of the process, shown beside the themes that point to it' }),
    name: z.string().min(1).meta({ description: 'display name, e.g. Werkstatt-Reparaturen' }),
    owner: PersonSchema.meta({
      description: 'who owns the process: named beside its themes in reports, the CLI and the admin API',
    }),
    terms: z.array(z.string().min(1)).min(1).optional().meta({
      description:
        "words or phrases whose use in a theme's mentions points to the process (a theme points to the process whose terms at least a fifth of its mentions use, the most used first)",
    }),
    themes: z
      .array(
        z
          .string()
          .regex(
            /^th_(complaint|idea|project)_[a-z]{2,3}_[0-9a-f]{12}$/,
            'not a theme id (th_<kind>_<language>_<12 hex digits>, as `backchannel themes` shows them)',
          ),
      )
      .min(1)
      .optional()
      .meta({ description: 'theme ids that belong to the process whatever their words (from `backchannel themes`)' }),
  })
  .refine((p) => p.terms !== undefined || p.themes !== undefined, {
    message: 'a process needs terms or themes that point to it',
  });

const BUILTIN_LISTS = ['brand', 'products', 'competitors'] as const;

const cron = z
  .string()
  .regex(
    /^cron\(\S+( \S+){5}\)$/,
    'use an EventBridge Scheduler cron(minutes hours day-of-month month day-of-week year) expression with six fields',
  );

/** The company's own OIDC issuer (`admin.auth` as an object): the admin API's JWT authorizer and the console's login. */
const OidcAuthSchema = z.strictObject({
  issuer: z.url().meta({
    description: "JWT issuer of the company's identity provider (e.g. a Cognito user pool or Entra ID URL)",
  }),
  audience: z.array(z.string().min(1)).min(1).meta({ description: 'accepted audiences (client ids)' }),
  clientId: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "the console's public client id at the issuer (default: the first audience)" }),
  authorizeUrl: z
    .url()
    .optional()
    .meta({ description: "the issuer's authorization endpoint, for the console's login (authorization code + PKCE)" }),
  tokenUrl: z.url().optional().meta({ description: "the issuer's token endpoint, for the console's login" }),
});

const CASE_EVENTS_HELP = `use "all" or a list of case event detail-types: ${CASE_EVENT_DETAIL_TYPES.join(', ')}`;

/**
 * `events.caseEvents`: `all`, or case event detail-types, each named once. A text that is
 * no case detail-type is named in its error (a `Mentions Routed` is always published).
 */
const caseEvents = z
  .union([z.string(), z.array(z.string())])
  .superRefine((value, ctx) => {
    if (typeof value === 'string') {
      if (value !== 'all')
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a setting; ${CASE_EVENTS_HELP}` });
      return;
    }
    const seen = new Set<string>();
    value.forEach((type, index) => {
      if (!isCaseDetailType(type))
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: ['Mentions Routed', 'Mention Routed', 'Spike Detected'].includes(type)
            ? `"${type}" is not a case event: it is always published; list only case events`
            : `unknown case event "${type}"; ${CASE_EVENTS_HELP}`,
        });
      else if (seen.has(type)) ctx.addIssue({ code: 'custom', path: [index], message: `"${type}" is listed twice` });
      seen.add(type);
    });
  })
  .transform((value) => value as 'all' | CaseDetailType[])
  .meta({
    // Editors and the reference show the values an admin may write.
    anyOf: [{ const: 'all' }, { type: 'array', items: { enum: [...CASE_EVENT_DETAIL_TYPES] } }],
    description:
      'case events your own integrations consume on the bus: "all", or a list of detail-types (Case Assigned, Case Resolved, ...); default none. A case event that notifies a department (it has recipients: escalations, SLA marks, reopenings, reroutes, replies to approve) is always published',
  });

export const CompanyConfigSchema = z
  .strictObject({
    company: z
      .strictObject({
        id: id.meta({ description: 'the company id: stack Backchannel-<id>, names prefixed bc-<id>-' }),
        name: z.string().min(1).meta({ description: "the company's display name" }),
        locale: z
          .string()
          .min(2)
          .default('de-DE')
          .meta({ description: 'BCP 47 locale: the language of reports and notifications, and a classifier language' }),
        timezone: timezone.meta({ description: 'IANA timezone of the company: days, reports and business hours' }),
      })
      .meta({ description: 'who the company is: its id, name, locale and timezone' }),
    platforms: PlatformsSchema,
    departments: z
      .array(DepartmentSchema)
      .min(1, 'a company needs at least one department')
      .meta({ description: 'the departments that receive mentions as cases' }),
    calendar: z
      .strictObject({ businessHours: BusinessHoursSchema.optional(), holidays: HolidaysSchema.optional() })
      .optional()
      .meta({ description: "the company's business hours and public holidays; a department may give its own" }),
    routing: z
      .strictObject({
        fallback: id.meta({ description: 'department that receives what no rule routes' }),
        rules: z
          .array(RuleSchema)
          .default([])
          .meta({ description: "ordered rules, evaluated before the departments' categories" }),
        highReachFollowers: z
          .number()
          .int()
          .positive()
          .optional()
          .meta({ description: 'followers from which an author is high reach (risk high_reach); default 10000' }),
      })
      .meta({
        description:
          "how mentions reach departments: ordered rules, then the departments' categories, then the fallback",
      }),
    keywords: z
      .strictObject({
        brand: z
          .array(z.string().min(1))
          .default([])
          .meta({ description: "the company's names: make a mention relevant" }),
        products: z.array(z.string().min(1)).default([]).meta({
          description:
            "the company's product names: make a mention relevant (rules use them as keywordLists: [products])",
        }),
        competitors: z
          .array(z.string().min(1))
          .default([])
          .meta({ description: 'competitor names (rules use them as keywordLists: [competitors])' }),
        keyAccounts: z
          .array(KeyAccountSchema)
          .default([])
          .meta({ description: 'customers that matter, each with its account owner' }),
        lists: z
          .record(
            z.string().regex(/^[a-z][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
            z.array(z.string().min(1)).min(1),
          )
          .default({})
          .meta({ description: 'more named keyword lists for rules (`keywordLists: [<name>]`)' }),
      })
      .default({ brand: [], products: [], competitors: [], keyAccounts: [], lists: {} })
      .meta({ description: 'the words that make a mention relevant and the lists rules match on' }),
    processes: z.array(ProcessSchema).default([]).meta({
      description:
        "the company's internal processes, each with its owner: a complaint theme that points to one shows the process and its owner (themes, reports)",
    }),
    reports: z
      .strictObject({
        daily: cron.default('cron(0 6 * * ? *)').meta({
          description:
            'when the daily report runs, in the company timezone; a run reports every day since the last one reported',
        }),
        weekly: cron.optional().meta({
          description:
            'when the weekly report runs (ISO weeks Monday..Sunday, company timezone); absent: no weekly report',
        }),
        management: z.array(NotificationTargetSchema).default([]).meta({
          description:
            "who receives the management report (every department); each department's report goes to its own notify targets",
        }),
      })
      .default({ daily: 'cron(0 6 * * ? *)', management: [] })
      .meta({ description: 'when the daily and weekly reports run, and who gets the management report' }),
    cases: z
      .strictObject({
        reopenWindow: duration.default(10080).meta({
          description:
            'a customer who writes within this time after resolution reopens the case; later, a new case starts (default 7d)',
        }),
        slaWarning: duration
          .default(30)
          .meta({ description: 'the department lead is warned this long before a case is due (default 30m)' }),
        slaSweep: cron.default('cron(0/5 * * * ? *)').meta({
          description: 'when check-sla looks for cases past or near their due time (default every 5 minutes)',
        }),
        escalate: z
          .strictObject({
            categories: z
              .array(z.enum(CATEGORIES))
              .default(['legal_risk'])
              .meta({ description: 'categories whose overdue cases are escalated' }),
            tags: z
              .array(z.string().min(1))
              .default(['crisis', 'legal-risk'])
              .meta({ description: 'routing tags that make a case escalate too' }),
            to: z.array(id).optional().meta({
              description:
                'departments an overdue case of these categories or tags is escalated to (default: press and legal, those the company has)',
            }),
          })
          .default({ categories: ['legal_risk'], tags: ['crisis', 'legal-risk'] })
          .meta({ description: 'overdue cases of these categories or tags go to these departments too' }),
        approver: id.optional().meta({
          description:
            "department whose members approve replies when a rule requires approval (default: press, if the company has it, else the case's department)",
        }),
        baseUrl: z
          .url()
          .optional()
          .meta({ description: 'link to a case in notifications: <baseUrl>/cases/<id> (default: the admin API URL)' }),
      })
      .default({
        reopenWindow: 10080,
        slaWarning: 30,
        slaSweep: 'cron(0/5 * * * ? *)',
        escalate: { categories: ['legal_risk'], tags: ['crisis', 'legal-risk'] },
      })
      .meta({ description: 'the case lifecycle: reopening, SLA warnings and escalation, reply approval' }),
    admin: z
      .strictObject({
        auth: z
          .union([
            z.literal('cognito').meta({
              description:
                'the stack creates a Cognito user pool: groups <department>-lead, <department>-member and admins, an app client for the console (authorization code flow with PKCE) and a hosted login domain',
            }),
            OidcAuthSchema,
          ])
          .optional()
          .meta({
            description:
              "the admin API's JWT authorizer in AWS: `cognito` (the stack's own user pool) or the company's OIDC issuer `{ issuer, audience, clientId?, authorizeUrl?, tokenUrl? }` (the console signs in there when both endpoints are given); without it the routes require AWS IAM (SigV4) credentials instead, and nobody can sign in to the console",
          }),
        consoleUrl: z.url().optional().meta({
          description:
            "the console's public address, ending in /console (such as https://cases.example.com/console): notification links open <consoleUrl>/cases/<id> (default: cases.baseUrl; locally http://localhost:<port>/console); with auth: cognito also the callback <consoleUrl>/callback and logout URL",
        }),
        admins: z.array(PersonSchema).default([]).meta({
          description:
            'people who may act on every case of every department and erase personal data (matched by e-mail)',
        }),
      })
      .default({ admins: [] })
      .meta({ description: 'the admin API (cases): who may call it, and who may do everything' }),
    notifications: z
      .strictObject({
        from: z.email('not an e-mail address').meta({
          description: 'sender of e-mail notifications: an address (or one of a domain) verified in Amazon SES',
        }),
      })
      .optional()
      .meta({
        description:
          'how departments are told; needed in AWS when a department has an e-mail target (locally notifications go to .backchannel/<company>/outbox/)',
      }),
    alerts: z
      .strictObject({
        email: z.array(z.email('not an e-mail address')).default([]).meta({
          description:
            "addresses subscribed to the alarm topic (AWS asks each to confirm once; locally alerts go to the outbox's alerts.jsonl)",
        }),
        chat: z
          .array(z.discriminatedUnion('type', alertTargetSchemas))
          .default([])
          .meta({
            description: `chat webhooks (${targetTypeList('alerts')}) that the forward-alarm function posts each alarm and recovery to (same secrets as department targets)`,
          }),
      })
      .default({ email: [], chat: [] })
      .meta({
        description:
          'who hears of failures: every alarm (DLQ depth, oldest message age, function errors and throttles, failed event deliveries, API 5xx) goes to one SNS topic, and from it to these subscribers',
      }),
    observability: z
      .strictObject({
        tracing: z.enum(['active', 'off']).default('off').meta({
          description:
            "X-Ray active tracing of every function in AWS: `off` (default: alarms, logs and metrics are the failure evidence) or `active` (a diagnosis aid an admin turns on: X-Ray records a share of invocations, about $5 per million traces, and the functions' roles may write traces). The local runtime ignores it: it traces nothing",
        }),
      })
      .default({ tracing: 'off' })
      .meta({ description: 'what the functions report beyond their logs, metrics and alarms' }),
    spikes: z
      .strictObject({
        schedule: cron.default('cron(5 * * * ? *)').meta({
          description:
            'when detect-spikes evaluates the hours since its last run, in the company timezone (default 5 minutes past every hour)',
        }),
        weeks: z.number().int().min(1).max(12).default(6).meta({
          description: 'weeks of history an hour is compared with: the same hour of the week in each (default 6)',
        }),
        alpha: z.number().gt(0).max(0.01).default(1e-5).meta({
          description:
            "largest probability of the hour's count under its baseline that is still a spike (default 0.00001)",
        }),
        minCount: z
          .number()
          .int()
          .min(1)
          .default(5)
          .meta({ description: 'fewest mentions in an hour for a spike (default 5)' }),
        minRatio: z
          .number()
          .min(1)
          .default(3)
          .meta({ description: "smallest ratio of the hour's count to its baseline (default 3)" }),
        cooldownHours: z.number().int().min(0).max(24).default(6).meta({
          description:
            'a surge of the same value within this many hours continues the spike instead of raising a new alarm (default 6)',
        }),
      })
      .default({ schedule: 'cron(5 * * * ? *)', weeks: 6, alpha: 1e-5, minCount: 5, minRatio: 3, cooldownHours: 6 })
      .meta({
        description:
          'spikes: each hour, every category, theme and platform is compared with its own baseline for that hour of the week; a surge publishes Spike Detected, tells press and the leads of the departments involved, and tags the cases spike:<id>',
      }),
    events: z
      .strictObject({ caseEvents: caseEvents.default([]) })
      .optional()
      .meta({
        description:
          "which case events go on the company's bus besides those that notify a department (docs/events-and-data.md); Mentions Routed and Spike Detected always do",
      }),
    replies: z
      .strictObject({
        apiBaseUrl: z.url().optional().meta({
          description:
            "one base URL for every platform's reply API instead of the real ones (a local replay server; tests and demos only)",
        }),
      })
      .optional()
      .meta({
        description:
          "replies posted through the platforms' APIs (the tokens are in each platform's secret: see docs/replies.md)",
      }),
    retention: z
      .strictObject({
        days: z.number().int().positive().meta({ description: 'days personal data is kept (DynamoDB TTL)' }),
      })
      .default({ days: 365 })
      .meta({ description: 'how long personal data is kept' }),
    classifier: ClassifierConfigSchema.meta({
      description:
        "the company's keyword rules on top of the model, its languages, the optional cloud classifier and triage",
    }),
    capacity: CapacitySchema,
  })
  .check((payload) => crossCheck(payload));

export type CompanyConfig = z.infer<typeof CompanyConfigSchema>;
export type DepartmentConfig = z.infer<typeof DepartmentSchema>;
export type RuleConfig = z.infer<typeof RuleSchema>;
export type ConditionConfig = z.infer<typeof ConditionSchema>;

type Path = (string | number)[];

/**
 * Checks that need the whole config: unique ids, references, rules that can never match.
 * Whether a rule can match is only judged when everything else is valid: an unknown key in
 * a condition is dropped from the value, and the rule would look like a catch-all.
 */
function crossCheck(payload: z.core.ParsePayload<CompanyConfig>): void {
  const config = payload.value;
  const valid = payload.issues.length === 0;
  const issue = (path: Path, message: string) =>
    payload.issues.push({ code: 'custom', path, message, input: undefined });
  const departments = new Set<string>();
  config.departments.forEach((department, index) => {
    if (departments.has(department.id))
      issue(
        ['departments', index, 'id'],
        `duplicate department id "${department.id}"; every department needs its own id`,
      );
    departments.add(department.id);
  });
  const knownDepartments = [...departments].join(', ');
  const checkDepartment = (value: string, path: Path) => {
    if (!departments.has(value)) issue(path, `unknown department "${value}"; use one of: ${knownDepartments}`);
  };
  checkDepartment(config.routing.fallback, ['routing', 'fallback']);
  config.cases.escalate.to?.forEach((target, index) => {
    checkDepartment(target, ['cases', 'escalate', 'to', index]);
  });
  if (config.cases.approver !== undefined) checkDepartment(config.cases.approver, ['cases', 'approver']);

  const owners = new Map<string, string>();
  config.departments.forEach((department, index) => {
    department.categories.forEach((category, categoryIndex) => {
      const owner = owners.get(category);
      if (owner)
        issue(
          ['departments', index, 'categories', categoryIndex],
          `category "${category}" is already owned by department "${owner}"; remove it from one of them`,
        );
      owners.set(category, department.id);
    });
  });

  const processes = new Map<string, number>();
  config.processes.forEach((process, index) => {
    if (processes.has(process.id))
      issue(
        ['processes', index, 'id'],
        `duplicate process id "${process.id}" (also process ${processes.get(process.id)}); every process needs its own id`,
      );
    else processes.set(process.id, index);
  });

  const accounts = new Set<string>();
  config.keywords.keyAccounts.forEach((account, index) => {
    if (accounts.has(account.id))
      issue(
        ['keywords', 'keyAccounts', index, 'id'],
        `duplicate key account id "${account.id}"; every key account needs its own id`,
      );
    accounts.add(account.id);
  });
  for (const name of Object.keys(config.keywords.lists)) {
    if ((BUILTIN_LISTS as readonly string[]).includes(name)) {
      issue(['keywords', 'lists', name], `"${name}" is a built-in list: put its words under keywords.${name} instead`);
    }
  }
  const lists = [...BUILTIN_LISTS, ...Object.keys(config.keywords.lists)];

  const ruleIds = new Map<string, number>();
  config.routing.rules.forEach((rule, index) => {
    const path: Path = ['routing', 'rules', index];
    if (ruleIds.has(rule.id))
      issue(
        [...path, 'id'],
        `duplicate rule id "${rule.id}" (also rule ${ruleIds.get(rule.id)}); rename one: decisions name rules by id`,
      );
    else ruleIds.set(rule.id, index);
    if (rule.then.department !== undefined) checkDepartment(rule.then.department, [...path, 'then', 'department']);
    // A path into a single value (`cc: service`) is located at the value itself.
    rule.then.cc?.forEach((cc, ccIndex) => {
      checkDepartment(cc, [...path, 'then', 'cc', ccIndex]);
    });
    if (rule.when) checkCondition(rule.when, [...path, 'when'], { issue, lists, accounts });
  });

  if (!valid) return;
  for (const unreachable of findUnreachableRules(config.routing.rules as readonly Rule[])) {
    const rule = config.routing.rules[unreachable.index] as RuleConfig;
    const earlier = config.routing.rules[unreachable.shadowedBy] as RuleConfig;
    issue(
      ['routing', 'rules', unreachable.index, 'id'],
      unreachable.catchAll
        ? `rule "${rule.id}" can never match: rule "${earlier.id}" before it catches every mention and stops; move "${rule.id}" above it, give "${earlier.id}" a condition, or add continue: true to it`
        : `rule "${rule.id}" can never match: rule "${earlier.id}" before it catches every mention it would and stops; move "${rule.id}" above "${earlier.id}", narrow "${earlier.id}", or add continue: true to it`,
    );
  }
  const catchAll = firstStoppingCatchAll(config.routing.rules as readonly Rule[]);
  if (catchAll !== undefined) {
    const owning = config.departments.findIndex((d) => d.categories.length > 0);
    if (owning >= 0) {
      const rule = config.routing.rules[catchAll] as RuleConfig;
      issue(
        ['departments', owning, 'categories'],
        `the categories of department "${config.departments[owning]?.id}" can never route: rule "${rule.id}" catches every mention and stops; remove that rule and use routing.fallback for the rest, or give it a condition`,
      );
    }
  }
}

function checkCondition(
  condition: ConditionConfig,
  path: Path,
  known: { issue: (path: Path, message: string) => void; lists: readonly string[]; accounts: ReadonlySet<string> },
): void {
  condition.keywordLists?.forEach((name, index) => {
    if (!known.lists.includes(name)) {
      known.issue(
        [...path, 'keywordLists', index],
        `unknown keyword list "${name}"; use one of: ${known.lists.join(', ')} (add more under keywords.lists)`,
      );
    }
  });
  if (Array.isArray(condition.keyAccount)) {
    const ids = condition.keyAccount as string[];
    ids.forEach((accountId, index) => {
      if (!known.accounts.has(accountId)) {
        known.issue(
          [...path, 'keyAccount', index],
          `unknown key account "${accountId}"; use one of: ${[...known.accounts].join(', ') || '(none: add them under keywords.keyAccounts)'}`,
        );
      }
    });
  }
  condition.any?.forEach((c, i) => {
    checkCondition(c, [...path, 'any', i], known);
  });
  condition.all?.forEach((c, i) => {
    checkCondition(c, [...path, 'all', i], known);
  });
  if (condition.not) checkCondition(condition.not, [...path, 'not'], known);
}

// Views of a validated config that a function reads at run time live in a zod-free module,
// so that a bundle reading its (synth-validated) config does not carry this schema.
export {
  approverDepartment,
  caseLinkBaseOf,
  classifierLanguagesOf,
  escalationTargets,
  routingPolicyOf,
} from './config-views.ts';
