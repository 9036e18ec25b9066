/**
 * `backchannel send`: a test mention, built as its platform's real webhook (`--text`), or a
 * payload file, signed with the company's secret and POSTed to the running local runtime.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type { ReplyTarget } from '../../infra/local/webhook-envelopes.ts';
import {
  DEFAULT_COMPANY,
  UsageError,
  dataDirOf,
  helpShown,
  loadConfig,
  parse,
  withLocalTable,
  type Command,
} from './shared.ts';

const SEND_USAGE = `Usage: backchannel send --text "<text>" [--platform <p>] [--author <name or @handle>] [--reply-to <case id>] [--company <id>] [--url <runtime url>]
       backchannel send <file> [--platform <p>] [--source <s>] [--url <url>] [--secret <s>] [--company <id>]

With --text it builds the platform's real webhook for a new mention (a comment on the
company's Facebook Page, a post mentioning its X account, a LinkedIn mention, a YouTube
video, a TikTok post, a generic source's mention), addressed to the company's first account
in its config, signs it with the company's local secret, POSTs it to the running runtime
(\`npm start -- --company <id>\`) and prints the answer and the mention id.
With a file it signs the file's bytes as the platform does and POSTs them.

Options:
  --text <text>       what the person writes (YouTube: the video's title; TikTok's webhooks
                      carry no text)
  --platform <p>      meta (a Facebook comment), x, linkedin, youtube, tiktok or generic; it
                      must be enabled for the company (default: the case's platform with
                      --reply-to, else meta when enabled, else the first enabled one; for a
                      file: from a demo sample's name, NN-<platform>-..., else meta)
  --author <a>        who writes it: a name, or @handle (default: Test Person)
  --reply-to <case>   make the mention part of that case's conversation (its thread)
  --source <s>        the generic source (default: the first one configured)
  --company <id>      company whose local runtime to use (default: ${DEFAULT_COMPANY})
  --url <url>         with --text: the runtime's URL (default: the one running for --company,
                      from .backchannel/<company>/runtime.json); with a file: the webhook URL,
                      e.g. http://127.0.0.1:3000/webhooks/x
  --secret <s>        the platform's signing key (Meta app secret, X consumer secret, LinkedIn
                      or TikTok client secret, YouTube hub secret, generic signing secret), or
                      the whole secret JSON (default: .backchannel/<company>/secrets.json)
  -h, --help          show this help`;

/** The key of each platform's secret that signs its bodies, for a plain `--secret`. */
const SIGNING_KEYS: Readonly<Record<string, string>> = {
  meta: 'appSecret',
  x: 'consumerSecret',
  linkedin: 'clientSecret',
  youtube: 'hubSecret',
  tiktok: 'clientSecret',
  generic: 'signingSecret',
};

async function sendRun(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      text: { type: 'string' },
      author: { type: 'string' },
      'reply-to': { type: 'string' },
      platform: { type: 'string' },
      source: { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
      company: { type: 'string' },
    },
    'send',
  );
  if (helpShown(values, SEND_USAGE)) return 0;
  const company = values.company ?? DEFAULT_COMPANY;
  if (values.text !== undefined) {
    if (positionals.length > 0)
      throw new UsageError(`give either --text or a payload file, not both ("${positionals[0]}")`, 'send');
    return sendText({ ...values, text: values.text }, company);
  }
  if (values.author !== undefined || values['reply-to'] !== undefined)
    throw new UsageError('--author and --reply-to go with --text', 'send');
  if (positionals.length !== 1)
    throw new UsageError('give --text "<what the person writes>", or exactly one payload file', 'send');
  return sendFile(positionals[0] as string, values, company);
}

