import { useEffect, useState } from 'preact/hooks';
import { pkceModule, saveSession, type LocalMember } from '../auth/session.ts';
import { useConsole } from '../context.ts';
import { BASE, navigate } from '../router.ts';

/** Where to go after signing in: a console path from `?next=`, never another origin. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '';
  return next.startsWith(`${BASE}/`) && !next.startsWith('//') && !next.startsWith(`${BASE}/login`) ? next : `${BASE}/`;
}

/**
 * Sign-in. Locally: the members of tokens.json (`GET /console/login/members`, then
 * `POST /console/login`); a server without that list gets a token field. With an identity
 * provider: the authorization code flow with PKCE (auth/pkce.ts).
 */
export function LoginPage(props: { onSignedIn: () => void }) {
  const { t, config } = useConsole();
  const [members, setMembers] = useState<readonly LocalMember[] | undefined | null>(undefined);
  const [member, setMember] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (config.auth !== 'local') return;
    fetch('/console/login/members', { headers: { accept: 'application/json' } })
      .then(async (response) => {
        if (!response.ok) return setMembers(null);
        const body = (await response.json()) as { members?: LocalMember[] };
        setMembers(body.members ?? null);
        setMember(body.members?.[0]?.id ?? '');
      })
      .catch(() => setMembers(null));
  }, [config.auth]);

  const done = (session: { token: string; name?: string; expiresAt?: number }) => {
    saveSession(session);
    props.onSignedIn();
    navigate(nextPath(), { replace: true });
  };

  const signInAsMember = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch('/console/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ member }),
      });
      const body = (await response.json().catch(() => ({}))) as { token?: string; name?: string; message?: string };
      if (!response.ok || !body.token) throw new Error(body.message ?? `${response.status}`);
      done({ token: body.token, ...(body.name ? { name: body.name } : {}) });
    } catch (failure) {
      setError(t('login.failed', { message: (failure as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  const signInWithToken = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const value = token.trim();
    if (!value) return;
    // The token is checked by the first API call: a wrong one comes back here with a 401.
    done({ token: value });
  };

  const signInWithProvider = async () => {
    setError(undefined);
    try {
      sessionStorage.setItem('backchannel.next', nextPath());
      await (await pkceModule()).startLogin(config);
    } catch (failure) {
      setError(t('login.failed', { message: (failure as Error).message }));
    }
  };

  return (
    <section class="card login-card" aria-labelledby="login-title">
      <h1 id="login-title">
        {config.company?.name ? `${config.company.name} · ` : ''}
        {t('login.title')}
      </h1>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {config.auth !== 'local' ? (
        <button type="button" class="primary" onClick={() => void signInWithProvider()}>
          {t('login.oidc')}
        </button>
      ) : members === undefined ? (
        <p role="status">{t('common.loading')}</p>
      ) : members ? (
        <form onSubmit={(event) => void signInAsMember(event)}>
          <p>{t('login.intro')}</p>
          <label for="login-member">{t('login.member')}</label>
          <select
            id="login-member"
            value={member}
            onChange={(e) => setMember((e.currentTarget as HTMLSelectElement).value)}
          >
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
                {m.departments.length > 0
                  ? ` (${m.departments.map((d) => (typeof d === 'string' ? d : (d.name ?? d.id))).join(', ')})`
                  : ''}
              </option>
            ))}
          </select>
          <button type="submit" class="primary" disabled={busy || !member}>
            {t('login.submit')}
          </button>
        </form>
      ) : (
        <form onSubmit={(event) => void signInWithToken(event)}>
          <p>{t('login.tokenIntro')}</p>
          <label for="login-token">{t('login.token')}</label>
          <input
            id="login-token"
            type="password"
            autocomplete="off"
            value={token}
            onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" class="primary">
            {t('login.submit')}
          </button>
        </form>
      )}
    </section>
  );
}

/** The identity provider's redirect back: exchange the code (pkce.ts), keep the token, go on. */
export function CallbackPage(props: { onSignedIn: () => void }) {
  const { t, config } = useConsole();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    pkceModule()
      .then((pkce) => pkce.completeLogin(config, window.location.href))
      .then((tokens) => {
        saveSession({ token: tokens.accessToken, expiresAt: tokens.expiresAt });
        props.onSignedIn();
        const next = sessionStorage.getItem('backchannel.next') ?? `${BASE}/`;
        sessionStorage.removeItem('backchannel.next');
        navigate(next.startsWith(`${BASE}/`) ? next : `${BASE}/`, { replace: true });
      })
      .catch((failure: unknown) => setError(t('login.failed', { message: (failure as Error).message })));
  }, []);
  return error ? (
    <p class="notice error" role="alert">
      {error}
    </p>
  ) : (
    <p role="status">{t('common.loading')}</p>
  );
}
