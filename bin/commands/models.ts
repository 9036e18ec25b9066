/**
 * `backchannel train` trains the company's classifier model from the base corpus and the
 * corrections, and promotes it when it beats the current one; `backchannel model list`
 * shows the versions; `backchannel model rollback` goes back to the previous promoted
 * version. The same use cases as the weekly train-model function (shared/domain/company-model.ts).
 */
import os from 'node:os';
import path from 'node:path';
import type { CompanyConfig } from '../../shared/config/schema.ts';
import type {
  CompanyModelDeps,
  GuardScore,
  ModelScore,
  ModelStore,
  ModelVersion,
} from '../../shared/domain/company-model.ts';
import type { CorrectionStore } from '../../shared/domain/corrections.ts';
import {
  DEFAULT_COMPANY,
  UsageError,
  dataDirOf,
  helpShown,
  loadConfig,
  noPositionals,
  parse,
  regionOf,
  withDocuments,
  type Command,
} from './shared.ts';

const WHERE_OPTIONS = `  --company <id>   the company (default: ${DEFAULT_COMPANY})
  --table <name>   a deployed table, e.g. bc-acme-data (default: the local runtime's table)
  --bucket <name>  the deployed stack's models bucket (stack output ModelBucketName); with --table
  --region <r>     their region (default: AWS_REGION)
  -h, --help       show this help`;

const TRAIN_USAGE = `Usage: backchannel train [--company <id>] [--base <dir>]
       backchannel train --company <id> --table <name> --bucket <name> [--region <r>]

Trains a company model from the base data the shipped models learn from (the written corpus
in shared/classifier/corpus and the real texts in shared/classifier/data, their held-out parts
left out, trained as \`npm run train\` trains) plus the company's corrections, each counted 5 times. A quarter of the
corrections (chosen by a hash of the mention id) is held out: the new model and the one in
use (the promoted version, else the shipped models) are both scored on them, and the new
one is promoted only when it scores higher there and, on real held-out text (the held-out
split of shared/classifier/data: sentiment in German and English, the English category),
falls no more than classifier.modelGuardMargin (default 0.02) below the model in use on any
measure. All scores are recorded with the version.
With fewer than 20 held-out corrections (about 80 in all) nothing is trained.
Locally the models live in .backchannel/<company>/models/; a running \`npm start\` loads a
newly promoted model when it is started again (as a Lambda does at its next cold start).
The weekly train-model schedule does the same in AWS.

Options:
  --base <dir>     train on this folder instead of the shipped base: its *.jsonl corpus files,
                   category-only/ and short/ (corpus format), data/<source>/examples.jsonl
${WHERE_OPTIONS}

Exit codes: 0 done (also when too few corrections), 1 failed, 2 usage error.`;

const MODEL_USAGE = `Usage: backchannel model list [--company <id>] [--bucket <name> --region <r>]
       backchannel model rollback [--company <id>] [--bucket <name> --region <r>]

list      the trained versions, oldest first: status, when and by whom, corrections, the
          candidate's and the then-current model's scores on the held-out corrections and
          on real held-out text (the guard), why a version was rejected; the version in use
          is marked
rollback  go back to the version promoted before the current one (or to the shipped models);
          classify-mention loads it at its next cold start (locally: the next \`npm start\`)

Options:
  --company <id>   the company (default: ${DEFAULT_COMPANY}); locally .backchannel/<company>/models/
  --bucket <name>  the deployed stack's models bucket (stack output ModelBucketName)
  --region <r>     its region (default: AWS_REGION)
  -h, --help       show this help

Exit codes: 0 done, 1 failed (nothing to roll back), 2 usage error.`;

const OPTIONS = {
  company: { type: 'string' },
  table: { type: 'string' },
  bucket: { type: 'string' },
  region: { type: 'string' },
} as const;

