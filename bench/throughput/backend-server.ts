/**
 * One local backend in a process of its own, for the throughput bench's ceiling rows: its CPU
 * per request is then the process's, apart from the SDK clients that load it.
 *
 *   tsx bench/throughput/backend-server.ts dynamodb   # dynalite with its LevelDB data in a temporary folder, as `npm start`
 *   tsx bench/throughput/backend-server.ts sqs        # local-aws-sqs with the queue journal in a temporary folder, as `npm start`
 *
 * It starts the backend as the runtime's backend thread does (backends.ts), prints
 * `{"url": ...}` on stdout once it listens, and stops on SIGTERM or SIGINT.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, startDynamoDb, startSqs } from '../../infra/local/backends.ts';

const mode = process.argv[2];
if (mode !== 'dynamodb' && mode !== 'sqs') {
  process.stderr.write('usage: backend-server.ts dynamodb|sqs\n');
  process.exit(2);
}
const dir = await mkdtemp(path.join(os.tmpdir(), `bc-bench-${mode}-`));
const backend =
  mode === 'dynamodb'
    ? await startDynamoDb({ dataDir: dir })
    : await startSqs({ region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, journalDir: dir });
process.stdout.write(`${JSON.stringify({ url: backend.endpoint })}\n`);

const stop = async () => {
  await backend.stop();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
