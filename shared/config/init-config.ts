import Holidays from 'date-holidays';
import { z } from 'zod';

/**
 * The pure part of `backchannel init`: the answers an admin gives (company name, timezone,
 * holiday region, departments with people, platforms with account ids), their flag and
 * file formats, and the commented YAML config they become. No file or terminal access here;
 * bin/commands/init.ts asks, validates the text with the real loader and writes it.
 */

/** The departments `init` offers, with the categories each owns and its default SLA. */
export const DEPARTMENT_CHOICES = {
  press: {
    name: 'Press & Communications',
    categories: ['press_inquiry'],
    sla: { high: '1h', normal: '4h', low: '8h' },
  },
  sales: { name: 'Sales', categories: ['sales_lead'], sla: { high: '2h', normal: '8h', low: '24h' } },
  service: {
    name: 'Customer Service',
    categories: ['complaint', 'question'],
    sla: { high: '2h', normal: '8h', low: '24h' },
  },
  product: { name: 'Product Management', categories: ['product_idea'], sla: { high: '8h', normal: '24h', low: '40h' } },
  community: {
    name: 'Community & CSR',
    categories: ['community_project', 'praise'],
    sla: { high: '8h', normal: '24h', low: '40h' },
  },
  legal: { name: 'Legal & Compliance', categories: ['legal_risk'], sla: { high: '1h', normal: '4h', low: '8h' } },
} as const satisfies Record<
  string,
  { name: string; categories: readonly string[]; sla: Record<'high' | 'normal' | 'low', string> }
>;
export type DepartmentChoice = keyof typeof DEPARTMENT_CHOICES;
export const DEPARTMENT_IDS = Object.keys(DEPARTMENT_CHOICES) as DepartmentChoice[];

/**
 * The platforms `init` offers and the account fields each asks for. `key` is the short
 * name of the flag format (`--platform meta:pageId=123`); `field` the config's field.
 * A `list` field takes the key repeatedly (`pageId=1,pageId=2`).
 */
export const PLATFORM_FIELDS = {
  meta: [
    { key: 'pageId', field: 'pageIds', list: true, required: true, help: 'Facebook Page ids' },
    {
      key: 'instagramAccountId',
      field: 'instagramAccountIds',
      list: true,
      required: false,
      help: 'Instagram professional account ids',
    },
  ],
  x: [
    { key: 'accountId', field: 'accountIds', list: true, required: true, help: 'X user ids of the company accounts' },
  ],
  linkedin: [
    {
      key: 'organizationId',
      field: 'organizationIds',
      list: true,
      required: true,
      help: 'organization ids or urn:li:organization:<id>',
    },
  ],
  youtube: [{ key: 'channelId', field: 'channelIds', list: true, required: true, help: 'channel ids (UC...)' }],
  tiktok: [
    { key: 'openId', field: 'accountOpenIds', list: true, required: true, help: 'user_openids of the accounts' },
  ],
  generic: [
    {
      key: 'source',
      field: 'sources',
      list: true,
      required: true,
      help: 'source ids for POST /webhooks/generic/<source>',
    },
  ],
  mastodon: [
    {
      key: 'instanceUrl',
      field: 'instanceUrl',
      list: false,
      required: true,
      help: 'the instance, e.g. https://mastodon.social',
    },
    { key: 'accountId', field: 'accountId', list: false, required: false, help: 'the account id on that instance' },
  ],
  bluesky: [
    { key: 'handle', field: 'handle', list: false, required: true, help: 'the handle, e.g. acme.bsky.social' },
    { key: 'did', field: 'did', list: false, required: false, help: 'the DID (did:plc:...)' },
  ],
} as const satisfies Record<
  string,
  readonly { key: string; field: string; list: boolean; required: boolean; help: string }[]
>;
export type PlatformChoice = keyof typeof PLATFORM_FIELDS;
export const PLATFORM_IDS = Object.keys(PLATFORM_FIELDS) as PlatformChoice[];

/** Platforms whose mentions are polled on a schedule rather than pushed by webhooks. */
const POLLED: readonly PlatformChoice[] = ['mastodon', 'bluesky'];