/** The local model folder of a company: `<dataDir>/<the models bucket's localDir>`. */
export async function localModelDir(config: CompanyConfig): Promise<string> {
  const { buildTopology, MODELS_BUCKET } = await import('../../infra/topology.ts');
  const bucket = buildTopology(config).buckets.find((b) => b.id === MODELS_BUCKET);
  return path.join(dataDirOf(config.company.id), bucket?.localDir ?? 'models');
}

/** The model store of a deployed stack (--bucket) or of the local data directory. */
async function modelStoreOf(
  config: CompanyConfig,
  values: { bucket?: string | undefined; region?: string | undefined },
  command: string,
): Promise<ModelStore> {
  const { fileModelStore, s3ModelStore } = await import('../../shared/adapters/models/index.ts');
  if (values.bucket) return s3ModelStore(values.bucket, regionOf(values.region, command));
  return fileModelStore(await localModelDir(config));
}

/** Opens the corrections of a deployed table (--table) or of the local one for `use`. */
async function withCorrections(
  config: CompanyConfig,
  values: { table?: string | undefined; region?: string | undefined },
  command: string,
  use: (corrections: CorrectionStore) => Promise<number>,
): Promise<number> {
  const { DynamoCorrectionRepository } = await import('../../shared/adapters/dynamodb/index.ts');
  // --table goes with --bucket (where()): --region alone stays on the local table and models.
  return withDocuments(config, values.table ? values : {}, command, (client, tableName) =>
    use(new DynamoCorrectionRepository(client, tableName)),
  );
}

function where(values: { table?: string | undefined; bucket?: string | undefined }, command: string): void {
  if ((values.table === undefined) !== (values.bucket === undefined) && command === 'train') {
    throw new UsageError('a deployed stack needs both --table and --bucket', command);
  }
}

async function trainRun(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...OPTIONS, base: { type: 'string' } }, 'train');
  if (helpShown(values, TRAIN_USAGE)) return 0;
  noPositionals(positionals, 'train');
  where(values, 'train');
  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);
  const { trainCompanyModel } = await import('../../shared/domain/company-model.ts');
  const { NgramModelTrainer, RealGuardSample, loadBaseExamples } = await import(
    '../../shared/classifier/company-model.ts'
  );
  const { systemClock } = await import('../../shared/domain/system-clock.ts');
  const models = await modelStoreOf(config, values, 'train');
  const base = values.base ? path.resolve(values.base) : undefined;
  // A --base folder is laid out as the shipped base: corpus files, category-only/, short/, data/<source>/.
  const trainer = new NgramModelTrainer(() =>
    loadBaseExamples(base ? { corpusDir: base, realDataDir: path.join(base, 'data') } : {}),
  );
  // The guard's sample is fixed: the shipped real data's held-out split, whatever --base says.
  const guard = new RealGuardSample();
  return withCorrections(config, values, 'train', async (corrections) => {
    const deps: CompanyModelDeps = { corrections, models, trainer, guard, clock: systemClock };
    process.stderr.write(`Training the ${config.company.id} model (a minute or so)...\n`);
    const outcome = await trainCompanyModel(`cli:${os.userInfo().username}`, deps, {
      guardMargin: config.classifier.modelGuardMargin,
    });
    if (outcome.status === 'too-few') {
      process.stdout.write(`Not trained: ${outcome.reason}.\n`);
      return 0;
    }
    const v = outcome.version;
    process.stdout.write(
      `${[
        `${v.id}: ${v.status === 'promoted' ? 'promoted' : 'not promoted'} (${v.reason})`,
        `  trained on ${v.training.baseExamples} base examples + ${v.training.trainCorrections} corrections x${v.training.correctionWeight} in ${v.training.seconds} s`,
        `  held-out corrections: ${v.training.heldOutCorrections}`,
        `  new model      ${score(v.scores.candidate)}`,
        `  ${v.scores.currentModel.padEnd(14)} ${score(v.scores.current)}`,
        ...guardLines(v, '  '),
      ].join('\n')}\n`,
    );
    return 0;
  });
}

