/**
 * The domain's error family. Each error says whether its message may be shown to the
 * caller; the HTTP mapping lives in exactly one place (shared/observability/http-errors.ts).
 */
export class DomainError extends Error {
  /** Whether the message may be returned to the caller as it is. */
  readonly expose: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not have the expected shape. */
export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A request whose signature or verification token does not match the company's secret. */
export class SignatureError extends DomainError {}

/** Something that was asked for and does not exist. */
export class NotFoundError extends DomainError {}

/**
 * The invocation's time is up (its function's timeout): a step that writes or sends was not
 * started. Its message comes back after its visibility timeout, as when Lambda stops a function
 * at its timeout; locally a run cannot be stopped, so its steps ask (context.getRemainingTimeInMillis).
 */
export class OutOfTimeError extends DomainError {}

/** A write that lost a race or would break an invariant. */
export class ConflictError extends DomainError {}

/**
 * A write based on a case version that another writer has changed since it was read. The
 * change may be applied again on the fresh case (changeCase does so); when it is then no
 * longer allowed, a plain ConflictError says why.
 */
export class StaleCaseError extends ConflictError {}

/** A request that does not say who makes it (no token, or one the entry point does not know). */
export class AuthenticationError extends DomainError {}

/** A caller who is known but may not do what they ask (e.g. approve a reply outside their department). */
export class ForbiddenError extends DomainError {}

/**
 * Something the operator must set up before a request can be served (a platform secret
 * without its signing key): 503, so the sender retries and nothing is lost meanwhile.
 */
export class UnavailableError extends DomainError {}

/** A request body larger than the entry point accepts. */
export class PayloadTooLargeError extends DomainError {
  constructor(
    readonly limitBytes: number,
    readonly actualBytes: number,
  ) {
    super(`body of ${actualBytes} bytes is over the limit of ${limitBytes} bytes`);
  }
}
