import { ApiError } from '../api.ts';
import { useConsole } from '../context.ts';

/** Loading, failed or missing-route states of a page, announced to screen readers. */
export function LoadState(props: { loading: boolean; error: Error | undefined; onRetry?: () => void }) {
  const { t } = useConsole();
  if (props.error) {
    const missing =
      props.error instanceof ApiError && props.error.status === 404 && !props.error.path.startsWith('/cases/');
    return (
      <div class="notice error" role="alert">
        <p>
          {missing
            ? t('common.notAvailable', { route: (props.error as ApiError).path.split('?')[0] ?? '' })
            : `${t('common.error')}: ${props.error.message}`}
        </p>
        {props.onRetry && !missing ? (
          <button type="button" onClick={props.onRetry}>
            {t('common.retry')}
          </button>
        ) : null}
      </div>
    );
  }
  if (props.loading)
    return (
      <p class="notice" role="status">
        {t('common.loading')}
      </p>
    );
  return null;
}

/** A console link that navigates in place. */
export { Link } from './link.tsx';
