import { describe, expect, it } from 'vitest';
import { partsOf } from '../../../bench/throughput.ts';

describe('partsOf', () => {
  it('runs every part when none is named', () => {
    // Act, Assess
    expect([...partsOf({})]).toEqual(['ack', 'ceiling', 'e2e', 'surge']);
  });

  it('runs only the named parts', () => {
    // Act, Assess
    expect([...partsOf({ parts: 'e2e' })]).toEqual(['e2e']);
    expect([...partsOf({ parts: 'ceiling, e2e' })]).toEqual(['ceiling', 'e2e']);
  });

  it('keeps --ack-only and --ceiling-only', () => {
    // Act, Assess
    expect([...partsOf({ 'ack-only': true })]).toEqual(['ack']);
    expect([...partsOf({ 'ceiling-only': true })]).toEqual(['ceiling']);
  });

  it('refuses an unknown part', () => {
    // Act, Assess
    expect(() => partsOf({ parts: 'e2e,latency' })).toThrow(/unknown part 'latency'/);
  });

  it('refuses the surge without the e2e rows it is modelled on', () => {
    // Act, Assess
    expect(() => partsOf({ parts: 'surge' })).toThrow(/add e2e/);
  });
});
