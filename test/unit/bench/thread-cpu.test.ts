import { describe, expect, it } from 'vitest';
import { cpuPerRequest, processCpu } from '../../../bench/throughput/thread-cpu.ts';

/**
 * Keeps this thread busy until the process has used `ms` milliseconds of CPU (by Node's own
 * count, not /proc's). A wall-clock spin is not enough on a shared machine: a thread that
 * waits for a core spins for less CPU than its wall time.
 */
function spin(ms: number): void {
  const start = process.cpuUsage();
  while (true) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe('processCpu', () => {
  it.runIf(process.platform === 'linux')('counts the CPU the main thread spent between two readings', async () => {
    // Arrange
    const before = await processCpu(process.pid);

    // Act
    spin(60);
    const after = await processCpu(process.pid);

    // Assess
    const spent = cpuPerRequest(before, after, 1);
    expect(spent?.mainThreadMs).toBeGreaterThan(30);
    expect(spent?.processMs).toBeGreaterThanOrEqual(0);
  });

  it('reads nothing for a process that does not exist', async () => {
    // Act
    const cpu = await processCpu(2 ** 30);

    // Assess
    expect(cpu).toBeUndefined();
  });
});

describe('cpuPerRequest', () => {
  it('divides the CPU between two readings by the requests answered', () => {
    // Act
    const perRequest = cpuPerRequest(
      { mainThreadMs: 100, processMs: 250 },
      { mainThreadMs: 500, processMs: 1050 },
      400,
    );

    // Assess
    expect(perRequest).toEqual({ mainThreadMs: 1, processMs: 2 });
  });

  it('gives nothing when a reading is missing or nothing was answered', () => {
    // Act / Assess
    expect(cpuPerRequest(undefined, { mainThreadMs: 1, processMs: 1 }, 10)).toBeUndefined();
    expect(cpuPerRequest({ mainThreadMs: 1, processMs: 1 }, { mainThreadMs: 2, processMs: 2 }, 0)).toBeUndefined();
  });
});
