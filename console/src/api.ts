import { clearSession, currentSession } from './auth/session.ts';

/** An answer of the admin API that is not 2xx: its status and the API's `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Every call the console made, in order: the bench counts them per page. */
export interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

declare global {
  interface Window {
    __backchannelApiCalls?: ApiCall[];
  }
}

let apiBase = '';
let onUnauthorized: () => void = () => {};

/** Sets the API's base URL and what happens when the API refuses the session (back to the login page). */
export function configureApi(options: { base: string; onUnauthorized: () => void }): void {
  apiBase = options.base;
  onUnauthorized = options.onUnauthorized;
}

async function request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const session = currentSession();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${apiBase}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  window.__backchannelApiCalls ??= [];
  window.__backchannelApiCalls.push({ method, path, status: response.status });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    if (response.status === 401) {
      clearSession();
      onUnauthorized();
    }
    const message =
      typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string'
        ? (parsed as { message: string }).message
        : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, path);
  }
  return (parsed ?? text) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
};

/** A query string of the values that are set (empty ones are left out), with its `?`. */
export function queryOf(values: Readonly<Record<string, string | undefined>>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