/** `--text`: the platform's webhook for a new mention, posted to the running runtime. */
async function sendText(
  values: {
    text: string;
    author?: string | undefined;
    'reply-to'?: string | undefined;
    platform?: string | undefined;
    source?: string | undefined;
    url?: string | undefined;
    secret?: string | undefined;
  },
  company: string,
): Promise<number> {
  const { buildWebhook, EnvelopeError, webhookPlatformOf } = await import('../../infra/local/webhook-envelopes.ts');
  const { postWebhook } = await import('../../infra/local/demo.ts');
  const { platformRegistry } = await import('../../shared/platforms/registry.ts');
  const config = await loadConfig(company);
  const enabled = platformRegistry.adapters.filter((a) => a.isEnabled(config)).map((a) => a.id);
  if (values.platform !== undefined) checkPlatform(values.platform, platformRegistry.ids, enabled, company);
  const baseUrl = values.url?.replace(/\/+$/, '') ?? (await runningRuntimeUrl(company));
  if (!baseUrl) {
    process.stderr.write(
      `backchannel: no runtime is running for ${company} (nothing live in ${shown(dataDirOf(company))}/): start it with \`npm start -- --company ${company}\`, or pass --url and --secret\n`,
    );
    return 1;
  }
  const replyTo = values['reply-to'] === undefined ? undefined : await caseThread(config, values['reply-to']);
  if (values['reply-to'] !== undefined && !replyTo) return 1;
  const platform =
    values.platform ?? (replyTo ? webhookPlatformOf(replyTo.platform) : enabled.includes('meta') ? 'meta' : enabled[0]);
  if (!platform)
    throw new UsageError(`${company} has no webhook platform enabled in companies/${company}.yaml`, 'send');
  checkPlatform(platform, platformRegistry.ids, enabled, company);

  const secret =
    values.secret !== undefined ? secretFromOption(values.secret, platform) : await storedSecret(config, platform);
  if (!secret) {
    process.stderr.write(
      `backchannel: no ${platform} secret in ${shown(dataDirOf(company))}/secrets.json (a --memory runtime keeps its secrets to itself): pass --secret\n`,
    );
    return 1;
  }
  const now = new Date();
  let webhook: ReturnType<typeof buildWebhook>;
  try {
    webhook = buildWebhook(platform, {
      config,
      text: values.text,
      now,
      ...(values.author !== undefined ? { author: values.author } : {}),
      ...(replyTo ? { replyTo } : {}),
      ...(values.source ? { source: values.source } : {}),
    });
  } catch (error) {
    if (error instanceof EnvelopeError) throw new UsageError(error.message, 'send');
    throw error;
  }
  const answer = await postWebhook(baseUrl, webhook, secret, now);
  process.stdout.write(`HTTP ${answer.status} ${answer.body}\n`);
  if (answer.status >= 300) return 1;
  process.stdout.write(
    `Mention ${webhook.mentionId}${replyTo ? ` (in the thread of case ${values['reply-to']})` : ''}\n`,
  );
  if (platform === 'tiktok')
    process.stdout.write("TikTok's webhooks carry no text: the mention is the company's published post.\n");
  process.stdout.write(`Its case: npm run backchannel -- cases --company ${company}\n`);
  return 0;
}

/** @throws UsageError when the platform is not a webhook platform or not enabled for the company */
function checkPlatform(platform: string, known: readonly string[], enabled: readonly string[], company: string): void {
  if (!known.includes(platform))
    throw new UsageError(`--platform ${platform} is not a webhook platform; use one of: ${known.join(', ')}`, 'send');
  if (!enabled.includes(platform))
    throw new UsageError(
      `--platform ${platform} is not enabled for ${company} (companies/${company}.yaml); enabled: ${enabled.join(', ') || 'none'}`,
      'send',
    );
}

/**
 * The `send` command that `npm start` suggests: a mention on the company's first enabled
 * webhook platform (`enabled`: the ids of the enabled webhook platforms, meta first when
 * enabled). A --memory runtime keeps its secrets in memory, so there the command names
 * --url and the --secret to pass.
 */
export function sendHint(
  config: CompanyConfig,
  enabled: readonly string[],
  runtimeUrl: string,
  persisted: boolean,
): string {
  const company = config.company.id;
  const platform = enabled[0];
  if (!platform)
    return `Try: no webhook platform is enabled in companies/${company}.yaml; add one under platforms, then \`backchannel send --text ...\``;
  const text = config.company.locale.startsWith('de')
    ? 'Seit drei Wochen keine Antwort vom Service'
    : 'Three weeks and still no answer from your service';
  const where = persisted
    ? ` --company ${company}`
    : ` --company ${company} --url ${runtimeUrl} --secret <${platform === 'meta' ? 'the app secret above' : `the ${platform} signing key`}>`;
  return `Try: npm run backchannel -- send --platform ${platform} --text "${text}" --author "Erika Muster"${where}`;
}

