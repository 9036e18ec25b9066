import type { CompanyDirectory } from './company-directory.ts';
import { authorizeCase } from './access-policy.ts';
import type { AdminRequest } from './admin-user.ts';
import { actorOf } from './admin-user.ts';
import type { Actor } from './case.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import type { Category, Platform, Sentiment } from './mention.ts';
import type { CaseRepository, Clock, MentionRepository } from './ports.ts';
import { expiresAtEpochSeconds } from './time.ts';

/**
 * Corrections: what a person says the classifier should have answered for a mention. Each
 * one is kept as a labelled example (the mention's text and language, the corrected labels,
 * what the model said and which model it was, who and when) so a company model can learn
 * from it (company-model.ts). It holds the author's words: it expires with the company's
 * retention like the mention, and erasing the author removes it.
 */

/** The labels a person sets; absent ones were not corrected. */
export interface CorrectedLabels {
  readonly category?: Category;
  readonly sentiment?: Sentiment;
  readonly relevant?: boolean;
  /** The department the mention belonged in (a reroute). */
  readonly department?: string;
}

/** What the classifier and routing said when the mention came in. */
export interface PredictedLabels {
  readonly category: Category;
  readonly sentiment: Sentiment;
  readonly relevant?: boolean;
  readonly department: string;
}

/** One mention's labelled example: one per mention, later corrections merged over earlier ones. */
export interface Correction {
  /** `correction_<mentionId>`: one example per mention, so it never lands on both sides of a split. */
  readonly id: string;
  readonly caseId: string;
  readonly mentionId: string;
  readonly platform: Platform;
  readonly authorId: string;
  readonly text: string;
  readonly language: string;
  readonly labels: CorrectedLabels;
  readonly predicted: PredictedLabels;
  /** The model that classified the mention (`ngram-de@1a2b3c4d`, a company version), when known. */
  readonly model?: string;
  readonly by: Actor;
  readonly at: string;
  /** Epoch seconds: the company's retention from the latest correction. */
  readonly expiresAt: number;
}

/** Port: the stored corrections of the company. */
export interface CorrectionStore {
  get(mentionId: string): Promise<Correction | undefined>;
  /** Stores (replaces) the correction of its mention. */
  put(correction: Correction): Promise<void>;
  /** Every stored correction (they expire with the retention, so the list stays bounded). */
  list(): Promise<Correction[]>;
}

export interface CorrectDeps {
  readonly config: CompanyDirectory;
  readonly cases: Pick<CaseRepository, 'get' | 'mentionsOf'>;
  /** The stored mentions: text, language and the model that classified them. */
  readonly mentions?: Pick<MentionRepository, 'get'>;
  readonly corrections: CorrectionStore;
  readonly clock: Clock;
  readonly retentionDays: number;
}

export interface CorrectInput {
  /** The mention of the case to correct; default: the case's first mention. */
  readonly mentionId?: string;
  readonly labels: CorrectedLabels;
}

export const correctionIdOf = (mentionId: string): string => `correction_${mentionId}`;

/**
 * Stores a person's correction of a case's mention as a labelled example.
 *
 * 1. load the case and ask the access policy (who may act on the case may correct it)
 * 2. find the mention (by default the case's first) and what was predicted for it
 * 3. merge the labels over an earlier correction of the same mention and store it
 *
 * Retrying the same request stores the same example again: nothing is counted twice.
 * @throws ValidationError when no label is given, or the department is not the company's
 * @throws NotFoundError when the case, or the mention on it, does not exist
 * @throws ForbiddenError when the person may not act on the case
 */
export async function correctCase(
  caseId: string,
  input: CorrectInput,
  request: AdminRequest,
  deps: CorrectDeps,
): Promise<Correction> {
  const { labels } = input;
  if (
    labels.category === undefined &&
    labels.sentiment === undefined &&
    labels.relevant === undefined &&
    labels.department === undefined
  ) {
    throw new ValidationError('give at least one of category, sentiment, relevant or department');
  }
  if (labels.department !== undefined && !deps.config.departments.some((d) => d.id === labels.department)) {
    throw new ValidationError(
      `unknown department "${labels.department}"; use one of: ${deps.config.departments.map((d) => d.id).join(', ')}`,
    );
  }
  const found = await deps.cases.get(caseId);
  if (!found) throw new NotFoundError(`case ${caseId} does not exist`);
  authorizeCase(deps.config, request.user, found, 'correct');
  return recordCorrection(found.id, input.mentionId ?? found.firstMentionId, labels, actorOf(request.user), deps);
}

/**
 * Stores a labelled example for a mention of a case, without asking the access policy: for
 * callers that have (a reroute, which its own rule allows).
 * @throws NotFoundError when the mention is not on the case
 */
export async function recordCorrection(
  caseId: string,
  mentionId: string,
  labels: CorrectedLabels,
  by: Actor,
  deps: Omit<CorrectDeps, 'config'>,
): Promise<Correction> {
  const routed = (await deps.cases.mentionsOf(caseId)).filter((m) => m.mentionId === mentionId);
  const primary = routed.find((m) => m.role === 'primary') ?? routed[0];
  if (!primary) throw new NotFoundError(`mention ${mentionId} is not on case ${caseId}`);
  const stored = await deps.mentions?.get(mentionId);
  const earlier = await deps.corrections.get(mentionId);
  const now = deps.clock.now();
  const correction: Correction = {
    id: correctionIdOf(mentionId),
    caseId,
    mentionId,
    platform: primary.platform,
    authorId: primary.authorId,
    text: stored?.mention.text ?? primary.text,
    language: stored?.classification.language ?? primary.language,
    labels: { ...earlier?.labels, ...labels },
    predicted: earlier?.predicted ?? {
      category: stored?.classification.category ?? primary.category,
      sentiment: stored?.classification.sentiment ?? primary.sentiment,
      ...(stored ? { relevant: stored.classification.relevant } : {}),
      department: primary.department,
    },
    ...(earlier?.model ? { model: earlier.model } : stored ? { model: stored.classification.model } : {}),
    by,
    at: now.toISOString(),
    expiresAt: expiresAtEpochSeconds(now, deps.retentionDays),
  };
  await deps.corrections.put(correction);
  return correction;
}

/**
 * The labels a correction teaches per head: what the person set, and for the heads they left
 * alone what the classifier said (they saw it and let it stand). A correction that only
 * moved the case to another department teaches no head: undefined.
 */
export function trainingLabelsOf(
  c: Correction,
): { readonly category: Category; readonly sentiment: Sentiment; readonly relevant: boolean } | undefined {
  const { labels, predicted } = c;
  if (labels.category === undefined && labels.sentiment === undefined && labels.relevant === undefined)
    return undefined;
  return {
    category: labels.category ?? predicted.category,
    sentiment: labels.sentiment ?? predicted.sentiment,
    relevant: labels.relevant ?? predicted.relevant ?? true,
  };
}
