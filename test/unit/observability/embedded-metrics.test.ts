import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedMetrics, metrics } from '../../../shared/observability/powertools.ts';

describe('embeddedMetrics', () => {
  afterEach(() => {
    metrics.clearMetrics();
  });

  it('makes EMF fields of the counts: the metric definitions under _aws and each value under its name', () => {
    // Act
    const fields = embeddedMetrics({ MentionsEnqueued: 3, EventsIgnored: 0 });

    // Assess: the service dimension's value is the line's own `service`, so it is not repeated.
    expect(fields).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'Backchannel',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'MentionsEnqueued', Unit: 'Count' },
              { Name: 'EventsIgnored', Unit: 'Count' },
            ],
          },
        ],
      },
      MentionsEnqueued: 3,
      EventsIgnored: 0,
    });
  });

  it('keeps no count for the next line, and leaves the invocation metrics alone', () => {
    // Arrange
    metrics.addMetric('RecordsProcessed', MetricUnit.Count, 1);
    embeddedMetrics({ MentionsEnqueued: 1 });

    // Act
    const next = embeddedMetrics({ MentionsEnqueued: 2 });

    // Assess
    expect(next).toMatchObject({ MentionsEnqueued: 2 });
    expect(
      (next as { _aws: { CloudWatchMetrics: { Metrics: unknown[] }[] } })._aws.CloudWatchMetrics[0]?.Metrics,
    ).toHaveLength(1);
    expect(metrics.serializeMetrics()).toMatchObject({ RecordsProcessed: 1 });
    expect(metrics.serializeMetrics()).not.toHaveProperty('MentionsEnqueued');
  });
});