/** The platform and thread of a stored case; prints why and returns undefined when there is none. */
async function caseThread(config: CompanyConfig, caseId: string): Promise<ReplyTarget | undefined> {
  const { createDocumentClient } = await import('../../shared/adapters/aws-clients.ts');
  const { DynamoCaseRepository } = await import('../../shared/adapters/dynamodb/index.ts');
  let target: ReplyTarget | undefined;
  const code = await withLocalTable(config, async (env, tableName) => {
    const client = createDocumentClient(env);
    try {
      const found = await new DynamoCaseRepository(client, tableName).get(caseId);
      if (!found) {
        process.stderr.write(
          `backchannel: no case ${caseId} in ${tableName}: \`npm run backchannel -- cases --company ${config.company.id}\` lists them\n`,
        );
        return 1;
      }
      target = { platform: found.platform, threadId: found.threadId };
      return 0;
    } finally {
      client.destroy();
    }
  });
  return code === 0 ? target : undefined;
}

/** A payload file, signed as its platform signs, POSTed to a webhook URL. */
async function sendFile(
  file: string,
  values: {
    platform?: string | undefined;
    source?: string | undefined;
    url?: string | undefined;
    secret?: string | undefined;
  },
  company: string,
): Promise<number> {
  const { sampleTarget, postSigned } = await import('../../infra/local/demo.ts');
  const { platformRegistry } = await import('../../shared/platforms/registry.ts');
  const inferred = sampleTarget(file);
  const platform = values.platform ?? inferred.platform;
  const adapter = platformRegistry.get(platform);
  if (!adapter)
    throw new UsageError(
      `--platform ${platform} is not supported; supported: ${platformRegistry.ids.join(', ')}`,
      'send',
    );
  const source = values.source ?? inferred.params?.source;
  if (platform === 'generic' && !source) throw new UsageError('--source is required for the generic platform', 'send');

  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      'send',
    );
  }
  const route = platform === 'generic' ? `generic/${encodeURIComponent(source as string)}` : platform;
  const runtimeUrl = values.url === undefined ? await runningRuntimeUrl(company) : undefined;
  const url = values.url ?? (runtimeUrl ? `${runtimeUrl}/webhooks/${route}` : undefined);
  if (!url)
    throw new UsageError(`--url is required: no running runtime recorded in ${shown(dataDirOf(company))}/`, 'send');
  const secret =
    values.secret !== undefined
      ? secretFromOption(values.secret, platform)
      : await storedSecret(await loadConfig(company), platform);
  if (!secret) {
    throw new UsageError(
      `--secret is required: no secrets in ${shown(dataDirOf(company))}/ (a --memory runtime prints its app secret)`,
      'send',
    );
  }

  const headers = adapter.sign(body, secret, { now: new Date(), ...(source ? { params: { source } } : {}) });
  const answer = await postSigned(url, body, headers);
  process.stdout.write(`HTTP ${answer.status}\n${answer.body}\n`);
  return answer.status < 300 ? 0 : 1;
}

/** `--secret`: the whole secret JSON, or the platform's signing key alone. */
function secretFromOption(value: string, platform: string): unknown {
  if (value.trimStart().startsWith('{')) {
    try {
      return JSON.parse(value);
    } catch {
      throw new UsageError('--secret looks like JSON but is not', 'send');
    }
  }
  return { [SIGNING_KEYS[platform] ?? 'secret']: value };
}

/** The URL of the runtime running for a company, from its record; undefined when none is alive. */
async function runningRuntimeUrl(company: string): Promise<string | undefined> {
  const { readRuntimeRecord, isAlive } = await import('../../infra/local/runtime-record.ts');
  const record = await readRuntimeRecord(dataDirOf(company));
  return record && isAlive(record.pid) ? record.url : undefined;
}

/** The platform's secret JSON from the data directory's secrets.json, if there is one. */
async function storedSecret(config: CompanyConfig, platform: string): Promise<unknown> {
  const { SECRETS_FILE, parsePlatformSecret } = await import('../../infra/local/secrets.ts');
  const { platformSecretName } = await import('../../infra/topology.ts');
  const file = path.join(dataDirOf(config.company.id), SECRETS_FILE);
  if (!existsSync(file)) return undefined;
  const stored: unknown = JSON.parse(await readFile(file, 'utf8'));
  const value =
    typeof stored === 'object' && stored !== null
      ? (stored as Record<string, unknown>)[platformSecretName(config, platform)]
      : undefined;
  return typeof value === 'string' ? parsePlatformSecret(platform, value) : undefined;
}

function shown(dir: string): string {
  return path.relative(process.cwd(), dir) || '.';
}

export const sendCommand: Command = {
  summary: 'send a test mention (or a payload file) to the local runtime, signed',
  usage: SEND_USAGE,
  run: sendRun,
};
