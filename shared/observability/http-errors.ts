import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  AuthenticationError,
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  SignatureError,
  UnavailableError,
  ValidationError,
} from '../domain/errors.ts';
import { logger } from './powertools.ts';

/** An HTTP error answer, with the status and the reason that was logged. */
export interface HttpErrorResult {
  readonly response: APIGatewayProxyStructuredResultV2 & { readonly statusCode: number };
  readonly statusCode: number;
  /** Why, as logged: the error's message for a 4xx, `internal error` for a 500. */
  readonly reason: string;
}

/** The HTTP status of an error: the one place where errors meet statuses. */
export function statusOf(error: unknown): number {
  if (error instanceof ValidationError) return 400;
  if (error instanceof SignatureError || error instanceof AuthenticationError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof PayloadTooLargeError) return 413;
  if (error instanceof UnavailableError) return 503;
  return 500;
}

const GENERIC_MESSAGES: Readonly<Record<number, string>> = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  409: 'conflict',
  413: 'payload too large',
  500: 'internal error',
  503: 'service unavailable',
};

/** How an error answer is written. */
export interface ErrorResponseOptions {
  /**
   * Also put the status in the body, `{"status": 404, "message": ...}` (the admin API's
   * answers). The webhook answers keep their `{"message": ...}`.
   */
  readonly statusInBody?: boolean;
}

/**
 * Maps an error to a JSON response `{"message": ...}` and logs it with `attributes`.
 * A domain error is a rejection: warned with its reason, its message shown when it may be.
 * Anything else is a generic 500 with the full error logged.
 *
 * @example
 * ```ts
 * catch (error) { return errorResponse(error, { platform }).response; }
 * ```
 */
export function errorResponse(
  error: unknown,
  attributes: Readonly<Record<string, unknown>> = {},
  options: ErrorResponseOptions = {},
): HttpErrorResult {
  const statusCode = statusOf(error);
  const withStatus = options.statusInBody === true;
  if (statusCode === 500 || !(error instanceof DomainError)) {
    logger.error('Request failed', { ...attributes, status: 500, error });
    return {
      statusCode: 500,
      reason: 'internal error',
      response: json(500, GENERIC_MESSAGES[500] as string, withStatus),
    };
  }
  if (statusCode >= 500) {
    // Not the caller's fault: the operator must act, so it is an error, with its reason.
    logger.error('Request failed', { ...attributes, status: statusCode, reason: error.message });
    return {
      statusCode,
      reason: error.message,
      response: json(statusCode, error.expose ? error.message : (GENERIC_MESSAGES[statusCode] ?? 'error'), withStatus),
    };
  }
  const issues = error instanceof ValidationError && error.issues.length > 0 ? { issues: error.issues } : {};
  logRejection(statusCode, error.message, { ...attributes, ...issues });
  const message = error.expose ? error.message : (GENERIC_MESSAGES[statusCode] ?? 'error');
  return { statusCode, reason: error.message, response: json(statusCode, message, withStatus) };
}

/**
 * Logs a refused request: its status and reason. Reasons are written never to carry a
 * secret or a signature.
 */
export function logRejection(
  statusCode: number,
  reason: string,
  attributes: Readonly<Record<string, unknown>> = {},
): void {
  logger.warn('Request rejected', { ...attributes, status: statusCode, reason });
}

function json(
  statusCode: number,
  message: string,
  withStatus: boolean,
): APIGatewayProxyStructuredResultV2 & { statusCode: number } {
  const body = withStatus ? { status: statusCode, message } : { message };
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
