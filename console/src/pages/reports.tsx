import { queryOf } from '../api.ts';
import { Link } from '../components/link.tsx';
import { LoadState } from '../components/status.tsx';
import { Select } from './queue.tsx';
import { useApi, useConsole } from '../context.ts';
import { BASE, navigate } from '../router.ts';
import type { StoredReport } from '../types.ts';

/** Stored daily and weekly reports (GET /reports), and one report's numbers (GET /reports/{id}). */
export function ReportsPage(props: { id?: string; search: string }) {
  const { t, me } = useConsole();
  const params = new URLSearchParams(props.search);
  const scope = params.get('scope') ?? me?.departments[0]?.id ?? 'management';
  const period = params.get('period') ?? 'week';
  const list = useApi<{ reports: readonly StoredReport[] }>(`/reports${queryOf({ scope, period, limit: '20' })}`);
  const report = useApi<Record<string, unknown>>(props.id ? `/reports/${encodeURIComponent(props.id)}` : undefined);
  const change = (name: string, value: string) =>
    navigate(
      `${BASE}/reports${props.id ? `/${encodeURIComponent(props.id)}` : ''}${queryOf({ scope, period, [name]: value })}`,
      {
        replace: true,
      },
    );
  return (
    <section aria-labelledby="reports-title" class="split">
      <div>
        <h1 id="reports-title">{t('reports.title')}</h1>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <Select
            id="r-scope"
            label={t('reports.scope')}
            value={scope}
            onChange={(v) => change('scope', v)}
            options={[
              ...(me?.departments ?? []).map((d) => [d.id, d.name] as const),
              ['management', t('reports.management')],
            ]}
          />
          <Select
            id="r-period"
            label={t('reports.period')}
            value={period}
            onChange={(v) => change('period', v)}
            options={[
              ['week', t('reports.week')],
              ['day', t('reports.day')],
            ]}
          />
        </form>
        <LoadState loading={list.loading} error={list.error} onRetry={list.reload} />
        {list.data && list.data.reports.length === 0 ? <p class="notice">{t('reports.empty')}</p> : null}
        <ul class="account-list">
          {(list.data?.reports ?? []).map((r) => (
            <li key={r.id}>
              <Link
                href={`${BASE}/reports/${encodeURIComponent(r.id)}${queryOf({ scope, period })}`}
                current={r.id === props.id}
              >
                {t('reports.open', { from: r.from, to: r.to })}
              </Link>
            </li>
          ))}
        </ul>
      </div>
      {props.id ? (
        <div>
          <LoadState loading={report.loading} error={report.error} onRetry={report.reload} />
          {report.data ? <ReportView report={report.data} /> : null}
        </div>
      ) : null}
    </section>
  );
}

/** A stored report as numbers: its plain values as a list, its lists of records as tables. */
function ReportView(props: { report: Record<string, unknown> }) {
  const plain = Object.entries(props.report).filter(([, v]) => v === null || typeof v !== 'object');
  const tables = Object.entries(props.report).filter(
    ([, v]) => Array.isArray(v) && v.length > 0 && v.every((row) => typeof row === 'object' && row !== null),
  ) as [string, Record<string, unknown>[]][];
  const nested = Object.entries(props.report).filter(
    ([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v),
  );
  return (
    <div class="report">
      <dl class="facts">
        {plain.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{String(v)}</dd>
          </div>
        ))}
      </dl>
      {nested.map(([k, v]) => (
        <section key={k}>
          <h2>{k}</h2>
          <ReportView report={v as Record<string, unknown>} />
        </section>
      ))}
      {tables.map(([k, rows]) => {
        const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((c) =>
          rows.every((row) => row[c] === undefined || row[c] === null || typeof row[c] !== 'object'),
        );
        return (
          <table key={k}>
            <caption>{k}</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, 50).map((row, i) => (
                <tr key={i}>
                  {columns.map((c) => (
                    <td key={c} data-label={c}>
                      {row[c] === undefined ? '' : String(row[c])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
    </div>
  );
}
