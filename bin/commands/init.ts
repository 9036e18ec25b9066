/**
 * `backchannel init <id>`: asks for a new company's name, timezone, holiday region,
 * departments with their people and platforms with their accounts, and writes a valid,
 * commented `companies/<id>.yaml`. Answers come from flags, `--answers file.json`, or a
 * terminal; shared/config/init-config.ts turns them into the YAML text.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { InitAnswers } from '../../shared/config/init-config.ts';
import { UsageError, helpShown, type Command } from './shared.ts';

const USAGE = `Usage: backchannel init <id> [--name <name>] [--timezone <zone>] [--region <code>]
                        [--department <spec>]... [--platform <spec>]... [--answers <file.json>] [--force]

Writes companies/<id>.yaml for a new company: a valid config with comments on each
section. On a terminal it asks for what the options do not give; otherwise every answer
must come from options or --answers, and the missing ones are listed.

Options:
  --name <name>        the company's name, e.g. "Isar Versicherung AG"
  --timezone <zone>    IANA timezone (default on a terminal: this machine's)
  --region <code>      public holidays of a country or state: DE, DE-BY, AT-9, CH-ZH; none for none
  --department <spec>  repeatable: <id>[:<display name>][:lead=Name <email>][:member=Name <email>]...
                       id: press, sales, service, product, community, legal
                       e.g. --department "service:Kundenservice:lead=Ole Hansen <ole@x.de>"
  --platform <spec>    repeatable: <platform>:<key>=<value>[,<key>=<value>...]
                       meta:pageId=..,instagramAccountId=..   x:accountId=..
                       linkedin:organizationId=..   youtube:channelId=..   tiktok:openId=..
                       generic:source=..   mastodon:instanceUrl=..,accountId=..
                       bluesky:handle=..,did=..   (repeat a key for several ids)
  --answers <file>     a JSON file with any of: name, timezone, region, departments
                       ([{ id, name, leads: [{ name, email }], members }]) and platforms
                       ({ meta: { pageId: ["123"] } }); options given as well win
  --force              overwrite an existing companies/<id>.yaml
  -h, --help           show this help

Exit codes: 0 written, 1 failed, 2 usage error or missing/invalid answers.`;

async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        timezone: { type: 'string' },
        region: { type: 'string' },
        department: { type: 'string', multiple: true },
        platform: { type: 'string', multiple: true },
        answers: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, 'init');
  }
  const { values, positionals } = parsed;
  if (helpShown(values, USAGE)) return 0;
  if (positionals.length !== 1) throw new UsageError('give the new company id, e.g. backchannel init acme', 'init');
  const companyId = positionals[0] as string;
  if (!/^[a-z][a-z0-9-]{1,30}$/.test(companyId)) {
    throw new UsageError(
      `"${companyId}" is not a company id; use 2-31 lowercase letters, digits or dashes, starting with a letter`,
      'init',
    );
  }
  const file = path.join('companies', `${companyId}.yaml`);
  if (existsSync(file) && !values.force)
    throw new UsageError(`${file} exists already; pass --force to overwrite it`, 'init');

  const config = await import('../../shared/config/init-config.ts');
  const answers = await readAnswers(values, config);
  const complete = await completeAnswers(answers, config);
  let checked;
  try {
    checked = config.checkAnswers(complete);
  } catch (error) {
    if (error instanceof config.InitAnswerError) throw new UsageError(error.message, 'init');
    throw error;
  }

  const text = config.initConfigYaml(companyId, checked);
  // The loader the CDK app and the runtime use: what is written is known to be valid.
  const { parseCompanyConfigYaml } = await import('../../shared/config/load.ts');
  parseCompanyConfigYaml(text, file);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, { flag: values.force ? 'w' : 'wx' });
  process.stdout.write(`${config.nextSteps(companyId, file, checked)}\n`);
  return 0;
}

type InitConfigModule = typeof import('../../shared/config/init-config.ts');

/** `--answers` first, then the options over it. @throws UsageError for an unreadable or wrong answer */
async function readAnswers(
  values: {
    name?: string;
    timezone?: string;
    region?: string;
    department?: string[];
    platform?: string[];
    answers?: string;
  },
  config: InitConfigModule,
): Promise<InitAnswers> {
  let answers: InitAnswers = {};
  if (values.answers) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(values.answers, 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read --answers ${values.answers}: ${(error as Error).message}`, 'init');
    }
    const result = config.InitAnswersSchema.safeParse(json);
    if (!result.success) {
      throw new UsageError(
        `--answers ${values.answers}: ${result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
        'init',
      );
    }
    answers = result.data;
  }
  try {
    const platforms = values.platform?.map((p) => config.parsePlatformFlag(p));
    return {
      ...answers,
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.timezone !== undefined ? { timezone: values.timezone } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      ...(values.department ? { departments: values.department.map((d) => config.parseDepartmentFlag(d)) } : {}),
      ...(platforms ? { platforms: Object.fromEntries(platforms.map((p) => [p.platform, p.fields])) } : {}),
    };
  } catch (error) {
    if (error instanceof config.InitAnswerError) throw new UsageError(error.message, 'init');
    throw error;
  }
}

