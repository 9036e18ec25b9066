import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { asIngested, EmfRecords, functionIdOf } from '../../../bench/log-bytes.ts';

const IDS = ['classify-mention', 'handle-department', 'ingest-webhook'];

describe('functionIdOf', () => {
  it('names the topology function a local function name ends with', () => {
    // Act
    const ids = [functionIdOf('bc-demo-ingest-webhook', IDS), functionIdOf('bc-acme-co-handle-department', IDS)];

    // Assess
    expect(ids).toEqual(['ingest-webhook', 'handle-department']);
  });

  it('keeps a name that is no known function', () => {
    // Act + Assess
    expect(functionIdOf('(none)', IDS)).toBe('(none)');
  });
});

describe('asIngested', () => {
  it('counts a local line without function_name and with the function id as service, as AWS stores it', () => {
    // Arrange
    const local = {
      level: 'INFO',
      message: 'Webhook received',
      service: 'backchannel',
      function_name: 'bc-demo-ingest-webhook',
    };

    // Act
    const ingested = asIngested(local, IDS);

    // Assess
    expect(JSON.stringify(ingested)).toBe('{"level":"INFO","message":"Webhook received","service":"ingest-webhook"}');
  });
});

describe('EmfRecords', () => {
  it('counts one record per invocation that added metrics, as Powertools serializes it', () => {
    // Arrange
    const records = new EmfRecords('Backchannel');
    records.add('ingest-webhook', 'r1', 'MentionsEnqueued', MetricUnit.Count, 1);
    records.add('ingest-webhook', 'r2', 'MentionsEnqueued', MetricUnit.Count, 2);
    records.add('classify-mention', 'r3', 'MentionsRouted', MetricUnit.Count, 1);
    records.add('classify-mention', 'r3', 'MentionsRouted', MetricUnit.Count, 1);

    // Act
    const totals = records.bytesByFunction();

    // Assess: each record is the EMF JSON line plus its newline; a metric added twice is one array of values.
    const line = (service: string, name: string, value: string) =>
      `{"_aws":{"Timestamp":1796515200000,"CloudWatchMetrics":[{"Namespace":"Backchannel","Dimensions":[["service"]],"Metrics":[{"Name":"${name}","Unit":"Count"}]}]},"service":"${service}","${name}":${value}}\n`;
    expect(totals.get('ingest-webhook')).toEqual({
      records: 2,
      bytes: 2 * Buffer.byteLength(line('ingest-webhook', 'MentionsEnqueued', '1')),
    });
    expect(totals.get('classify-mention')).toEqual({
      records: 1,
      bytes: Buffer.byteLength(line('classify-mention', 'MentionsRouted', '[1,1]')),
    });
  });

  it('counts nothing for a function whose invocations added no metric', () => {
    // Act + Assess
    expect(new EmfRecords('Backchannel').bytesByFunction().size).toBe(0);
  });
});
