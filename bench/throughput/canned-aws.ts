/**
 * A trivial stand-in for DynamoDB and SQS (AWS JSON protocol): it answers every request of the
 * ceiling's mixes at once with a fixed, valid answer and keeps nothing. Measured against it,
 * the SDK client's CPU per request is the SDK's own (middleware, serialization, signing,
 * parsing), apart from any backend's. In process it is the client's `requestHandler`, so no
 * socket either.
 */
import { createHash } from 'node:crypto';

/** An answer as the SDK's deserializers read it. */
export interface CannedAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** A stored item of about 1 KB, as the pipeline's mention, case and record items are (bench:cost). */
export const CANNED_ITEM = {
  PK: { S: 'MENTION#00000000-0000-4000-8000-000000000000' },
  SK: { S: 'MENTION' },
  text: { S: 'x'.repeat(900) },
  createdAt: { S: '2026-12-05T20:00:00.000Z' },
  version: { N: '1' },
};

/** Messages a canned ReceiveMessage returns (their bodies' MD5 is checked by the SDK). */
export const CANNED_RECEIVED = 3;

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * The answer to one request: `target` is its `x-amz-target` header (`DynamoDB_20120810.GetItem`,
 * `AmazonSQS.SendMessageBatch`), `body` its JSON. An operation of neither mix is answered 400.
 * @throws SyntaxError when the body of an SQS send or delete, or of a BatchGetItem, is not JSON
 */
export function cannedAnswer(target: string, body: string): CannedAnswer {
  const operation = target.slice(target.indexOf('.') + 1);
  const json = (value: unknown, statusCode = 200): CannedAnswer => ({
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: Buffer.from(JSON.stringify(value)),
  });
  switch (operation) {
    case 'GetItem':
      return json({ Item: CANNED_ITEM });
    case 'PutItem':
    case 'UpdateItem':
      return json({});
    case 'Query':
      return json({ Items: [CANNED_ITEM], Count: 1, ScannedCount: 1 });
    case 'BatchGetItem': {
      // Every key found: the item for each key asked, table by table, nothing left unprocessed.
      const requested = (JSON.parse(body) as { RequestItems: Record<string, { Keys: unknown[] }> }).RequestItems;
      const Responses = Object.fromEntries(
        Object.entries(requested).map(([table, { Keys }]) => [table, Keys.map(() => CANNED_ITEM)]),
      );
      return json({ Responses, UnprocessedKeys: {} });
    }
    case 'SendMessageBatch': {
      const entries = (JSON.parse(body) as { Entries: { Id: string; MessageBody: string }[] }).Entries;
      return json({
        Successful: entries.map((entry, n) => ({
          Id: entry.Id,
          MessageId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
          MD5OfMessageBody: md5(entry.MessageBody),
        })),
        Failed: [],
      });
    }
    case 'ReceiveMessage':
      return json({
        Messages: Array.from({ length: CANNED_RECEIVED }, (_, n) => {
          const messageBody = `{"mention":${n}}`;
          return {
            MessageId: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
            ReceiptHandle: `receipt-${n}`,
            MD5OfBody: md5(messageBody),
            Body: messageBody,
          };
        }),
      });
    case 'DeleteMessageBatch': {
      const entries = (JSON.parse(body) as { Entries: { Id: string }[] }).Entries;
      return json({ Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] });
    }
    default:
      return json({ __type: 'UnknownOperationException', message: `not canned: ${target}` }, 400);
  }
}

/**
 * The canned answers as an SDK client's `requestHandler`: the request never leaves the
 * client's thread (no socket, no HTTP parsing).
 */
export const cannedRequestHandler = {
  async handle(request: { headers: Record<string, string>; body?: unknown }) {
    // The SDK's JSON body is a Uint8Array that warns when read as a string: its bytes, decoded.
    const bytes = request.body as Uint8Array | string | undefined;
    const body =
      typeof bytes === 'string' || bytes === undefined
        ? (bytes ?? '')
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return { response: cannedAnswer(request.headers['x-amz-target'] ?? '', body) };
  },
};
