/**
 * `backchannel correct <case>`: stores a correction of a case's mention as a labelled
 * example, with the same use case as the admin API's `POST /cases/{id}/corrections`.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { CATEGORIES, SENTIMENTS, type Category, type Sentiment } from '../../shared/domain/mention.ts';
import {
  DEFAULT_COMPANY,
  TABLE_OPTIONS,
  TABLE_OPTIONS_HELP,
  UsageError,
  loadConfig,
  parseCommand,
  withDocuments,
  type Command,
} from './shared.ts';

const USAGE = `Usage: backchannel correct <case> [--category <c>] [--sentiment <s>] [--relevant true|false] [--mention <id>] [--company <id>]
       backchannel correct <case> ... --region <r> | --table <name> [--region <r>]

Stores what the classifier should have said about a case's mention (by default its first)
as a labelled example for the company model (\`backchannel train\`). Labels left out keep
what the classifier said; a later correction of the same mention is merged over this one.
You act as the account's operator (you hold the table's credentials).

Options:
  --category <c>   ${CATEGORIES.join(', ')}
  --sentiment <s>  ${SENTIMENTS.join(', ')}
  --relevant <b>   true or false: whether the mention is about the company at all
  --mention <id>   the mention of the case to correct (default: the case's first)
${TABLE_OPTIONS_HELP}
  -h, --help       show this help

Exit codes: 0 stored, 1 failed (no such case or mention), 2 usage error.`;

async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      category: { type: 'string' },
      sentiment: { type: 'string' },
      relevant: { type: 'string' },
      mention: { type: 'string' },
      ...TABLE_OPTIONS,
    },
    'correct',
    USAGE,
    { positionals: true },
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const [caseId, ...rest] = positionals;
  if (!caseId) throw new UsageError('name the case: backchannel correct <case> --category ...', 'correct');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, 'correct');
  if (values.category !== undefined && !(CATEGORIES as readonly string[]).includes(values.category))
    throw new UsageError(`unknown category "${values.category}"; use one of: ${CATEGORIES.join(', ')}`, 'correct');
  if (values.sentiment !== undefined && !(SENTIMENTS as readonly string[]).includes(values.sentiment))
    throw new UsageError(`unknown sentiment "${values.sentiment}"; use one of: ${SENTIMENTS.join(', ')}`, 'correct');
  if (values.relevant !== undefined && values.relevant !== 'true' && values.relevant !== 'false')
    throw new UsageError('--relevant is true or false', 'correct');
  const labels = {
    ...(values.category ? { category: values.category as Category } : {}),
    ...(values.sentiment ? { sentiment: values.sentiment as Sentiment } : {}),
    ...(values.relevant ? { relevant: values.relevant === 'true' } : {}),
  };
  if (Object.keys(labels).length === 0)
    throw new UsageError('give at least one of --category, --sentiment, --relevant', 'correct');
  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);

  const { DynamoCaseRepository, DynamoCorrectionRepository, DynamoMentionRepository } = await import(
    '../../shared/adapters/dynamodb/index.ts'
  );
  const { correctCase } = await import('../../shared/domain/corrections.ts');
  const { NotFoundError } = await import('../../shared/domain/errors.ts');
  const { systemClock } = await import('../../shared/domain/system-clock.ts');
  return withDocuments(config, values, 'correct', async (client, tableName) => {
    try {
      const correction = await correctCase(
        caseId,
        { ...(values.mention ? { mentionId: values.mention } : {}), labels },
        // Who holds the table's credentials is the account's operator (as the admin API's IAM callers).
        { user: { sub: `cli:${os.userInfo().username}`, operator: true }, requestId: randomUUID() },
        {
          config,
          cases: new DynamoCaseRepository(client, tableName),
          mentions: new DynamoMentionRepository(client, tableName),
          corrections: new DynamoCorrectionRepository(client, tableName),
          clock: systemClock,
          retentionDays: config.retention.days,
        },
      );
      const said = `${correction.predicted.category}/${correction.predicted.sentiment}${correction.model ? ` (${correction.model})` : ''}`;
      process.stdout.write(
        `Stored correction of ${correction.mentionId} on ${caseId}: ${JSON.stringify(correction.labels)}; the classifier said ${said}.\n`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      process.stderr.write(`backchannel correct: ${error.message}\n`);
      return 1;
    }
  });
}

export const correctCommand: Command = {
  summary: "store a correction of a case's classification as a labelled example",
  usage: USAGE,
  run,
};
