import type { $ZodType, output } from 'zod/v4/core';
import { ValidationError } from '../domain/errors.ts';
import * as z from '../domain/zod-mini.ts';

/**
 * Parses the input event of a function that is not fed by a queue (a schedule's payload,
 * an SNS notification) against a zod schema, classic or mini. A bad input is a deployment error: it fails loudly, so that the
 * schedule's retries and DLQ see it.
 * @param what what the input should have been, for the message (`build-report input is not a report request`)
 * @throws ValidationError with `what` and the message of every issue
 */
export function parseEventInput<S extends $ZodType>(schema: S, event: unknown, what: string): output<S> {
  const parsed = z.safeParse(schema, event);
  if (!parsed.success)
    throw new ValidationError(
      what,
      parsed.error.issues.map((i) => i.message),
    );
  return parsed.data;
}
