import { describe, expect, it } from 'vitest';
import { conditionalWrite } from '../../../shared/adapters/dynamodb/keys.ts';
import { parseEventInput } from '../../../shared/adapters/event-input.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { z } from 'zod';

function conditionFailed(): Error {
  const error = new Error('The conditional request failed');
  error.name = 'ConditionalCheckFailedException';
  return error;
}

describe('conditionalWrite', () => {
  it('answers true when the write was made', async () => {
    // Act
    const written = await conditionalWrite(Promise.resolve({}));

    // Assess
    expect(written).toBe(true);
  });

  it('answers false when DynamoDB refused the write for its condition', async () => {
    // Act
    const written = await conditionalWrite(Promise.reject(conditionFailed()));

    // Assess
    expect(written).toBe(false);
  });

  it('throws any other error', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    // Act / Assess
    await expect(conditionalWrite(Promise.reject(throttled))).rejects.toBe(throttled);
  });
});

describe('parseEventInput', () => {
  const Schema = z.object({ scheduledTime: z.string().datetime().optional() });

  it('returns the parsed input', () => {
    // Act
    const input = parseEventInput(Schema, { scheduledTime: '2026-12-03T06:00:00Z' }, 'not a request');

    // Assess
    expect(input).toEqual({ scheduledTime: '2026-12-03T06:00:00Z' });
  });

  it('throws a ValidationError with the message and every issue', () => {
    // Act
    const thrown = (() => {
      try {
        parseEventInput(Schema, { scheduledTime: 'yesterday' }, 'check-sla input is not a request');
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ message: 'check-sla input is not a request', issues: [expect.any(String)] });
  });
});
