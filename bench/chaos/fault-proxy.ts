import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeGracefully, listen } from '../../infra/local/backends.ts';
import { createLimitedServer } from '../../infra/local/connection-limits.ts';
import { resignedHeaders } from '../../infra/local/sigv4.ts';

/**
 * A fault-injecting HTTP proxy in front of a local AWS backend (dynalite, local-aws-sqs, the
 * local EventBridge endpoint). The functions talk to it as to the backend; an interceptor
 * sees each request with its `X-Amz-Target` and may answer it with an error, forward it
 * unchanged, or forward part of it and answer for the rest as AWS answers a partial failure.
 */

export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** `X-Amz-Target` (`DynamoDB_20120810.PutItem`, `AWSEvents.PutEvents`, ...). */
  readonly target: string;
}

export interface ProxiedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Sends a request, as it is or with another body, on to the backend. */
export type Forward = (request: ProxiedRequest) => Promise<ProxiedResponse>;

export type Interceptor = (request: ProxiedRequest, forward: Forward) => Promise<ProxiedResponse>;

export interface FaultProxy {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (free port) that passes every request through `intercept`. */
export async function startFaultProxy(options: {
  readonly target: string;
  readonly intercept: Interceptor;
}): Promise<FaultProxy> {
  const target = new URL(options.target);
  const forward: Forward = (req) =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, 'content-length': String(req.body.length) };
      const outgoing = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (res) => {
          readAll(res).then(
            (body) => resolve({ status: res.statusCode ?? 500, headers: plainHeaders(res.headers), body }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  const server = createLimitedServer(
    {},
    (req: IncomingMessage, res: ServerResponse) => {
      readAll(req)
        .then((body) =>
          options.intercept(
            {
              method: req.method ?? 'POST',
              url: req.url ?? '/',
              headers: req.headers,
              body,
              target: String(req.headers['x-amz-target'] ?? ''),
            },
            forward,
          ),
        )
        .then((answer) => {
          res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
          res.end(answer.body);
        })
        .catch((error: unknown) => {
          process.stderr.write(`fault proxy: ${(error as Error).stack ?? String(error)}\n`);
          if (!res.headersSent) res.writeHead(502);
          res.end();
        });
    },
    () => {},
  );
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: () => closeGracefully(server) };
}

/** An AWS JSON-protocol error answer. */
export function awsError(status: number, type: string, message: string): ProxiedResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type },
    body: Buffer.from(JSON.stringify({ __type: type, message })),
  };
}

/** The same request with another JSON body, signed again when the backend checks signatures. */
export function withJsonBody(
  request: ProxiedRequest,
  body: unknown,
  secretKeyOf?: (accessKeyId: string) => string | undefined,
): ProxiedRequest {
  const bytes = Buffer.from(JSON.stringify(body));
  const changed = { ...request, body: bytes };
  const keyId = /Credential=([^/,\s]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
  const secret = keyId ? secretKeyOf?.(keyId) : undefined;
  return secret ? { ...changed, headers: resignedHeaders(changed, secret) } : changed;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function plainHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (
      value === undefined ||
      name === 'transfer-encoding' ||
      name === 'connection' ||
      name === 'keep-alive' ||
      name === 'content-length'
    )
      continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
