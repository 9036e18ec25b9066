import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { ValidationError } from '../../shared/domain/errors.ts';

/** What the admin API's request parsing and responses share across its routes. */

/** @throws ValidationError listing every problem, `where` naming the part (path, query, body) */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new ValidationError(`invalid ${where}: ${issues.join('; ')}`, issues);
}

export function parseBody<T extends z.ZodType>(event: APIGatewayProxyEventV2, schema: T): z.output<T> {
  const text =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  if (text.trim() === '') return parse(schema, {}, 'body');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('body is not JSON', [], { cause: error });
  }
  return parse(schema, value, 'body');
}

/** A JSON response. */
export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
