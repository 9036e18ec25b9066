import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Link } from '../components/link.tsx';
import { LoadState } from '../components/status.tsx';
import { useApi, useConsole } from '../context.ts';
import { actorName, dateTime, duration, relative } from '../format.ts';
import { labelOf, type MessageKey } from '../i18n.ts';
import { BASE } from '../router.ts';
import type { CaseDetail, Mention, Reply } from '../types.ts';
import { CATEGORIES } from '../vocabulary.ts';

/** The replies of a case: the contract's list, or today's single draft on the case. */
function repliesOf(detail: CaseDetail): readonly Reply[] {
  if (detail.replies) return detail.replies;
  const reply = detail.case.reply;
  if (!reply) return [];
  return [
    {
      id: reply.id,
      text: reply.text,
      draftedBy: reply.draftedBy,
      draftedAt: reply.draftedAt,
      ...(reply.approvedBy ? { approvedBy: reply.approvedBy } : {}),
      ...(reply.sentAt ? { sentAt: reply.sentAt } : {}),
      state: reply.sentAt ? 'sent-elsewhere' : reply.approvedBy ? 'approved' : 'draft',
    },
  ];
}

/** The routing rules that matched and why: the contract's list, or what the mentions recorded. */
function rulesOf(detail: CaseDetail): readonly { id: string; why?: string }[] {
  if (detail.matchedRules)
    return detail.matchedRules.map((r) => ({ id: r.name ?? r.id, ...(r.why ? { why: r.why } : {}) }));
  const first = detail.mentions[0];
  const ids = [...new Set(detail.mentions.flatMap((m) => m.matchedRules ?? []))];
  const reasons = first?.reasons ?? [];
  return ids.map((id) => {
    const why = reasons.filter((r) => r.includes(id)).join('; ');
    return { id, ...(why ? { why } : {}) };
  });
}

function authorOf(mention: Mention): string {
  if (typeof mention.author === 'string') return mention.author;
  const name = mention.authorName ?? mention.author?.name;
  const handle = mention.authorHandle ?? mention.author?.handle;
  if (name && handle) return `${name} (${handle})`;
  return name ?? handle ?? mention.authorId ?? '';
}

