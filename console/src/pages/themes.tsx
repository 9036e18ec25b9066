import { LoadState } from '../components/status.tsx';
import { useApi, useConsole, type Loaded } from '../context.ts';
import type { ThemeSummary } from '../types.ts';

type Period = { readonly from: string; readonly to: string };

/** Themes, product ideas and project suggestions of the last weeks (GET /themes, /ideas, /projects). */
export function ThemesPage() {
  const { t } = useConsole();
  const themes = useApi<{ period: Period; themes: readonly ThemeSummary[] }>('/themes');
  const ideas = useApi<{ period: Period; ideas: readonly ThemeSummary[] }>('/ideas?limit=10');
  const projects = useApi<{ period: Period; communityProjects: readonly ThemeSummary[] }>('/projects?limit=10');
  const period = themes.data?.period;
  return (
    <section aria-labelledby="themes-title">
      <h1 id="themes-title">{t('themes.title')}</h1>
      {period ? <p class="meta">{t('themes.period', { from: period.from, to: period.to })}</p> : null}
      <ThemeTable id="themes" caption={t('themes.title')} loaded={themes} rows={themes.data?.themes} />
      <h2 id="ideas">{t('themes.ideas')}</h2>
      <ThemeTable id="ideas-table" caption={t('themes.ideas')} loaded={ideas} rows={ideas.data?.ideas} />
      <h2 id="projects">{t('themes.projects')}</h2>
      <ThemeTable
        id="projects-table"
        caption={t('themes.projects')}
        loaded={projects}
        rows={projects.data?.communityProjects}
      />
    </section>
  );
}

function ThemeTable(props: {
  id: string;
  caption: string;
  loaded: Loaded<unknown>;
  rows: readonly ThemeSummary[] | undefined;
}) {
  const { t } = useConsole();
  const { loaded, rows } = props;
  if (!rows) return <LoadState loading={loaded.loading} error={loaded.error} onRetry={loaded.reload} />;
  if (rows.length === 0) return <p class="notice">{t('themes.empty')}</p>;
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <table class="themes" id={props.id}>
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('themes.col.label')}</th>
          <th scope="col">{t('themes.col.count')}</th>
          <th scope="col">{t('themes.col.trend')}</th>
          <th scope="col">{t('themes.col.owner')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row" data-label={t('themes.col.label')}>
              {row.label}
            </th>
            <td data-label={t('themes.col.count')}>
              <span class="bar" aria-hidden="true">
                <span style={{ width: `${Math.round((row.count / max) * 100)}%` }} />
              </span>
              {row.count} <span class="meta">({row.previousCount})</span>
            </td>
            <td data-label={t('themes.col.trend')}>{row.trend}</td>
            <td data-label={t('themes.col.owner')}>
              {[row.processId, row.owner].filter(Boolean).join(' · ') || t('common.none')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
