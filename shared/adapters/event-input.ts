import type { z } from 'zod';
import { ValidationError } from '../domain/errors.ts';

/**
 * Parses the input event of a function that is not fed by a queue (a schedule's payload,
 * an SNS notification). A bad input is a deployment error: it fails loudly, so that the
 * schedule's retries and DLQ see it.
 * @param what what the input should have been, for the message (`build-report input is not a report request`)
 * @throws ValidationError with `what` and the message of every issue
 */
export function parseEventInput<S extends z.ZodTypeAny>(schema: S, event: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(event);
  if (!parsed.success)
    throw new ValidationError(
      what,
      parsed.error.issues.map((i: z.ZodIssue) => i.message),
    );
  return parsed.data;
}
