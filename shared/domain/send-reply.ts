import { backoffDelayMs, type BackoffOptions } from './backoff.ts';
import { authorizeCase } from './access-policy.ts';
import { actorOf, changeAsPerson, type AdminRequest, type CaseAdminDeps } from './case-admin.ts';
import { replyStateOf, type Case, type ReplyDraft, type ReplyState } from './case.ts';
import { changeCase } from './change-case.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import {
  keyAccountsOfCase,
  ownerApprovalsOf,
  ownerNoticeOf,
  replyTimelineItems,
  type KeyAccountTimeline,
} from './key-accounts.ts';
import { expiresAtEpochSeconds } from './time.ts';
import type { MentionRepository } from './ports.ts';
import { ReplyPublishError, type PublishedReply, type ReplyPublishers, type ReplyTarget } from './reply-publisher.ts';

/** How sends retry a platform that is busy or down (429, 5xx, a refused connection). */
export interface SendRetryOptions extends BackoffOptions {
  /** All attempts and waits of one send stay within this (the admin API answers within its timeout). */
  readonly budgetMs: number;
}

/** Within the admin API's 10 s timeout, with room for the table writes around the post. */
export const DEFAULT_SEND_RETRY: SendRetryOptions = { maxAttempts: 4, baseMs: 250, maxMs: 2_000, budgetMs: 5_000 };

