import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startIdleGc } from '../../../infra/local/idle-gc.ts';

describe('startIdleGc', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once when the functions have been quiet for quietMs after some work', () => {
    // Arrange
    const gc = vi.fn();
    const idle = startIdleGc({ busy: () => false, quietMs: 1_000, gc });

    // Act
    idle.activity();
    vi.advanceTimersByTime(10_000);
    idle.stop();

    // Assess
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it('does not collect while an invocation runs', () => {
    // Arrange
    const gc = vi.fn();
    const idle = startIdleGc({ busy: () => true, quietMs: 1_000, gc });

    // Act
    idle.activity();
    vi.advanceTimersByTime(10_000);
    idle.stop();

    // Assess
    expect(gc).not.toHaveBeenCalled();
  });

  it('does not collect when nothing ran since the last collection', () => {
    // Arrange
    const gc = vi.fn();
    const idle = startIdleGc({ busy: () => false, quietMs: 1_000, gc });

    // Act
    vi.advanceTimersByTime(10_000);
    idle.stop();

    // Assess
    expect(gc).not.toHaveBeenCalled();
  });

  it('collects again after a second burst', () => {
    // Arrange
    const gc = vi.fn();
    const idle = startIdleGc({ busy: () => false, quietMs: 1_000, gc });

    // Act
    idle.activity();
    vi.advanceTimersByTime(5_000);
    idle.activity();
    vi.advanceTimersByTime(5_000);
    idle.stop();

    // Assess
    expect(gc).toHaveBeenCalledTimes(2);
  });
});
