import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * The record a persisted runtime keeps in its data directory while it runs, so that other
 * commands (`backchannel report`, `send`) find its endpoints, and a second runtime does not
 * open the same dynalite database.
 */

export const RuntimeRecordSchema = z.object({
  pid: z.number().int(),
  company: z.string(),
  url: z.string(),
  region: z.string(),
  tableName: z.string(),
  endpoints: z.object({ dynamodb: z.string(), sqs: z.string(), eventBridge: z.string(), secretsManager: z.string() }),
  startedAt: z.string(),
});
export type RuntimeRecord = z.infer<typeof RuntimeRecordSchema>;

export const RUNTIME_RECORD_FILE = 'runtime.json';

/** A data directory that a live runtime of another process uses. */
export class DataDirInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirInUseError';
  }
}

/**
 * Claims a data directory for this process: refuses while another live runtime has it
 * (the persisted dynalite database cannot be shared).
 */
export async function claimDataDir(dataDir: string, company: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const record = await readRuntimeRecord(dataDir);
  if (record && record.pid !== process.pid && isAlive(record.pid)) {
    throw new DataDirInUseError(
      `a runtime for ${company} is already running (pid ${record.pid}, ${record.url}); stop it first or use --memory`,
    );
  }
}

/** The record of the runtime that uses a data directory, if any (it may have died). */
export async function readRuntimeRecord(dataDir: string): Promise<RuntimeRecord | undefined> {
  try {
    const parsed = RuntimeRecordSchema.safeParse(
      JSON.parse(await readFile(path.join(dataDir, RUNTIME_RECORD_FILE), 'utf8')),
    );
    // A damaged record is treated as absent: the process that wrote it is not usable anyway.
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Whether a process id is alive on this machine. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
