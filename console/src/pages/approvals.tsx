import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Link } from '../components/link.tsx';
import { LoadState } from '../components/status.tsx';
import { useApi, useConsole } from '../context.ts';
import { actorName, dateTime } from '../format.ts';
import { BASE } from '../router.ts';
import type { Approval } from '../types.ts';

/** The drafts the signed-in person may approve (GET /approvals), each approvable in place. */
export function ApprovalsPage() {
  const { t, language } = useConsole();
  const loaded = useApi<{ replies: readonly Approval[] }>('/approvals');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const approve = async (item: Approval) => {
    try {
      await api.post(`/cases/${encodeURIComponent(item.caseId)}/replies/${encodeURIComponent(item.replyId)}/approve`);
      setMessage({ ok: true, text: t('case.done', { action: t('case.approve') }) });
      loaded.reload();
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };
  const replies = loaded.data?.replies ?? [];
  return (
    <section aria-labelledby="approvals-title">
      <h1 id="approvals-title">{t('approvals.title')}</h1>
      <div
        role="status"
        aria-live="polite"
        class={message ? `notice ${message.ok ? 'ok' : 'error'}` : 'visually-hidden'}
      >
        {message?.text ?? ''}
      </div>
      <LoadState loading={loaded.loading} error={loaded.error} onRetry={loaded.reload} />
      {loaded.data && replies.length === 0 ? <p class="notice">{t('approvals.empty')}</p> : null}
      <ul class="cards">
        {replies.map((item) => (
          <li key={item.replyId} class="card">
            <p class="meta">
              <Link href={`${BASE}/cases/${encodeURIComponent(item.caseId)}`}>{item.caseId}</Link> · {item.department}
            </p>
            <blockquote>{item.text}</blockquote>
            <p class="meta">
              {t('approvals.draftedBy', { actor: actorName(item.draftedBy), at: dateTime(language, item.draftedAt) })}
            </p>
            <button type="button" class="primary" onClick={() => void approve(item)}>
              {t('case.approve')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
