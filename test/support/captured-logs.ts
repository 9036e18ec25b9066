import { logger, setLoggerLevel } from '../../shared/observability/powertools.ts';

/** One structured line of the Powertools logger, as printed. */
export type LogLine = Record<string, unknown> & { level: string; message: string };

export interface CapturedLogs {
  /** Every logger line printed since the capture started, parsed. */
  lines(): LogLine[];
  /** Stops capturing and sets the log level back (SILENT in tests). */
  restore(): void;
}

/**
 * Captures what the process's Powertools logger prints (JSON lines on stdout and stderr)
 * at `level`, instead of letting it through. Other output passes through unchanged.
 * Tests set POWERTOOLS_LOG_LEVEL=SILENT; this raises the level for its duration.
 */
export function captureLogs(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'INFO'): CapturedLogs {
  const captured: LogLine[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, index) => {
    const original = originals[index] as typeof stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const line = parseLine(chunk);
      if (line) {
        captured.push(line);
        const callback = rest.find((r): r is () => void => typeof r === 'function');
        callback?.();
        return true;
      }
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  });
  const restoreLevel = raiseLogLevel(level);
  return {
    lines: () => [...captured],
    restore: () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write;
      });
      restoreLevel();
    },
  };
}

/**
 * Sets the process's logger to `level` (tests run at SILENT) and returns what sets it back:
 * for records that go elsewhere than stdout, such as the local runtime's `log` with
 * `logFormat: 'json'`. A running runtime's pipeline thread follows (setLoggerLevel).
 */
export function raiseLogLevel(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'): () => void {
  const previous = logger.getLevelName();
  setLoggerLevel(level);
  return () => setLoggerLevel(previous);
}

function parseLine(chunk: unknown): LogLine | undefined {
  const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
  if (!text?.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'level' in value && 'message' in value) return value as LogLine;
  } catch {
    // Not a logger line.
  }
  return undefined;
}