const PersonSchema = z.strictObject({ name: z.string().trim().min(1), email: z.email('not an e-mail address') });
export type InitPerson = z.infer<typeof PersonSchema>;

const DepartmentAnswerSchema = z.strictObject({
  id: z.enum(DEPARTMENT_IDS as [DepartmentChoice, ...DepartmentChoice[]], {
    error: `choose one of: ${DEPARTMENT_IDS.join(', ')}`,
  }),
  name: z.string().trim().min(1).optional(),
  leads: z.array(PersonSchema).default([]),
  members: z.array(PersonSchema).default([]),
});
export type InitDepartment = z.infer<typeof DepartmentAnswerSchema>;

/** Platform answers: per platform, its fields (lists as arrays of ids). */
const PlatformAnswersSchema = z.partialRecord(
  z.enum(PLATFORM_IDS as [PlatformChoice, ...PlatformChoice[]]),
  z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1))])),
);

/** Everything `init` asks for; `--answers file.json` holds exactly this shape (all optional). */
export const InitAnswersSchema = z.strictObject({
  name: z.string().trim().min(1).optional(),
  timezone: z.string().trim().min(1).optional(),
  region: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: 'country or country-state code for public holidays, e.g. DE-BY; "none" for none' }),
  departments: z.array(DepartmentAnswerSchema).optional(),
  platforms: PlatformAnswersSchema.optional(),
});
export type InitAnswers = z.infer<typeof InitAnswersSchema>;
export type CompleteInitAnswers = Required<InitAnswers>;

/** An answer that cannot be used; the message says which and how to give it. */
export class InitAnswerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InitAnswerError';
  }
}

/** The answers still missing, as the flags that give them. */
export function missingAnswers(answers: InitAnswers): string[] {
  const missing: string[] = [];
  if (!answers.name) missing.push('--name <company name>');
  if (!answers.timezone) missing.push('--timezone <IANA zone, e.g. Europe/Berlin>');
  if (!answers.region) missing.push('--region <holiday region, e.g. DE-BY, or none>');
  if (!answers.departments?.length)
    missing.push(
      `--department <id>[:<display name>][:lead=Name <email>][:member=Name <email>] (id: ${DEPARTMENT_IDS.join(', ')})`,
    );
  if (!answers.platforms || Object.keys(answers.platforms).length === 0)
    missing.push(`--platform <platform>:<key>=<value>,... (platform: ${PLATFORM_IDS.join(', ')})`);
  return missing;
}

/** `Ole Hansen <ole@x.de>` as a person. @throws InitAnswerError when it is not that shape */
export function parsePerson(text: string): InitPerson {
  const match = /^\s*([^<>]+?)\s*<([^<>\s]+)>\s*$/.exec(text);
  const person = match ? PersonSchema.safeParse({ name: match[1], email: match[2] }) : undefined;
  if (!person?.success)
    throw new InitAnswerError(
      `"${text.trim()}" is not a person; write Name <e-mail>, e.g. Ole Hansen <ole@example.com>`,
    );
  return person.data;
}

/**
 * `--department` text: `<id>[:<display name>][:lead=Name <email>][:member=Name <email>]...`,
 * e.g. `service:Kundenservice:lead=Ole Hansen <ole@x.de>:member=Ada Roth <ada@x.de>`.
 * @throws InitAnswerError naming the part that is wrong
 */
export function parseDepartmentFlag(text: string): InitDepartment {
  const [id = '', ...parts] = text.split(':');
  if (!(DEPARTMENT_IDS as string[]).includes(id.trim())) {
    throw new InitAnswerError(
      `--department "${text}": "${id}" is not a department; choose one of: ${DEPARTMENT_IDS.join(', ')}`,
    );
  }
  const department: { id: DepartmentChoice; name?: string; leads: InitPerson[]; members: InitPerson[] } = {
    id: id.trim() as DepartmentChoice,
    leads: [],
    members: [],
  };
  for (const part of parts) {
    const role = /^\s*(lead|member)=(.*)$/.exec(part);
    if (role) (role[1] === 'lead' ? department.leads : department.members).push(parsePerson(role[2] as string));
    else if (department.name === undefined && part.trim() !== '' && !part.includes('=')) department.name = part.trim();
    else
      throw new InitAnswerError(
        `--department "${text}": cannot read "${part}"; after the id give the display name once, then lead=Name <email> or member=Name <email>`,
      );
  }
  return department;
}