async function modelRun(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { company: OPTIONS.company, bucket: OPTIONS.bucket, region: OPTIONS.region },
    'model',
  );
  if (helpShown(values, MODEL_USAGE)) return 0;
  const [action, ...rest] = positionals;
  noPositionals(rest, 'model');
  const config = await loadConfig(values.company ?? DEFAULT_COMPANY);
  const { listModelVersions, rollbackCompanyModel } = await import('../../shared/domain/company-model.ts');
  const { ConflictError } = await import('../../shared/domain/errors.ts');
  const { systemClock } = await import('../../shared/domain/system-clock.ts');
  const models = await modelStoreOf(config, values, 'model');
  switch (action) {
    case 'list': {
      const { current, versions } = await listModelVersions({ models });
      process.stdout.write(`${describeVersions(current, versions)}\n`);
      return 0;
    }
    case 'rollback':
      try {
        const { from, to } = await rollbackCompanyModel(`cli:${os.userInfo().username}`, {
          models,
          clock: systemClock,
        });
        process.stdout.write(`Rolled back from ${from} to ${to}; classify-mention loads it at its next cold start.\n`);
        return 0;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        process.stderr.write(`backchannel model rollback: ${error.message}\n`);
        return 1;
      }
    default:
      throw new UsageError(
        action === undefined ? 'say what to do: list or rollback' : `unknown action "${action}"; use list or rollback`,
        'model',
      );
  }
}

/** The versions as a person reads them, the one in use marked with `*`. */
export function describeVersions(current: string, versions: readonly ModelVersion[]): string {
  const lines = [`In use: ${current}${current === 'shipped' ? ' (the models shipped with the code)' : ''}`];
  if (versions.length === 0) return [...lines, 'No trained versions.'].join('\n');
  for (const v of versions) {
    lines.push(
      `${v.id === current ? '*' : ' '} ${v.id}  ${v.status.padEnd(11)} trained ${v.trainedAt} by ${v.trainedBy}; ${v.training.corrections} corrections (${v.training.heldOutCorrections} held out)`,
      `    new ${score(v.scores.candidate)}  vs  ${v.scores.currentModel} ${score(v.scores.current)}${v.promotedAt ? `; promoted ${v.promotedAt} by ${v.promotedBy}` : ''}`,
      ...guardLines(v, '    '),
      ...(v.status === 'promoted' ? [] : [`    ${v.rejectedBy ? `rejected by the ${v.rejectedBy}: ` : ''}${v.reason}`]),
    );
  }
  return lines.join('\n');
}

/** The guard's scores of a version: new model vs the then-current one per language and head. */
function guardLines(v: ModelVersion, indent: string): string[] {
  if (!v.guard) return [];
  const { candidate, current, shipped, margin } = v.guard;
  const of = (scores: readonly GuardScore[], c: GuardScore) =>
    scores.find((s) => s.language === c.language && s.head === c.head)?.accuracy.toFixed(3) ?? '-';
  const cells = candidate.map(
    (c) =>
      `${c.language} ${c.head} ${c.accuracy.toFixed(3)} vs ${of(current, c)}${shipped ? ` (shipped ${of(shipped, c)})` : ''} (${c.examples})`,
  );
  return [`${indent}real held-out text (margin ${margin}): ${cells.join(', ')}`];
}

function score(s: ModelScore): string {
  return `accuracy ${s.accuracy.toFixed(3)}, category ${s.categoryAccuracy.toFixed(3)} (${s.examples} examples)`;
}

export const trainCommand: Command = {
  summary: "train the company's classifier model from its corrections",
  usage: TRAIN_USAGE,
  run: trainRun,
};
export const modelCommand: Command = {
  summary: "list the company's model versions, or roll back",
  usage: MODEL_USAGE,
  run: modelRun,
};