export interface SendReplyDeps extends CaseAdminDeps {
  readonly publishers: ReplyPublishers;
  readonly mentions: Pick<MentionRepository, 'get'>;
  /** Where public replies to key accounts are kept (their timeline); absent: not kept. */
  readonly timeline?: Pick<KeyAccountTimeline, 'add'>;
  readonly retry?: Partial<SendRetryOptions>;
  /** Epoch milliseconds, the wait and the jitter: for tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Told about each retry (for logs). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: ReplyPublishError }) => void;
}

/** A reply as the send route answers it (console-contract.md, "replies"). */
export interface SentReplyView {
  readonly id: string;
  readonly state: ReplyState;
  readonly platformPostId?: string;
  readonly url?: string;
  readonly error?: string;
  readonly attempts: number;
}

export interface SendReplyOutcome {
  readonly reply: SentReplyView;
  /** False when nothing was posted by this call: the reply was sent before, or another send is under way. */
  readonly posted: boolean;
  readonly case: Case;
}

/**
 * Posts an approved reply on the platform, exactly once.
 *
 * 1. load the case; the caller must be allowed to mark its replies sent (access-policy.ts)
 * 2. a reply posted before is answered as it is, without posting again
 * 3. find what to answer: the customer's latest mention on the case, as stored
 * 4. claim the send (`send-reply`: a conditional write on the case's version, refused when the
 *    reply is being sent, sent, or lacks an approval it needs: the press office's or the key
 *    account owner's); only the request that wrote the claim goes on
 * 5. post through the platform's publisher, the idempotency key being the reply id; 429 and
 *    5xx are tried again with backoff (honouring Retry-After) within the budget
 * 6. record the outcome: `publish-reply` with the platform's post id (the case is responded),
 *    or `fail-reply` with the reason (401/403: the token, at once, without retrying)
 *
 * A request that loses the platform's answer (a timeout on a platform without idempotency
 * keys) leaves the reply `sending`: posting again could post twice, so a person checks the
 * platform and marks it sent elsewhere, or the platform's echo of it arrives.
 *
 * @throws NotFoundError, ForbiddenError, ConflictError (not sendable now, no API for the platform)
 */
export async function sendReply(
  caseId: string,
  replyId: string,
  request: AdminRequest,
  deps: SendReplyDeps,
): Promise<SendReplyOutcome> {
  const found = await deps.cases.get(caseId);
  if (!found) throw new NotFoundError(`case ${caseId} does not exist`);
  authorizeCase(deps.config, request.user, found, 'mark-sent');
  const done = sentBefore(found, replyId);
  if (done) return { reply: done, posted: false, case: found };

  const publisher = deps.publishers(found.platform);
  if (!publisher) {
    throw new ConflictError(
      `replies on ${found.platform} cannot be posted through its API here (is the platform configured?); post it there and mark it sent elsewhere`,
    );
  }
  const mentions = await deps.cases.mentionsOf(caseId);
  const target = await targetOf(found, mentions, deps);
  const owners = ownerApprovalsOf(deps.config, mentions);
  const accounts = keyAccountsOfCase(mentions);
  const notice = ownerNoticeOf(deps.config, accounts);

  const claim = await changeAsPerson(caseId, 'mark-sent', request, deps, {
    type: 'send-reply',
    replyId,
    ...(owners.length > 0 ? { ownerApproval: true } : {}),
  });
  if (!claim.applied) {
    // The same request retried: its claim stands; whether its post went out is not known here.
    return { reply: viewOf(claim.case.reply, replyId), posted: false, case: claim.case };
  }
  const reply = claim.case.reply as ReplyDraft;

  const actor = actorOf(request.user);
  const result = await postWithRetry(publisher.publish.bind(publisher), target, reply, deps);
  if (result.ok) {
    const at = deps.clock.now();
    const outcome = await changeCase(
      caseId,
      (current) => ({
        type: 'publish-reply',
        replyId,
        platformPostId: result.published.platformPostId,
        ...(result.published.url ? { url: result.published.url } : {}),
        attempts: result.attempts,
        ...(notice ? { notice } : {}),
        ...(deps.businessMinutes
          ? { businessMinutes: Math.round(deps.businessMinutes(current.department, new Date(current.openedAt), at)) }
          : {}),
      }),
      { transitionId: `publish:${replyId}`, actor },
      deps,
    );
    if (deps.timeline && accounts.length > 0) {
      const items = replyTimelineItems(accounts, {
        caseId,
        at: at.toISOString(),
        platform: found.platform,
        text: reply.text,
        ...(result.published.url ? { url: result.published.url } : {}),
        itemId: result.published.platformPostId,
        author: deps.config.company.name,
      });
      const expiresAt = expiresAtEpochSeconds(at, deps.retentionDays);
      for (const item of items) await deps.timeline.add(item, expiresAt);
    }
    return { reply: viewOf(outcome.case.reply, replyId), posted: true, case: outcome.case };
  }
  if (result.unknown) {
    // The claim stays: see above. The history keeps the send's claim; the answer says why.
    return {
      reply: { ...viewOf(claim.case.reply, replyId), error: result.error.message, attempts: result.attempts },
      posted: false,
      case: claim.case,
    };
  }
  const outcome = await changeCase(
    caseId,
    { type: 'fail-reply', replyId, error: result.error.message, attempts: result.attempts },
    { transitionId: `send-failed:${replyId}:${request.requestId}`, actor },
    deps,
  );
  return { reply: viewOf(outcome.case.reply, replyId), posted: false, case: outcome.case };
}

type PostResult =
  | { readonly ok: true; readonly published: PublishedReply; readonly attempts: number }
  | { readonly ok: false; readonly unknown: boolean; readonly error: ReplyPublishError; readonly attempts: number };

async function postWithRetry(
  publish: (
    target: ReplyTarget,
    reply: { replyId: string; text: string; idempotencyKey: string },
  ) => Promise<PublishedReply>,
  target: ReplyTarget,
  reply: ReplyDraft,
  deps: SendReplyDeps,
): Promise<PostResult> {
  const options: SendRetryOptions = { ...DEFAULT_SEND_RETRY, ...deps.retry };
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const deadline = now() + options.budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const published = await publish(target, { replyId: reply.id, text: reply.text, idempotencyKey: reply.id });
      return { ok: true, published, attempts: attempt };
    } catch (error) {
      if (!(error instanceof ReplyPublishError)) throw error;
      if (error.details.outcomeUnknown) return { ok: false, unknown: true, error, attempts: attempt };
      if (!error.transient) return { ok: false, unknown: false, error, attempts: attempt };
      const delayMs = backoffDelayMs(attempt, error.details.retryAfterMs, options, random);
      if (attempt >= options.maxAttempts || now() + delayMs >= deadline) {
        const gaveUp = new ReplyPublishError(
          error.platform,
          `${error.message.replace(`${error.platform}: `, '')} (gave up after ${attempt} attempt(s)${error.details.retryAfterMs !== undefined ? `; the platform asks to wait ${Math.ceil(error.details.retryAfterMs / 1000)} s` : ''}; send again later)`,
          error.details,
          { cause: error },
        );
        return { ok: false, unknown: false, error: gaveUp, attempts: attempt };
      }
      deps.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}

/** A reply of the case posted before: the current one, or one a later draft replaced. */
function sentBefore(c: Case, replyId: string): SentReplyView | undefined {
  if (c.reply?.id === replyId && c.reply.platformPostId) return viewOf(c.reply, replyId);
  const record = c.publishedReplies?.find((r) => r.replyId === replyId);
  if (!record) return undefined;
  return {
    id: replyId,
    state: 'sent',
    platformPostId: record.platformPostId,
    ...(record.url ? { url: record.url } : {}),
    attempts: 1,
  };
}

function viewOf(reply: ReplyDraft | undefined, replyId: string): SentReplyView {
  if (!reply || reply.id !== replyId) throw new ConflictError(`reply ${replyId} is no longer the case's reply`);
  return {
    id: reply.id,
    state: replyStateOf(reply),
    ...(reply.platformPostId ? { platformPostId: reply.platformPostId } : {}),
    ...(reply.url ? { url: reply.url } : {}),
    ...(reply.sendError && replyStateOf(reply) === 'failed' ? { error: reply.sendError } : {}),
    attempts: reply.sendAttempts ?? 0,
  };
}

/**
 * What the reply answers: the customer's latest mention recorded on the case (its primary
 * record), as stored. An erased or expired mention cannot be answered.
 */
async function targetOf(
  c: Case,
  mentions: readonly { readonly mentionId: string; readonly createdAt: string; readonly role: string }[],
  deps: Pick<SendReplyDeps, 'mentions'>,
): Promise<ReplyTarget> {
  const latest = [...mentions]
    .filter((m) => m.role === 'primary')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .at(-1);
  const stored = await deps.mentions.get(latest?.mentionId ?? c.firstMentionId);
  if (!stored)
    throw new ConflictError(
      `the mention case ${c.id} answers is no longer stored (erased or expired); reply there by hand`,
    );
  const m = stored.mention;
  return {
    platform: m.platform,
    kind: m.kind,
    externalId: m.externalId,
    threadId: m.threadId,
    accountId: m.accountId,
    authorId: m.author.id,
    ...(m.author.handle ? { authorHandle: m.author.handle } : {}),
  };
}