/**
 * `--platform` text: `<platform>[:<key>=<value>,<key>=<value>...]`, e.g. `meta:pageId=123`,
 * `x:accountId=1,accountId=2`, `mastodon:instanceUrl=https://mastodon.social,accountId=42`.
 * @throws InitAnswerError for an unknown platform or key
 */
export function parsePlatformFlag(text: string): {
  platform: PlatformChoice;
  fields: Record<string, string | string[]>;
} {
  const colon = text.indexOf(':');
  const platform = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!(PLATFORM_IDS as string[]).includes(platform)) {
    throw new InitAnswerError(
      `--platform "${text}": "${platform}" is not a platform; choose one of: ${PLATFORM_IDS.join(', ')}`,
    );
  }
  const known = PLATFORM_FIELDS[platform as PlatformChoice];
  const fields: Record<string, string | string[]> = {};
  for (const pair of colon < 0 ? [] : text.slice(colon + 1).split(',')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const field = known.find((f) => f.key === key || f.field === key);
    if (eq < 0 || !field || value === '') {
      throw new InitAnswerError(
        `--platform "${text}": cannot read "${pair}"; ${platform} takes ${known.map((f) => `${f.key}=<${f.help}>`).join(', ')}`,
      );
    }
    if (field.list) fields[field.key] = [...((fields[field.key] as string[] | undefined) ?? []), value];
    else fields[field.key] = value;
  }
  return { platform: platform as PlatformChoice, fields };
}

/** The timezone's problem, or undefined when it is an IANA zone. */
export function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return `"${timezone}" is not an IANA timezone; use a name such as Europe/Berlin or America/New_York`;
  }
}

/** The holiday region's problem, or undefined when date-holidays knows it (or it is `none`). */
export function regionProblem(region: string): string | undefined {
  if (region === 'none') return undefined;
  const match = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/.exec(region);
  if (!match)
    return `"${region}" is not a region; use a country code such as DE or a country-state code such as DE-BY (or none)`;
  const holidays = new Holidays();
  const [, country = '', state] = match;
  if (!(country in holidays.getCountries()))
    return `"${country}" is not a country the holiday calendar knows; use an ISO 3166 code such as DE, AT or CH`;
  const states = holidays.getStates(country) ?? {};
  if (state !== undefined && !(state in states)) {
    return `"${region}": ${country} has no state "${state}"; use one of: ${
      Object.keys(states)
        .map((s) => `${country}-${s}`)
        .join(', ') || country
    }`;
  }
  return undefined;
}

/**
 * Checks complete answers beyond their shape: timezone, region, one of each department,
 * the required account field of each platform.
 * @throws InitAnswerError listing every problem, one a line
 */
export function checkAnswers(answers: InitAnswers): CompleteInitAnswers {
  const missing = missingAnswers(answers);
  if (missing.length > 0) throw new InitAnswerError(`missing answers:\n  ${missing.join('\n  ')}`);
  const complete = answers as CompleteInitAnswers;
  const problems = [timezoneProblem(complete.timezone), regionProblem(complete.region)];
  const seen = new Set<string>();
  for (const department of complete.departments) {
    if (seen.has(department.id))
      problems.push(`department "${department.id}" is given twice; give each once with all its people`);
    seen.add(department.id);
  }
  for (const [platform, fields] of Object.entries(complete.platforms) as [
    PlatformChoice,
    Record<string, string | string[]>,
  ][]) {
    for (const field of PLATFORM_FIELDS[platform]) {
      const value = fields[field.key] ?? fields[field.field];
      if (field.required && (value === undefined || (Array.isArray(value) && value.length === 0))) {
        problems.push(
          `platform ${platform} needs ${field.key} (${field.help}), e.g. --platform ${platform}:${field.key}=...`,
        );
      }
    }
  }
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length > 0) throw new InitAnswerError(found.join('\n'));
  return complete;
}