/** Case detail: thread, labels and reasons, rules, SLA clock, replies, history and every action. */
export function CasePage(props: { id: string }) {
  const { t, language } = useConsole();
  const path = `/cases/${encodeURIComponent(props.id)}`;
  const loaded = useApi<CaseDetail>(path);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>();
  const [busy, setBusy] = useState(false);

  /** Runs an action, says how it went (in a live region) and reloads the case. */
  const act = async (label: string, run: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setOutcome(undefined);
    try {
      await run();
      setOutcome({ ok: true, text: t('case.done', { action: label }) });
      loaded.reload();
      return true;
    } catch (error) {
      setOutcome({ ok: false, text: `${label}: ${(error as Error).message}` });
      return false;
    } finally {
      setBusy(false);
    }
  };

  const detail = loaded.data;
  if (!detail)
    return (
      <section>
        <p>
          <Link href={`${BASE}/`}>{t('common.back')}</Link>
        </p>
        <LoadState loading={loaded.loading} error={loaded.error} onRetry={loaded.reload} />
      </section>
    );

  const c = detail.case;
  const replies = repliesOf(detail);
  const rules = rulesOf(detail);
  const title = c.title ?? detail.mentions[0]?.text.split(/\s+/).slice(0, 8).join(' ') ?? c.id;
  return (
    <article class="case" aria-labelledby="case-title">
      <p>
        <Link href={`${BASE}/`}>{t('common.back')}</Link>
      </p>
      <header class="case-head">
        <h1 id="case-title">{title}</h1>
        <p class="meta">
          <span class={`state state-${c.state}`} data-testid="case-state">
            {labelOf(t, 'state', c.state)}
          </span>
          <span class={`priority priority-${c.priority}`}>{labelOf(t, 'priority', c.priority)}</span>
          <span>{c.platform}</span>
          <span>{c.category}</span>
          <span class="id">{c.id}</span>
        </p>
        <dl class="facts">
          <Fact label={t('case.department')}>{c.department}</Fact>
          {c.cc && c.cc.length > 0 ? <Fact label={t('case.cc')}>{c.cc.join(', ')}</Fact> : null}
          <Fact label={t('case.assignee')}>{c.assignee ? actorName(c.assignee) : t('common.none')}</Fact>
          <Fact label={t('case.opened')}>{dateTime(language, c.openedAt)}</Fact>
          <Fact label={t('case.sla')}>
            <SlaClock detail={detail} />
          </Fact>
        </dl>
      </header>
      <div
        role="status"
        aria-live="polite"
        class={outcome ? `notice ${outcome.ok ? 'ok' : 'error'}` : 'visually-hidden'}
      >
        {outcome?.text ?? ''}
      </div>
      <div class="case-grid">
        <div class="case-main">
          <section aria-labelledby="thread-title">
            <h2 id="thread-title">{t('case.thread')}</h2>
            <ol class="thread">
              {detail.mentions.map((m) => (
                <li key={m.mentionId} class="mention">
                  <p class="mention-head">
                    <strong>{authorOf(m)}</strong> · {m.platform} ·{' '}
                    <time dateTime={m.createdAt}>{dateTime(language, m.createdAt)}</time>
                    {(m.url ?? m.permalink) ? (
                      <>
                        {' · '}
                        <a href={m.url ?? m.permalink} target="_blank" rel="noopener noreferrer">
                          {t('case.onPlatform', { platform: m.platform })}
                        </a>
                      </>
                    ) : null}
                  </p>
                  <p class="mention-text">{m.text}</p>
                  <details>
                    <summary>
                      {t('case.labels')}:{' '}
                      {[
                        m.classification?.category ?? m.category,
                        m.classification?.sentiment ?? m.sentiment,
                        m.language,
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </summary>
                    <ul class="reasons" aria-label={t('case.reasons')}>
                      {(m.classification?.reasons ?? m.classifierReasons ?? []).map((r) => (
                        <li key={r}>{r}</li>
                      ))}
                    </ul>
                  </details>
                </li>
              ))}
            </ol>
          </section>
          <section aria-labelledby="rules-title">
            <h2 id="rules-title">{t('case.rules')}</h2>
            {rules.length === 0 ? (
              <p>{t('case.noRules')}</p>
            ) : (
              <ul class="rules">
                {rules.map((r) => (
                  <li key={r.id}>
                    <code>{r.id}</code>
                    {r.why ? ` — ${r.why}` : ''}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="replies-title">
            <h2 id="replies-title">{t('case.replies')}</h2>
            {replies.length === 0 ? <p>{t('case.noReplies')}</p> : null}
            <ul class="replies">
              {replies.map((r) => (
                <ReplyItem
                  key={r.id}
                  reply={r}
                  caseId={c.id}
                  requireApproval={c.requireApproval === true}
                  act={act}
                  busy={busy}
                />
              ))}
            </ul>
            {c.state !== 'resolved' ? <DraftForm caseId={c.id} act={act} busy={busy} /> : null}
          </section>
        </div>
        <aside class="case-side" aria-labelledby="actions-title">
          <h2 id="actions-title">{t('case.actions')}</h2>
          <Actions caseId={c.id} state={c.state} act={act} busy={busy} />
          <section aria-labelledby="history-title">
            <h2 id="history-title">{t('case.history')}</h2>
            <ol class="history">
              {detail.history.map((h) => (
                <li key={h.transitionId}>
                  <time dateTime={h.at}>{dateTime(language, h.at)}</time> <strong>{h.action}</strong>{' '}
                  {h.from !== h.to ? `${labelOf(t, 'state', h.from)} → ${labelOf(t, 'state', h.to)} ` : ''}
                  <span class="actor">{t('case.by', { actor: actorName(h.actor) })}</span>
                  {h.detail ? (
                    <span class="detail">
                      {' '}
                      {Object.entries(h.detail)
                        .map(([k, v]) => `${k}: ${v}`)
                        .join(', ')}
                    </span>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </article>
  );
}

function Fact(props: { label: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/** The SLA clock: business minutes left (or over) from the API, paused while waiting on the customer. */
function SlaClock(props: { detail: CaseDetail }) {
  const { t, language } = useConsole();
  const { sla, case: c } = props.detail;
  const due = sla?.dueAt ?? c.dueAt;
  if (sla?.paused)
    return <span class="sla paused">{t('case.slaPaused', { since: dateTime(language, sla.pausedSince) })}</span>;
  if (sla)
    return (
      <span class={`sla ${sla.businessMinutesLeft < 0 ? 'over' : ''}`}>
        {sla.businessMinutesLeft < 0
          ? t('case.slaOver', { time: duration(sla.businessMinutesLeft) })
          : t('case.slaLeft', { time: duration(sla.businessMinutesLeft) })}{' '}
        ({t('case.slaDue', { due: dateTime(language, due) })})
      </span>
    );
  return (
    <span class={`sla ${due < new Date().toISOString() && c.state !== 'resolved' ? 'over' : ''}`}>
      {t('case.slaDue', { due: `${dateTime(language, due)} (${relative(language, due)})` })}
    </span>
  );
}

type Act = (label: string, run: () => Promise<unknown>) => Promise<boolean>;

function ReplyItem(props: { reply: Reply; caseId: string; requireApproval: boolean; act: Act; busy: boolean }) {
  const { t, language, me } = useConsole();
  const { reply } = props;
  const base = `/cases/${encodeURIComponent(props.caseId)}/replies/${encodeURIComponent(reply.id)}`;
  // Four eyes: the API refuses a draft's author as its approver, so the author is not offered the button.
  const canApprove = reply.state === 'draft' && reply.draftedBy !== me?.actor;
  const needsApproval = props.requireApproval || reply.needsOwnerApproval === true;
  const canSend = reply.state === 'approved' || reply.state === 'failed' || (reply.state === 'draft' && !needsApproval);
  return (
    <li class={`reply reply-${reply.state}`} data-testid="reply">
      <p class="reply-head">
        <span class="badge" data-testid="reply-state">
          {labelOf(t, 'case.reply', reply.state)}
        </span>{' '}
        {t('case.by', { actor: actorName(reply.draftedBy) })}
        {reply.draftedAt ? `, ${dateTime(language, reply.draftedAt)}` : ''}
        {reply.approvedBy ? ` · ${t('case.reply.approved')}: ${actorName(reply.approvedBy)}` : ''}
        {reply.needsOwnerApproval ? <span class="badge warn">{t('case.reply.ownerApproval')}</span> : null}
      </p>
      <p class="reply-text">{reply.text}</p>
      {reply.error ? (
        <p class="notice error" role="alert">
          {reply.error}
        </p>
      ) : null}
      {reply.url ? (
        <p>
          <a href={reply.url} target="_blank" rel="noopener noreferrer">
            {t('case.onPlatform', { platform: '' }).trim()}
          </a>
        </p>
      ) : null}
      <div class="buttons">
        {canApprove ? (
          <button
            type="button"
            disabled={props.busy}
            onClick={() => void props.act(t('case.approve'), () => api.post(`${base}/approve`))}
          >
            {t('case.approve')}
          </button>
        ) : null}
        {canSend ? (
          <button
            type="button"
            class="primary"
            disabled={props.busy}
            onClick={() => void props.act(t('case.send'), () => api.post(`${base}/send`))}
          >
            {t('case.send')}
          </button>
        ) : null}
        {canSend ? (
          <button
            type="button"
            disabled={props.busy}
            onClick={() => void props.act(t('case.markSent'), () => api.post(`${base}/sent`))}
          >
            {t('case.markSent')}
          </button>
        ) : null}
      </div>
    </li>
  );
}

function DraftForm(props: { caseId: string; act: Act; busy: boolean }) {
  const { t } = useConsole();
  const [text, setText] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const ok = await props.act(t('case.draftSubmit'), () =>
      api.post(`/cases/${encodeURIComponent(props.caseId)}/replies`, { text }),
    );
    if (ok) setText('');
  };
  return (
    <form class="draft" onSubmit={(e) => void submit(e)}>
      <label for="draft-text">{t('case.draft')}</label>
      <textarea
        id="draft-text"
        rows={4}
        required
        maxLength={10_000}
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <button type="submit" disabled={props.busy || !text.trim()}>
        {t('case.draftSubmit')}
      </button>
    </form>
  );
}

/** The transitions a state allows (the API decides; hiding the impossible ones keeps the page short). */
const TRANSITIONS: Readonly<Record<string, readonly ('wait' | 'respond' | 'resolve' | 'reopen')[]>> = {
  new: ['wait', 'respond', 'resolve'],
  assigned: ['wait', 'respond', 'resolve'],
  waiting: ['respond', 'resolve', 'reopen'],
  responded: ['resolve', 'reopen'],
  resolved: ['reopen'],
};

function Actions(props: { caseId: string; state: string; act: Act; busy: boolean }) {
  const { t, me } = useConsole();
  const [assignee, setAssignee] = useState('');
  const [note, setNote] = useState('');
  const [department, setDepartment] = useState('');
  const [reason, setReason] = useState('');
  const [category, setCategory] = useState('');
  const base = `/cases/${encodeURIComponent(props.caseId)}`;
  const assign = (value: string | null, label: string) =>
    void props.act(label, () => api.post(`${base}/assign`, { assignee: value }));
  const transition = (action: 'wait' | 'respond' | 'resolve' | 'reopen') =>
    void props
      .act(t(`case.${action}` as MessageKey), () =>
        api.post(`${base}/transition`, { action, ...(note.trim() ? { note: note.trim() } : {}) }),
      )
      .then((ok) => ok && setNote(''));
  const reroute = async (event: Event) => {
    event.preventDefault();
    const ok = await props.act(t('case.reroute'), () =>
      api.post(`${base}/reroute`, {
        department: department.trim(),
        reason: reason.trim(),
        ...(category ? { category } : {}),
      }),
    );
    if (ok) setReason('');
  };
  return (
    <div class="actions">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          assign(assignee.trim(), t('case.assign'));
        }}
      >
        <label for="assign-to">{t('case.assignTo')}</label>
        <input
          id="assign-to"
          type="email"
          value={assignee}
          onInput={(e) => setAssignee((e.currentTarget as HTMLInputElement).value)}
        />
        <div class="buttons">
          <button type="submit" disabled={props.busy || !assignee.trim()}>
            {t('case.assign')}
          </button>
          {me?.email ? (
            <button type="button" disabled={props.busy} onClick={() => assign(me.email ?? null, t('case.assignMe'))}>
              {t('case.assignMe')}
            </button>
          ) : null}
          <button type="button" disabled={props.busy} onClick={() => assign(null, t('case.assignTeam'))}>
            {t('case.assignTeam')}
          </button>
        </div>
      </form>
      <div class="transition">
        <label for="transition-note">{t('case.note')}</label>
        <input
          id="transition-note"
          value={note}
          onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)}
        />
        <div class="buttons">
          {(TRANSITIONS[props.state] ?? []).map((action) => (
            <button key={action} type="button" disabled={props.busy} onClick={() => transition(action)}>
              {t(`case.${action}` as MessageKey)}
            </button>
          ))}
        </div>
      </div>
      <form onSubmit={(e) => void reroute(e)}>
        <fieldset>
          <legend>{t('case.reroute')}</legend>
          <label for="reroute-department">{t('case.rerouteTo')}</label>
          <input
            id="reroute-department"
            required
            value={department}
            onInput={(e) => setDepartment((e.currentTarget as HTMLInputElement).value)}
          />
          <label for="reroute-reason">{t('case.rerouteReason')}</label>
          <input
            id="reroute-reason"
            required
            value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
          />
          <label for="reroute-category">{t('case.rerouteCategory')}</label>
          <select
            id="reroute-category"
            value={category}
            onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{t('common.none')}</option>
            {CATEGORIES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
          <button type="submit" disabled={props.busy || !department.trim() || !reason.trim()}>
            {t('case.reroute')}
          </button>
        </fieldset>
      </form>
    </div>
  );
}
