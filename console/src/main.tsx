import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, configureApi } from './api.ts';
import { clearSession, currentSession, pkceModule } from './auth/session.ts';
import { Link } from './components/link.tsx';
import { loadConfig, type ConsoleConfig } from './config.ts';
import { Context, type ConsoleContext } from './context.ts';
import { LANGUAGES, storedLanguage, storeLanguage, translator, type Language } from './i18n.ts';
import { AccountsPage } from './pages/accounts.tsx';
import { ApprovalsPage } from './pages/approvals.tsx';
import { CasePage } from './pages/case.tsx';
import { CallbackPage, LoginPage } from './pages/login.tsx';
import { QueuePage } from './pages/queue.tsx';
import { ReportsPage } from './pages/reports.tsx';
import { ThemesPage } from './pages/themes.tsx';
import { BASE, navigate, routeOf, useLocation, type Route } from './router.ts';
import type { Me } from './types.ts';
import './styles.css';

function App(props: { config: ConsoleConfig }) {
  const location = useLocation();
  const route = routeOf(location.pathname);
  const [language, setLanguage] = useState<Language>(() => storedLanguage() ?? props.config.language);
  const [me, setMe] = useState<Me | undefined>(undefined);
  const [signedIn, setSignedIn] = useState(() => currentSession() !== undefined);
  // A new sign-in (another person, or the same after a 401) loads /me again.
  const [sessionKey, setSessionKey] = useState(0);
  const onSignedIn = () => {
    setSignedIn(true);
    setSessionKey((k) => k + 1);
  };
  const t = useMemo(() => translator(language), [language]);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  // Every page needs to know who is signed in: GET /me once per session.
  useEffect(() => {
    if (!signedIn) return;
    api
      .get<Me>('/me')
      .then(setMe)
      .catch(() => setMe(undefined));
  }, [signedIn, sessionKey]);

  const needsLogin = !signedIn && route.page !== 'login' && route.page !== 'callback';
  useEffect(() => {
    if (needsLogin) {
      const back = `${location.pathname}${location.search}`;
      navigate(`${BASE}/login?next=${encodeURIComponent(back)}`, { replace: true });
    }
  }, [needsLogin, location.pathname, location.search]);

  const context: ConsoleContext = { config: props.config, language, t, me };
  const changeLanguage = (next: Language) => {
    storeLanguage(next);
    setLanguage(next);
  };
  const logout = async () => {
    clearSession();
    setSignedIn(false);
    setMe(undefined);
    if (props.config.auth !== 'local') {
      try {
        await (await pkceModule()).logout();
      } catch {
        // Without the module there is no identity provider session to end.
      }
    }
    navigate(`${BASE}/login`);
  };

  if (route.page === 'login' || route.page === 'callback' || needsLogin) {
    return (
      <Context.Provider value={context}>
        <main id="main" class="login">
          {route.page === 'callback' ? <CallbackPage onSignedIn={onSignedIn} /> : <LoginPage onSignedIn={onSignedIn} />}
          <LanguageSwitch language={language} onChange={changeLanguage} label={t('nav.language')} />
        </main>
      </Context.Provider>
    );
  }

  return (
    <Context.Provider value={context}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{props.config.company?.name ?? t('app.title')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            <NavItem href={`${BASE}/?mine=1`} current={route.page === 'queue' && location.search.includes('mine=1')}>
              {t('nav.mine')}
            </NavItem>
            <NavItem href={`${BASE}/`} current={route.page === 'queue' && !location.search.includes('mine=1')}>
              {t('nav.queue')}
            </NavItem>
            <NavItem href={`${BASE}/approvals`} current={route.page === 'approvals'}>
              {t('nav.approvals')}
            </NavItem>
            <NavItem href={`${BASE}/accounts`} current={route.page === 'accounts'}>
              {t('nav.accounts')}
            </NavItem>
            <NavItem href={`${BASE}/themes`} current={route.page === 'themes'}>
              {t('nav.themes')}
            </NavItem>
            <NavItem href={`${BASE}/reports`} current={route.page === 'reports'}>
              {t('nav.reports')}
            </NavItem>
          </ul>
        </nav>
        <div class="who">
          {me ? (
            <span class="me">{me.name}</span>
          ) : currentSession()?.name ? (
            <span class="me">{currentSession()?.name}</span>
          ) : null}
          <LanguageSwitch language={language} onChange={changeLanguage} label={t('nav.language')} />
          <button type="button" class="link" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} search={location.search} />
      </main>
    </Context.Provider>
  );
}

function Page(props: { route: Route; search: string }) {
  const { route } = props;
  switch (route.page) {
    case 'queue':
      return <QueuePage search={props.search} />;
    case 'case':
      return <CasePage id={route.id} />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'accounts':
      return <AccountsPage id={route.id} />;
    case 'themes':
      return <ThemesPage />;
    case 'reports':
      return <ReportsPage id={route.id} search={props.search} />;
    default:
      return <h1>404</h1>;
  }
}

function NavItem(props: { href: string; current: boolean; children: string }) {
  return (
    <li>
      <Link href={props.href} current={props.current}>
        {props.children}
      </Link>
    </li>
  );
}

function LanguageSwitch(props: { language: Language; onChange: (language: Language) => void; label: string }) {
  return (
    <label class="language">
      <span class="visually-hidden">{props.label}</span>
      <select
        value={props.language}
        onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value as Language)}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {l === 'de' ? 'Deutsch' : 'English'}
          </option>
        ))}
      </select>
    </label>
  );
}

async function boot(): Promise<void> {
  const config = await loadConfig();
  configureApi({
    base: config.apiBase,
    onUnauthorized: () => navigate(`${BASE}/login?next=${encodeURIComponent(location.pathname + location.search)}`),
  });
  const root = document.getElementById('app');
  if (root) render(<App config={config} />, root);
}

void boot();
