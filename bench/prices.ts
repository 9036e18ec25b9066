/**
 * AWS list prices in us-east-1 (US East, N. Virginia), in US dollars, the one place the cost
 * figures of `npm run bench:cost` take them from. First tier of each, no free tier, no
 * savings plan. Written down on PRICES_DATE from the pages named in `source`; check them
 * again before quoting a figure to somebody who pays it.
 */
export const PRICES_DATE = '2026-12-03';
export const PRICES_REGION = 'us-east-1';

export interface Price {
  readonly usd: number;
  /** What one `usd` buys. */
  readonly per: string;
  readonly source: string;
}

export const PRICES = {
  /** HTTP API requests, first 300 million a month (each 512 KB of a request counts as one). */
  httpApiRequest: {
    usd: 1.0 / 1e6,
    per: 'request',
    source: 'https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs)',
  },
  /**
   * A request to a Lambda function URL: nothing beyond the invocation (its Lambda request and
   * duration, counted on their own lines); the webhooks' entry point since Round w16.
   */
  functionUrlRequest: {
    usd: 0,
    per: 'request',
    source: 'https://aws.amazon.com/lambda/pricing/ (function URLs: no additional charge)',
  },
  /** Lambda requests (invocations), any architecture. */
  lambdaRequest: { usd: 0.2 / 1e6, per: 'invocation', source: 'https://aws.amazon.com/lambda/pricing/' },
  /** Lambda duration on arm64 (Graviton), first 7.5 billion GB-s a month. */
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'GB-second', source: 'https://aws.amazon.com/lambda/pricing/ (Arm)' },
  /** SQS standard queue requests after the free million (each 64 KB chunk of a payload is a request). */
  sqsRequest: { usd: 0.4 / 1e6, per: 'request', source: 'https://aws.amazon.com/sqs/pricing/ (standard)' },
  /** EventBridge custom events published (each 64 KB chunk of an entry is an event): billed per entry, not per PutEvents call. */
  eventBridgeEvent: {
    usd: 1.0 / 1e6,
    per: 'event',
    source: 'https://aws.amazon.com/eventbridge/pricing/ (custom events)',
  },
  /** DynamoDB on-demand write request unit (standard table class; prices since 2024-11-01). */
  dynamoWriteUnit: {
    usd: 0.625 / 1e6,
    per: 'write request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  /** DynamoDB on-demand read request unit. */
  dynamoReadUnit: {
    usd: 0.125 / 1e6,
    per: 'read request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  /** DynamoDB storage (standard), per GB-month; point-in-time recovery adds its own per GB-month. */
  dynamoStorageGbMonth: { usd: 0.25, per: 'GB-month', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  dynamoPitrGbMonth: {
    usd: 0.2,
    per: 'GB-month',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (continuous backups)',
  },
  /** CloudWatch Logs ingestion (standard log class). */
  logsIngestGb: { usd: 0.5, per: 'GB ingested', source: 'https://aws.amazon.com/cloudwatch/pricing/ (Logs)' },
  /** X-Ray traces recorded (the functions run with active tracing). */
  xrayTrace: { usd: 5.0 / 1e6, per: 'trace recorded', source: 'https://aws.amazon.com/xray/pricing/' },
} as const satisfies Record<string, Price>;
