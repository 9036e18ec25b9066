import { describe, expect, it } from 'vitest';
import { lambdaApplicationLogLevel, platformLogBytesPerInvocation } from '../../../infra/lambda-observability.ts';

describe('lambdaApplicationLogLevel', () => {
  it.each([
    ['INFO', 'INFO'],
    ['debug', 'DEBUG'],
    ['TRACE', 'TRACE'],
  ])('gives Lambda the level the logger runs at: %s -> %s', (powertools, lambda) => {
    expect(lambdaApplicationLogLevel(powertools)).toBe(lambda);
  });

  it.each(['WARN', 'ERROR', 'CRITICAL', 'SILENT'])(
    'refuses %s, at which Lambda would drop the EMF metrics records (no level: INFO to Lambda)',
    (powertools) => {
      expect(() => lambdaApplicationLogLevel(powertools)).toThrow(/drops the EMF metrics records/);
    },
  );

  it('refuses a level Powertools does not know, rather than letting Lambda fall back to INFO', () => {
    expect(() => lambdaApplicationLogLevel('VERBOSE')).toThrow(/not a Powertools log level/);
  });
});

describe('platformLogBytesPerInvocation', () => {
  it('counts none of Lambda’s own records at system level WARN, traced or not', () => {
    expect(platformLogBytesPerInvocation({ logFormat: 'JSON', systemLogLevel: 'WARN', tracing: 'off' })).toBe(0);
    expect(platformLogBytesPerInvocation({ logFormat: 'JSON', systemLogLevel: 'WARN', tracing: 'active' })).toBe(0);
  });

  it('counts start, runtimeDone and report at INFO, more when the report carries a trace', () => {
    const untraced = platformLogBytesPerInvocation({ logFormat: 'JSON', systemLogLevel: 'INFO', tracing: 'off' });
    const traced = platformLogBytesPerInvocation({ logFormat: 'JSON', systemLogLevel: 'INFO', tracing: 'active' });

    expect(untraced).toBeGreaterThan(330);
    expect(traced).toBeGreaterThan(untraced);
  });
});
