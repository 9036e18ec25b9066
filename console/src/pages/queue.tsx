import { useEffect, useState } from 'preact/hooks';
import { api, queryOf } from '../api.ts';
import { Link } from '../components/link.tsx';
import { LoadState } from '../components/status.tsx';
import { useApi, useConsole } from '../context.ts';
import { relative, actorName } from '../format.ts';
import { labelOf } from '../i18n.ts';
import { BASE, navigate } from '../router.ts';
import type { CaseListAnswer, CaseSummary } from '../types.ts';
import { PLATFORMS, PRIORITIES, STATES } from '../vocabulary.ts';

/** The filters of the queue, as they stand in the page's query string and in GET /cases's. */
interface Filters {
  readonly mine?: string;
  readonly department?: string;
  readonly state?: string;
  readonly due?: string;
  readonly priority?: string;
  readonly assignee?: string;
  readonly platform?: string;
  readonly role?: string;
}

const FILTER_NAMES = ['mine', 'department', 'state', 'due', 'priority', 'assignee', 'platform', 'role'] as const;
/** One page of GET /cases; "load more" fetches the next. */
const PAGE_SIZE = 100;

function filtersOf(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  return filters;
}

function casesOf(answer: CaseListAnswer | undefined): { cases: readonly CaseSummary[]; next?: string } {
  if (!answer) return { cases: [] };
  const next = answer.nextCursor ?? answer.cursor;
  return { cases: answer.cases ?? answer.items ?? [], ...(next ? { next } : {}) };
}

