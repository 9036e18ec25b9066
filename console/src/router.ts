import { useEffect, useState } from 'preact/hooks';

/** The console's base path: every client route lives under it. */
export const BASE = '/console';

/** A client route: the page and its parameter. */
export type Route =
  | { readonly page: 'queue' }
  | { readonly page: 'case'; readonly id: string }
  | { readonly page: 'approvals' }
  | { readonly page: 'accounts'; readonly id?: string }
  | { readonly page: 'themes' }
  | { readonly page: 'reports'; readonly id?: string }
  | { readonly page: 'login' }
  | { readonly page: 'callback' }
  | { readonly page: 'not-found' };

/** The route of a path such as `/console/cases/case_…`. */
export function routeOf(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (parts.length === 0) return { page: 'queue' };
  if (first === 'cases' && second && parts.length === 2) return { page: 'case', id: second };
  if (first === 'approvals' && parts.length === 1) return { page: 'approvals' };
  if (first === 'accounts' && parts.length <= 2)
    return second ? { page: 'accounts', id: second } : { page: 'accounts' };
  if (first === 'themes' && parts.length === 1) return { page: 'themes' };
  if (first === 'reports' && parts.length <= 2) return second ? { page: 'reports', id: second } : { page: 'reports' };
  if (first === 'login' && parts.length === 1) return { page: 'login' };
  if (first === 'callback' && parts.length === 1) return { page: 'callback' };
  return { page: 'not-found' };
}

/** Goes to a console path (with query) without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The current location, re-rendered on every navigation. */
export function useLocation(): { pathname: string; search: string } {
  const [location, setLocation] = useState(() => ({
    pathname: window.location.pathname,
    search: window.location.search,
  }));
  useEffect(() => {
    const update = () => setLocation({ pathname: window.location.pathname, search: window.location.search });
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return location;
}

/** A click on a console link navigates in place; modified clicks (new tab) stay the browser's. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.currentTarget as HTMLAnchorElement | null) ?? undefined;
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(anchor.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith(BASE)) return;
  event.preventDefault();
  navigate(`${url.pathname}${url.search}`);
}
