import { createContext } from 'preact';
import { useContext, useCallback, useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from './api.ts';
import type { ConsoleConfig } from './config.ts';
import type { Language, Translate } from './i18n.ts';
import type { Me } from './types.ts';

/** What every page knows: the config, the language and the signed-in person (undefined while `GET /me` is missing). */
export interface ConsoleContext {
  readonly config: ConsoleConfig;
  readonly language: Language;
  readonly t: Translate;
  readonly me: Me | undefined;
}

export const Context = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const value = useContext(Context);
  if (!value) throw new Error('useConsole outside the console');
  return value;
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiError | Error | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** GETs a path of the admin API (again when the path changes, or on `reload`). No path: nothing is loaded. */
export function useApi<T>(path: string | undefined): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError | Error; loading: boolean }>({
    loading: path !== undefined,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === undefined) return;
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    api
      .get<T>(path)
      .then((data) => current && setState({ data, loading: false }))
      .catch((error: unknown) => current && setState({ error: error as Error, loading: false }));
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
