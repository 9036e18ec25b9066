import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { closeGracefully, listen } from './backends.ts';
import { verifySigV4 } from './sigv4.ts';
import { createLimitedServer, RequestAbortedError, type ConnectionLimits } from './connection-limits.ts';

/**
 * A small server for AWS services that speak the JSON 1.1 protocol (`X-Amz-Target:
 * Service.Operation`, body and answer JSON, errors as `{"__type", "message"}`), so that
 * functions use the real SDK clients against it.
 */

/**
 * Who signed a request: the access key id of its SigV4 `Authorization` header. With
 * `secretKeyOf` it is set only when the signature is valid, else `refusal` says why not.
 */
export interface Caller {
  readonly accessKeyId: string | undefined;
  readonly refusal?: string;
}

export type JsonOperation = (input: Record<string, unknown>, caller: Caller) => Promise<unknown>;

/** An error the SDK reads as a modelled service exception. */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export interface JsonEndpoint {
  readonly endpoint: string;
  /** Requests being handled. */
  inFlight(): number;
  stop(): Promise<void>;
}

/** Largest request body accepted: PutEvents allows 256 KB of entries; leave room for JSON. */
const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Serves the given operations, keyed by their full target (`AWSEvents.PutEvents`).
 * Port 0 picks a free port.
 */
export async function startJsonEndpoint(options: {
  readonly operations: Readonly<Record<string, JsonOperation>>;
  readonly port?: number;
  readonly log?: (line: string) => void;
  /** Timeouts and the connection bound; default DEFAULT_CONNECTION_LIMITS. */
  readonly limits?: Partial<ConnectionLimits>;
  /**
   * The secret access key of each access key id that may call; with it every request's SigV4
   * signature is checked, and a caller that fails the check has no access key id.
   */
  readonly secretKeyOf?: (accessKeyId: string) => string | undefined;
}): Promise<JsonEndpoint> {
  const log = options.log ?? (() => {});
  let inFlight = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = await readBody(req);
    const operation = options.operations[target];
    if (req.method !== 'POST' || !operation) {
      throw new AwsServiceError(
        'UnknownOperationException',
        `the local endpoint does not serve "${target || `${req.method} ${req.url}`}"`,
      );
    }
    if (body === undefined) throw new AwsServiceError('ValidationException', 'request body is too large');
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw new AwsServiceError('SerializationException', 'request body is not JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new AwsServiceError('SerializationException', 'request body is not a JSON object');
    }
    const output = await operation(input as Record<string, unknown>, callerOf(req, body));
    send(res, 200, output ?? {});
  };

  const server = createLimitedServer(
    options.limits,
    (req, res) => {
      inFlight++;
      res.once('close', () => inFlight--);
      res.setHeader('x-amzn-requestid', randomUUID());
      handle(req, res).catch((error: unknown) => {
        if (error instanceof AwsServiceError) {
          res.setHeader('x-amzn-errortype', error.type);
          send(res, error.statusCode, { __type: error.type, message: error.message });
          return;
        }
        if (error instanceof RequestAbortedError) {
          log(
            `local AWS endpoint: a ${String(req.headers['x-amz-target'])} request closed before its body was complete`,
          );
          return;
        }
        log(
          `local AWS endpoint failed on ${String(req.headers['x-amz-target'])}: ${(error as Error).stack ?? String(error)}`,
        );
        send(res, 500, { __type: 'InternalFailure', message: 'the local endpoint failed; see its log' });
      });
    },
    log,
  );

  const callerOf = (req: IncomingMessage, body: Buffer): Caller => {
    if (!options.secretKeyOf) return { accessKeyId: accessKeyIdOf(req.headers.authorization) };
    const check = verifySigV4(
      { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
      options.secretKeyOf,
    );
    return check.ok ? { accessKeyId: check.accessKeyId } : { accessKeyId: undefined, refusal: check.reason };
  };

  await listen(server, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    inFlight: () => inFlight,
    stop: () => closeGracefully(server),
  };
}

function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return authorization ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    // A connection cut mid-body (client gone, request timeout) must not leave this pending.
    req.on('error', (error) => reject(new RequestAbortedError({ cause: error })));
    req.on('close', () => {
      if (!req.complete) reject(new RequestAbortedError());
    });
  });
}

function send(res: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = statusCode;
  res.setHeader('content-type', 'application/x-amz-json-1.1');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
