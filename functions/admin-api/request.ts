import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { $ZodType, output } from 'zod/v4/core';
import { ValidationError } from '../../shared/domain/errors.ts';
import * as z from '../../shared/domain/zod-mini.ts';

/**
 * What the admin API's request parsing and responses share across its routes. The route
 * schemas are zod/mini (shared/domain/zod-mini.ts), so that admin-api carries no classic zod.
 */

/** @throws ValidationError listing every problem, `where` naming the part (path, query, body) */
export function parse<T extends $ZodType>(schema: T, value: unknown, where: string): output<T> {
  const parsed = z.safeParse(schema, value ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new ValidationError(`invalid ${where}: ${issues.join('; ')}`, issues);
}

export function parseBody<T extends $ZodType>(event: APIGatewayProxyEventV2, schema: T): output<T> {
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