/** My cases (`?mine=1`) or a department's queue, with the filters of the contract. */
export function QueuePage(props: { search: string }) {
  const { t, language, me } = useConsole();
  const filters = filtersOf(props.search);
  const mine = filters.mine === '1';
  const department = mine ? filters.department : (filters.department ?? me?.departments[0]?.id);
  const query = queryOf({ ...filters, department, state: filters.state ?? 'open', limit: String(PAGE_SIZE) });
  // Without a department (and not "mine") there is nothing to ask for yet: wait for /me or a choice.
  const loaded = useApi<CaseListAnswer>(mine || department ? `/cases${query}` : undefined);
  const [more, setMore] = useState<{ cases: CaseSummary[]; next?: string; error?: string }>({ cases: [] });
  useEffect(() => setMore({ cases: [] }), [query]);

  const first = casesOf(loaded.data);
  const cases = [...first.cases, ...more.cases].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const nextCursor = more.next ?? (more.cases.length === 0 ? first.next : undefined);

  const loadMore = async () => {
    if (!nextCursor) return;
    try {
      const page = casesOf(await api.get<CaseListAnswer>(`/cases${query}&cursor=${encodeURIComponent(nextCursor)}`));
      setMore((previous) => ({ cases: [...previous.cases, ...page.cases], ...(page.next ? { next: page.next } : {}) }));
    } catch (error) {
      setMore((previous) => ({ ...previous, error: (error as Error).message }));
    }
  };

  const change = (name: keyof Filters, value: string) => {
    const next: Record<string, string | undefined> = { ...filters, [name]: value || undefined };
    navigate(`${BASE}/${queryOf(next)}`, { replace: true });
  };

  const departmentName = me?.departments.find((d) => d.id === department)?.name ?? department ?? '';
  const now = Date.now();
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{mine ? t('queue.titleMine') : t('queue.titleDept', { department: departmentName })}</h1>
      <form class="filters" aria-label={t('queue.filters')} onSubmit={(e) => e.preventDefault()}>
        {me && me.departments.length > 0 ? (
          <Select
            id="f-department"
            label={t('queue.department')}
            value={department ?? ''}
            onChange={(v) => change('department', v)}
            options={[
              ...(mine ? [['', t('queue.any')] as const] : []),
              ...me.departments.map((d) => [d.id, d.name] as const),
            ]}
          />
        ) : (
          <label class="field" for="f-department">
            <span>{t('queue.department')}</span>
            <input
              id="f-department"
              value={department ?? ''}
              onChange={(e) => change('department', (e.currentTarget as HTMLInputElement).value.trim())}
            />
          </label>
        )}
        <Select
          id="f-state"
          label={t('queue.state')}
          value={filters.state ?? 'open'}
          onChange={(v) => change('state', v === 'open' ? '' : v)}
          options={[
            ['open', t('queue.stateOpen')],
            ...STATES.map((s) => [s, labelOf(t, 'state', s)] as const),
            ['all', t('queue.stateAll')],
          ]}
        />
        <Select
          id="f-due"
          label={t('queue.due')}
          value={filters.due ?? ''}
          onChange={(v) => change('due', v)}
          options={[
            ['', t('queue.dueAny')],
            ['overdue', t('queue.dueOverdue')],
            ['today', t('queue.dueToday')],
          ]}
        />
        <Select
          id="f-priority"
          label={t('queue.priority')}
          value={filters.priority ?? ''}
          onChange={(v) => change('priority', v)}
          options={[['', t('queue.any')], ...PRIORITIES.map((p) => [p, labelOf(t, 'priority', p)] as const)]}
        />
        {mine ? null : (
          <Select
            id="f-assignee"
            label={t('queue.assignee')}
            value={filters.assignee ?? ''}
            onChange={(v) => change('assignee', v)}
            options={[
              ['', t('queue.assigneeAny')],
              ['none', t('queue.assigneeNone')],
              ...(me?.email ? [[me.email, me.name] as const] : []),
            ]}
          />
        )}
        <Select
          id="f-platform"
          label={t('queue.platform')}
          value={filters.platform ?? ''}
          onChange={(v) => change('platform', v)}
          options={[['', t('queue.any')], ...PLATFORMS.map((p) => [p, p] as const)]}
        />
        {mine ? null : (
          <Select
            id="f-role"
            label={t('queue.role')}
            value={filters.role ?? ''}
            onChange={(v) => change('role', v)}
            options={[
              ['', t('queue.roleOwner')],
              ['cc', t('queue.roleCc')],
              ['approver', t('queue.roleApprover')],
            ]}
          />
        )}
      </form>
      <LoadState loading={loaded.loading} error={loaded.error} onRetry={loaded.reload} />
      {loaded.data ? (
        <>
          <p class="count" role="status">
            {t('queue.count', { count: cases.length })}
          </p>
          {cases.length === 0 ? (
            <p class="notice">{t('queue.empty')}</p>
          ) : (
            <table class="cases">
              <caption class="visually-hidden">{t('queue.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('queue.col.case')}</th>
                  <th scope="col">{t('queue.col.state')}</th>
                  <th scope="col">{t('queue.col.priority')}</th>
                  <th scope="col">{t('queue.col.due')}</th>
                  <th scope="col">{t('queue.col.assignee')}</th>
                  <th scope="col">{t('queue.col.platform')}</th>
                  <th scope="col">{t('queue.col.labels')}</th>
                </tr>
              </thead>
              <tbody>
                {cases.map((c) => {
                  const overdue = c.state !== 'resolved' && c.dueAt < new Date(now).toISOString();
                  return (
                    <tr key={c.id} class={overdue ? 'overdue' : undefined}>
                      <th scope="row" data-label={t('queue.col.case')}>
                        <Link href={`${BASE}/cases/${encodeURIComponent(c.id)}`}>
                          {c.title ?? `${c.category} · ${c.id.slice(5, 13)}`}
                        </Link>
                        {c.waitingForApproval ? <span class="badge warn">{t('queue.waitingForApproval')}</span> : null}
                        {!c.waitingForApproval && (c.needsApproval ?? c.requireApproval) ? (
                          <span class="badge">{t('queue.needsApproval')}</span>
                        ) : null}
                      </th>
                      <td data-label={t('queue.col.state')}>
                        <span class={`state state-${c.state}`}>{labelOf(t, 'state', c.state)}</span>
                      </td>
                      <td data-label={t('queue.col.priority')}>
                        <span class={`priority priority-${c.priority}`}>{labelOf(t, 'priority', c.priority)}</span>
                      </td>
                      <td data-label={t('queue.col.due')}>
                        <time dateTime={c.dueAt}>{relative(language, c.dueAt, now)}</time>
                      </td>
                      <td data-label={t('queue.col.assignee')}>
                        {c.assignee ? actorName(c.assignee) : t('common.none')}
                      </td>
                      <td data-label={t('queue.col.platform')}>{c.platform}</td>
                      <td data-label={t('queue.col.labels')}>
                        {[c.category, c.sentiment, ...(c.tags ?? [])].filter(Boolean).join(' · ')}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {more.error ? (
            <p class="notice error" role="alert">
              {more.error}
            </p>
          ) : null}
          {nextCursor ? (
            <button type="button" onClick={() => void loadMore()}>
              {t('common.more')}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function Select(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly (readonly [string, string])[];
}) {
  return (
    <label class="field" for={props.id}>
      <span>{props.label}</span>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

export { Select };
