/**
 * CPU profiles of the main thread for bench:cost (`--cpu-profile <file>`): where the functions'
 * CPU goes while they run alone, apart from the time they wait on the local backends (which
 * run in worker threads of their own, infra/local/backend-thread.ts, and are not in this
 * profile).
 *
 * A diagnostic, not a target: the sampler costs a little, and an invocation that overlaps
 * another (a department and the insights of one routed event) counts the samples of both.
 */
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
/** V8's CPU profile (Profiler.stop): start and end time and the samples' deltas in microseconds. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One invocation: which function, when it ran (microseconds of the monotonic clock the profile uses). */
export interface ProfiledInvocation {
  readonly functionId: string;
  readonly startUs: number;
  readonly endUs: number;
}

/** Now on the profile's clock (CLOCK_MONOTONIC in microseconds, as V8's TimeTicks on Linux). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Starts sampling the main thread every `intervalUs`; `stop` returns the profile. */
export async function startCpuProfile(intervalUs = 250): Promise<{ stop(): Promise<CpuProfile> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      return profile;
    },
  };
}

const IDLE = new Set(['(idle)', '(program)']);

/** A sample of no work: V8's idle and program buckets. */
export const isIdle = (node: ProfileNode): boolean => IDLE.has(node.callFrame.functionName);

/** Where a frame's code lives: a project folder, a package, a node: module, or V8's own bucket. */
export function categoryOf(frame: CallFrame): string {
  const url = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith(ROOT)) {
    const parts = path.relative(ROOT, url).split(path.sep);
    return parts.slice(0, Math.min(parts.length - 1, 3)).join('/') || parts.join('/');
  }
  if (url.startsWith('node:')) return url;
  if (url === '') return frame.functionName === '' ? '(anonymous native)' : frame.functionName;
  return url;
}

const isProject = (frame: CallFrame) =>
  !frame.url.includes('/node_modules/') &&
  (frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url).startsWith(ROOT);

/** Each sample: its time (µs, end of the sample), its node, and the busy (not idle) flag. */
export function samplesOf(profile: CpuProfile): { at: number; node: ProfileNode; us: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out: { at: number; node: ProfileNode; us: number }[] = [];
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const node = byId.get(profile.samples[i] as number);
    if (node) out.push({ at, node, us: delta });
  }
  return out;
}

export interface FunctionCpu {
  readonly invocations: number;
  readonly wallMs: number;
  /** Main-thread CPU sampled while the function's invocations ran (overlapping invocations each count it). */
  readonly cpuMs: number;
}

/** Per function: its invocations' wall time and the busy main-thread samples inside them. */
export function cpuByFunction(
  profile: CpuProfile,
  invocations: readonly ProfiledInvocation[],
): Map<string, FunctionCpu> {
  const busy = samplesOf(profile).filter((s) => !IDLE.has(s.node.callFrame.functionName));
  const result = new Map<string, FunctionCpu>();
  for (const inv of invocations) {
    let cpuUs = 0;
    for (const s of busy) if (s.at > inv.startUs && s.at <= inv.endUs) cpuUs += s.us;
    const sum = result.get(inv.functionId) ?? { invocations: 0, wallMs: 0, cpuMs: 0 };
    result.set(inv.functionId, {
      invocations: sum.invocations + 1,
      wallMs: sum.wallMs + (inv.endUs - inv.startUs) / 1000,
      cpuMs: sum.cpuMs + cpuUs / 1000,
    });
  }
  return result;
}

/**
 * Busy samples (inside `within`, when given) by the category of the frame that ran (self) and
 * by the innermost project frame on the stack (the project code that spent it, libraries included).
 */
export function cpuByCode(
  profile: CpuProfile,
  within?: readonly ProfiledInvocation[],
): { self: Map<string, number>; project: Map<string, number>; totalMs: number } {
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const inside = (at: number) => !within || within.some((inv) => at > inv.startUs && at <= inv.endUs);
  const self = new Map<string, number>();
  const project = new Map<string, number>();
  let total = 0;
  for (const s of samplesOf(profile)) {
    if (IDLE.has(s.node.callFrame.functionName) || !inside(s.at)) continue;
    const ms = s.us / 1000;
    total += ms;
    const category = categoryOf(s.node.callFrame);
    self.set(category, (self.get(category) ?? 0) + ms);
    let frame: ProfileNode | undefined = s.node;
    while (frame && !isProject(frame.callFrame)) frame = parent.get(frame.id);
    const key = frame
      ? `${path.relative(ROOT, fileURLToPath(frame.callFrame.url))} ${frame.callFrame.functionName || '(anonymous)'}`
      : `(no project frame) ${category}`;
    project.set(key, (project.get(key) ?? 0) + ms);
  }
  return { self, project, totalMs: total };
}
