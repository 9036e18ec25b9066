import type { SQSRecord } from 'aws-lambda';
import type { $ZodType } from 'zod/v4/core';
import { ValidationError } from '../domain/errors.ts';
import * as z from '../domain/zod-mini.ts';

/**
 * Parses and validates the JSON body of a queue message against a zod schema, classic or
 * mini (shared/domain/zod-mini.ts).
 * @throws ValidationError naming the message and every issue; the batch processor then
 *   reports only this record as failed, and after maxReceiveCount it rests in the DLQ.
 */
export function parseRecordBody<T>(record: SQSRecord, schema: $ZodType<T>, what: string): T {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new ValidationError(`message ${record.messageId} is not JSON`, [], { cause: error });
  }
  const parsed = z.safeParse(schema, body);
  if (!parsed.success) {
    throw new ValidationError(
      `message ${record.messageId} is not ${what}`,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  return parsed.data;
}