/**
 * Asks on a terminal for what is missing; without a terminal, missing answers are a
 * UsageError that lists them.
 */
async function completeAnswers(answers: InitAnswers, config: InitConfigModule): Promise<InitAnswers> {
  const missing = config.missingAnswers(answers);
  if (missing.length === 0) return answers;
  if (!process.stdin.isTTY) {
    throw new UsageError(
      `stdin is not a terminal, so nothing can be asked; give the missing answers as options (or --answers file.json):\n  ${missing.join('\n  ')}`,
      'init',
    );
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await askMissing(answers, {
      question: (q) => rl.question(q),
      print: (line) => process.stdout.write(`${line}\n`),
    });
  } finally {
    rl.close();
  }
}

/** The terminal as `askMissing` uses it (node:readline/promises in the CLI). */
export interface Prompt {
  question(text: string): Promise<string>;
  print(line: string): void;
}

/**
 * Asks for each missing answer in turn, again and again until it is usable (a wrong
 * answer prints why); the timezone defaults to this machine's.
 */
export async function askMissing(answers: InitAnswers, prompt: Prompt): Promise<InitAnswers> {
  const config = await import('../../shared/config/init-config.ts');
  /** Asks until `read` accepts the answer; `read` throws InitAnswerError to ask again. */
  const ask = async <T>(question: string, fallback: string | undefined, read: (answer: string) => T): Promise<T> => {
    for (;;) {
      const answer =
        (await prompt.question(`${question}${fallback ? ` [${fallback}]` : ''}: `)).trim() || fallback || '';
      try {
        return read(answer);
      } catch (error) {
        if (!(error instanceof config.InitAnswerError)) throw error;
        prompt.print(`  ${error.message}`);
      }
    }
  };
  const problem = (message: string | undefined) => {
    if (message) throw new config.InitAnswerError(message);
  };
  const choose =
    <T extends string>(what: string, choices: readonly T[]) =>
    (a: string) => {
      const chosen = a
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = chosen.filter((id) => !(choices as readonly string[]).includes(id));
      problem(
        unknown.length > 0
          ? `not a ${what}: ${unknown.join(', ')}; choose from ${choices.join(', ')}`
          : chosen.length === 0
            ? 'choose at least one'
            : undefined,
      );
      return [...new Set(chosen)] as T[];
    };
  const next = { ...answers };
  next.name ??= await ask('Company name', undefined, (a) => {
    problem(a ? undefined : 'give a name');
    return a;
  });
  next.timezone ??= await ask('Timezone (IANA)', Intl.DateTimeFormat().resolvedOptions().timeZone, (a) => {
    problem(config.timezoneProblem(a));
    return a;
  });
  next.region ??= await ask('Public holidays: country or state code (e.g. DE, DE-BY; none)', undefined, (a) => {
    problem(config.regionProblem(a));
    return a;
  });
  if (!next.departments?.length) {
    const ids = await ask(
      `Departments (comma-separated: ${config.DEPARTMENT_IDS.join(', ')})`,
      'service',
      choose('department', config.DEPARTMENT_IDS),
    );
    const people = (a: string) =>
      a
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((p) => config.parsePerson(p));
    next.departments = [];
    for (const id of ids) {
      const name = await ask(`  ${id}: display name`, config.DEPARTMENT_CHOICES[id].name, (a) => a);
      const leads = await ask(`  ${id}: leads (Name <email>, several separated by ;)`, undefined, people);
      const members = await ask(`  ${id}: members (Name <email>, several separated by ;)`, undefined, people);
      next.departments.push({ id, name, leads, members });
    }
  }
  if (!next.platforms || Object.keys(next.platforms).length === 0) {
    const ids = await ask(
      `Platforms (comma-separated: ${config.PLATFORM_IDS.join(', ')})`,
      undefined,
      choose('platform', config.PLATFORM_IDS),
    );
    const platforms: Record<string, Record<string, string | string[]>> = {};
    for (const platform of ids) {
      const fields: Record<string, string | string[]> = {};
      for (const field of config.PLATFORM_FIELDS[platform]) {
        const value = await ask(
          `  ${platform}: ${field.key} (${field.help}${field.list ? ', comma-separated' : ''}${field.required ? '' : ', optional'})`,
          undefined,
          (a) => {
            problem(field.required && !a ? `${platform} needs ${field.key}` : undefined);
            return a;
          },
        );
        if (value)
          fields[field.key] = field.list
            ? value
                .split(',')
                .map((v) => v.trim())
                .filter(Boolean)
            : value;
      }
      platforms[platform] = fields;
    }
    next.platforms = platforms;
  }
  return next;
}

export const initCommand: Command = {
  summary: 'write a new company config from a few answers',
  usage: USAGE,
  run,
};
