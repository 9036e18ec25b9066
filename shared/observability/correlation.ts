import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation keys of the work in progress: the mention id (and the case id) that every
 * log line written while handling one queue record carries, whoever writes it (the handler,
 * a use case's callback, an adapter).
 *
 * They live in an AsyncLocalStorage rather than in the logger's appended keys: the batch
 * processor handles a batch's records concurrently, and the local runtime runs every
 * function in one process, so keys appended to the one shared logger would land on the
 * lines of another record.
 */
export type CorrelationKeys = Readonly<Record<string, string | number | undefined>>;

// Each scope owns its object: appendCorrelation changes the current scope only.
const scope = new AsyncLocalStorage<Record<string, string | number>>();

/**
 * Runs `fn` with `keys` added to the current correlation keys (inner values win); every
 * log line written inside it, in any async continuation, carries them.
 *
 * @example
 * ```ts
 * await withCorrelation({ mentionId: mention.id }, () => classifyMention(mention, deps));
 * ```
 */
export function withCorrelation<T>(keys: CorrelationKeys, fn: () => T): T {
  return scope.run({ ...scope.getStore(), ...defined(keys) }, fn);
}

/**
 * Adds keys to the current scope, for what is learned on the way (the case id once the
 * mention is threaded); lines logged afterwards in this scope carry them. Outside any
 * scope it does nothing.
 */
export function appendCorrelation(keys: CorrelationKeys): void {
  const store = scope.getStore();
  if (store) Object.assign(store, defined(keys));
}

/** The correlation keys of the current async context; empty outside any {@link withCorrelation}. */
export function correlationKeys(): CorrelationKeys {
  return scope.getStore() ?? {};
}

function defined(keys: CorrelationKeys): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(keys).filter(
      (entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}