/** A YAML scalar: plain when YAML reads it back as the same string, else double-quoted. */
function scalar(value: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9 _.@/+-]*$/.test(value) &&
    !/^(true|false|yes|no|on|off|null|~|[0-9._+-]+)$/i.test(value) &&
    !value.endsWith(' ')
    ? value
    : JSON.stringify(value);
}

const list = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
const person = (p: InitPerson) => `{ name: ${scalar(p.name)}, email: ${scalar(p.email)} }`;
const asList = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function platformYaml(
  companyId: string,
  platform: PlatformChoice,
  fields: Record<string, string | string[]>,
): string[] {
  const out = [`  ${platform}:`, '    enabled: true'];
  for (const field of PLATFORM_FIELDS[platform]) {
    const value = fields[field.key] ?? fields[field.field];
    if (value === undefined) continue;
    if (platform === 'generic')
      out.push(`    sources:`, ...asList(value).map((source) => `      - { id: ${scalar(source)} }`));
    else out.push(`    ${field.field}: ${field.list ? list(asList(value)) : scalar(asList(value)[0] as string)}`);
  }
  out.push(`    # secret: backchannel/${companyId}/${platform} in Secrets Manager (npm start generates a local one)`);
  return out;
}

/** The company's name, and the name without its legal form (`Isar Versicherung AG` -> `Isar Versicherung`), as people write it. */
export function brandNames(name: string): string[] {
  const short = name
    .replace(
      /[\s,]+(?:GmbH\s*&\s*Co\.?\s*KG|AG|SE|GmbH|KG|KGaA|OHG|e\.\s?V\.|Inc\.?|Ltd\.?|LLC|plc|S\.A\.|SA|SAS|B\.V\.|N\.V\.)$/i,
      '',
    )
    .trim();
  return short && short !== name ? [name, short] : [name];
}

/**
 * The commented YAML text of a new company config. The text is meant to be validated with
 * `parseCompanyConfigYaml` before it is written: these answers always give a valid config.
 *
 * @example
 * const yaml = initConfigYaml('acme', checkAnswers({ name: 'Acme', timezone: 'Europe/Berlin', region: 'DE-BY',
 *   departments: [{ id: 'service', leads: [], members: [] }], platforms: { meta: { pageId: ['123'] } } }));
 */
