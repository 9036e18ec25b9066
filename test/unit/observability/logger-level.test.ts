import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LoggerLevel,
  logger,
  observeLoggerLevel,
  setLoggerLevel,
} from '../../../shared/observability/powertools.ts';

describe('setLoggerLevel', () => {
  let previous: LoggerLevel;

  beforeEach(() => {
    previous = logger.getLevelName();
  });

  afterEach(() => {
    setLoggerLevel(previous);
  });

  it('tells each listener the level it sets, and no longer a listener that was removed', () => {
    // Arrange
    const seen: LoggerLevel[] = [];
    const removed: LoggerLevel[] = [];
    const unobserve = observeLoggerLevel((level) => seen.push(level));
    const unobserveRemoved = observeLoggerLevel((level) => removed.push(level));
    unobserveRemoved();

    // Act
    setLoggerLevel('INFO');
    setLoggerLevel('ERROR');
    unobserve();
    setLoggerLevel('WARN');

    // Assess
    expect(seen).toEqual(['INFO', 'ERROR']);
    expect(removed).toEqual([]);
  });

  it('keeps the level it set across the reset of a warm invocation (the debug sampling)', () => {
    // Arrange
    setLoggerLevel('INFO');

    // Act: injectLambdaContext calls this at each invocation; the first call only counts.
    logger.refreshSampleRateCalculation();
    logger.refreshSampleRateCalculation();

    // Assess
    expect(logger.getLevelName()).toBe('INFO');
  });
});
