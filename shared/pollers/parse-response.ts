import type { z } from 'zod';
import { PlatformRequestError } from './errors.ts';

/**
 * Validates a platform's response body against its documented shape.
 * @throws PlatformRequestError (permanent) naming the first fields that differ; the body
 *   itself is not quoted, as it holds personal data
 */
export function parseResponse<T extends z.ZodType>(
  platform: string,
  operation: string,
  schema: T,
  body: unknown,
): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(body)'))].slice(0, 5).join(', ');
  throw new PlatformRequestError(
    platform,
    `${operation} answered a body that is not the documented shape (check: ${fields})`,
    {
      transient: false,
    },
  );
}
