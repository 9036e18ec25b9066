import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedMetrics, logger, metrics, withLogSink } from '../../../shared/observability/powertools.ts';

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

  it('makes a logged line one EMF record: _aws at its root, its service the dimension, the counts beside it', () => {
    // Arrange
    const printed: string[] = [];

    // Act
    withLogSink(
      (json) => printed.push(json),
      () => logger.info('Webhook received', { platform: 'meta', ...embeddedMetrics({ EventsIgnored: 2 }) }),
    );

    // Assess: the record as the logger prints it (the service is the process's, `backchannel` in tests).
    expect(printed).toHaveLength(1);
    const record = JSON.parse(printed[0] as string) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 'INFO',
      message: 'Webhook received',
      service: 'backchannel',
      platform: 'meta',
      EventsIgnored: 2,
      _aws: { CloudWatchMetrics: [{ Namespace: 'Backchannel', Dimensions: [['service']] }] },
    });
  });
});
