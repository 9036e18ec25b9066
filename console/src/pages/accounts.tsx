import { Link } from '../components/link.tsx';
import { LoadState } from '../components/status.tsx';
import { useApi, useConsole } from '../context.ts';
import { dateTime } from '../format.ts';
import { BASE } from '../router.ts';
import type { Account, TimelineItem } from '../types.ts';

function ownerOf(account: Account): string {
  return typeof account.owner === 'string' ? account.owner : account.owner.name;
}

/** Key accounts, and per account the timeline of every public exchange (their mentions, our replies). */
export function AccountsPage(props: { id?: string }) {
  const { t, language } = useConsole();
  const accounts = useApi<{ accounts: readonly Account[] }>('/accounts');
  const timeline = useApi<{ items: readonly TimelineItem[] }>(
    props.id ? `/accounts/${encodeURIComponent(props.id)}/timeline` : undefined,
  );
  const list = accounts.data?.accounts ?? [];
  const current = list.find((a) => a.id === props.id);
  return (
    <section aria-labelledby="accounts-title" class="split">
      <div>
        <h1 id="accounts-title">{t('accounts.title')}</h1>
        <LoadState loading={accounts.loading} error={accounts.error} onRetry={accounts.reload} />
        <ul class="account-list">
          {list.map((a) => (
            <li key={a.id}>
              <Link href={`${BASE}/accounts/${encodeURIComponent(a.id)}`} current={a.id === props.id}>
                {a.name}
              </Link>
              <span class="meta"> · {t('accounts.owner', { owner: ownerOf(a) })}</span>
            </li>
          ))}
        </ul>
      </div>
      {props.id ? (
        <div>
          <h2>{t('accounts.timeline', { name: current?.name ?? props.id })}</h2>
          <LoadState loading={timeline.loading} error={timeline.error} onRetry={timeline.reload} />
          {timeline.data && timeline.data.items.length === 0 ? <p class="notice">{t('accounts.empty')}</p> : null}
          <ol class="timeline">
            {(timeline.data?.items ?? []).map((item) => (
              <li key={`${item.at}-${item.caseId}-${item.kind}`} class={`timeline-${item.kind}`}>
                <p class="meta">
                  <strong>{item.kind === 'reply' ? t('accounts.reply') : t('accounts.mention')}</strong> ·{' '}
                  {item.platform} · {item.author} · <time dateTime={item.at}>{dateTime(language, item.at)}</time> ·{' '}
                  <Link href={`${BASE}/cases/${encodeURIComponent(item.caseId)}`}>{item.caseId}</Link>
                  {item.url ? (
                    <>
                      {' · '}
                      <a href={item.url} target="_blank" rel="noopener noreferrer">
                        {t('case.onPlatform', { platform: item.platform })}
                      </a>
                    </>
                  ) : null}
                </p>
                <p>{item.text}</p>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
