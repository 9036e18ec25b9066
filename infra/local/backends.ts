import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';

/** A local AWS-compatible backend listening on loopback. */
export interface LocalBackend {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Credentials the local backends accept; they never leave this machine. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Region and account of every local ARN. */
export const LOCAL_REGION = 'eu-central-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Starts dynalite on 127.0.0.1. With `dataDir` the tables persist there (LevelDB);
 * without it they live in memory. Port 0 picks a free port.
 */
export async function startDynamoDb(options: { port?: number; dataDir?: string } = {}): Promise<LocalBackend> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: options.dataDir } : {}) });
  await listen(server, options.port ?? 0);
  return { endpoint: endpointOf(server), stop: () => close(server) };
}

/**
 * Starts local-aws-sqs on 127.0.0.1 (JSON protocol). Port 0 picks a free port. Queue ARNs
 * carry `region` and `accountId` (default LOCAL_REGION, LOCAL_ACCOUNT_ID).
 */
export async function startSqs(options: { port?: number; region?: string; accountId?: string } = {}): Promise<LocalBackend> {
  const server = await createSqsServer({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    region: options.region ?? LOCAL_REGION,
    accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
    // A restarted runtime recreates its queues at once; AWS's 60 s wait would only slow tests.
    emulateQueueCreationLifecycle: false,
  });
  return { endpoint: endpointOf(server), stop: () => close(server) };
}

/** Listens on loopback (or `host`); port 0 picks a free port. */
export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/**
 * Stops accepting connections, lets running requests finish for up to `graceMs`, then cuts
 * whatever keeps the socket open.
 */
export function closeGracefully(server: Server, graceMs = 2000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeIdleConnections();
    server.close((error) => (error ? reject(error) : resolve()));
    setTimeout(() => server.closeAllConnections(), graceMs).unref();
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections?.();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}

function endpointOf(server: Server): string {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}