export function initConfigYaml(companyId: string, answers: CompleteInitAnswers): string {
  const departments = answers.departments;
  const fallback = departments.some((d) => d.id === 'service') ? 'service' : (departments[0] as InitDepartment).id;
  const platforms = Object.entries(answers.platforms) as [PlatformChoice, Record<string, string | string[]>][];
  const polled = platforms.filter(([p]) => POLLED.includes(p)).map(([p]) => p);
  const out: string[] = [
    '# yaml-language-server: $schema=../docs/company-config.schema.json',
    `# ${answers.name}: written by \`backchannel init ${companyId}\`. Check it with`,
    `# \`npm run backchannel -- validate companies/${companyId}.yaml\`; the README's "Company config"`,
    '# section explains every field.',
    '',
    '# The company: its id names the stack (Backchannel-<id>) and every resource (bc-<id>-...);',
    '# the timezone sets days, reports, business hours and schedules.',
    'company:',
    `  id: ${companyId}`,
    `  name: ${scalar(answers.name)}`,
    `  timezone: ${answers.timezone}`,
    '',
    "# Where mentions come from: the company's own accounts on each platform. A webhook or",
    "# poll for an account that is not listed here is not the company's.",
    ...(polled.length > 0
      ? [
          `# ${polled.join(' and ')} ${polled.length > 1 ? 'are' : 'is'} polled every 5 minutes (pollSchedule) with the token in its secret.`,
        ]
      : []),
    'platforms:',
    ...platforms.flatMap(([platform, fields]) => platformYaml(companyId, platform, fields)),
    '',
    '# Who acts on mentions. Each department owns categories: a relevant mention of one goes',
    '# there unless a routing rule decides first. SLA: time until a case is due per priority;',
    '# it counts only business time (the calendar below), so 8h is about one working day of',
    '# 08:00-17:00. Leads get escalations; members get new cases in turn while on duty. Add',
    '# notify: targets (slack, teams, email) to tell them.',
    'departments:',
  ];
  for (const department of departments) {
    const choice = DEPARTMENT_CHOICES[department.id];
    out.push(
      `  - id: ${department.id}`,
      `    name: ${scalar(department.name ?? choice.name)}`,
      `    categories: [${choice.categories.join(', ')}]`,
      `    sla: { high: ${choice.sla.high}, normal: ${choice.sla.normal}, low: ${choice.sla.low} }`,
    );
    if (department.leads.length > 0) out.push('    leads:', ...department.leads.map((p) => `      - ${person(p)}`));
    if (department.members.length > 0)
      out.push('    members:', ...department.members.map((p) => `      - ${person(p)}`));
  }
  out.push(
    '',
    '# When SLA time runs. Public holidays of the region come from the holiday calendar for',
    "# every year; add the company's own closing days under dates: { date: YYYY-MM-DD, name }.",
    'calendar:',
    '  businessHours:',
    '    - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "17:00" }',
    ...(answers.region === 'none'
      ? ['  # holidays: { region: DE-BY }   # no holiday region was given']
      : ['  holidays:', `    region: ${answers.region}`]),
    '',
    "# Ordered rules, evaluated before the departments' categories; the first that names a",
    `# department decides. What no rule and no category routes goes to the fallback. Example:`,
    '#   - id: legal-risk',
    '#     when: { risk: legal }',
    '#     then: { department: legal, priority: high, requireApproval: true }',
    'routing:',
    `  fallback: ${fallback}`,
    '  rules: []',
    '',
    '# Words that make a mention relevant to the company (its names and handles).',
    'keywords:',
    `  brand: ${list(brandNames(answers.name))}`,
    '',
    '# Personal data (mentions, authors) is deleted after this many days.',
    'retention:',
    '  days: 365',
    '',
  );
  return out.join('\n');
}

/** The fields of each platform's secret (`backchannel/<company>/<platform>`), as the README's Platforms table lists them. */
export const SECRET_FIELDS: Readonly<Record<PlatformChoice, string>> = {
  meta: '{"appSecret": "...", "verifyToken": "..."} (the stack generates verifyToken; set appSecret)',
  x: '{"consumerSecret": "..."}',
  linkedin: '{"clientSecret": "..."}',
  youtube: '{"hubSecret": "...", "apiKey": "..."} (apiKey only with pollComments)',
  tiktok: '{"clientSecret": "..."}',
  generic: '{"signingSecret": "..."}',
  mastodon: '{"accessToken": "..."}',
  bluesky: '{"appPassword": "..."}',
};

/** What to do after `init` wrote `file`: try it locally, then deploy it to AWS. */
export function nextSteps(companyId: string, file: string, answers: CompleteInitAnswers): string {
  const platforms = Object.keys(answers.platforms) as PlatformChoice[];
  const pushed = platforms.find((p) => !POLLED.includes(p) && p !== 'generic') ?? platforms[0] ?? 'meta';
  return [
    `Wrote ${file}. Next steps:`,
    '',
    'On this machine:',
    `  npm run backchannel -- validate ${file}`,
    `  npm start -- --company ${companyId}          # the pipeline, data under .backchannel/${companyId}/`,
    `  npm run backchannel -- send --text "Where is my order?" --platform ${pushed} --company ${companyId}`,
    `  npm run backchannel -- cases --company ${companyId}`,
    '',
    'In AWS (with your credentials):',
    `  npx cdk synth -c company=${companyId}        # offline check of the stack Backchannel-${companyId}`,
    `  npx cdk deploy -c company=${companyId}`,
    '  then put each platform secret into Secrets Manager:',
    ...platforms.map((p) => `    backchannel/${companyId}/${p}: ${SECRET_FIELDS[p]}`),
    "  and register the stack output WebhookBaseUrl + /<platform> on each platform (the README's Platforms section).",
    '  Add notify: targets to the departments and notifications.from for e-mail (see Notifications).',
  ].join('\n');
}
