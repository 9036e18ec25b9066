/**
 * What CloudWatch Logs ingests of a run, counted from what the functions really write
 * (bench:cost): the log lines as AWS would store them, and the EMF metrics records each
 * invocation would print. Both are local stand-ins for AWS, so both follow its rules here.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';

/** A metric's unit, as Metrics.addMetric takes it. */
type MetricUnit = Parameters<Metrics['addMetric']>[1];

/**
 * The function id (one of `ids`, the topology's) that a function name (`bc-<company>-<id>`)
 * ends with: what `service` is in AWS. A name of no known function stays as it is.
 */
export function functionIdOf(functionName: string, ids: readonly string[]): string {
  const matches = ids.filter((id) => functionName === id || functionName.endsWith(`-${id}`));
  return matches.sort((a, b) => b.length - a.length)[0] ?? functionName;
}

/**
 * A line of the local function log as AWS ingests it. Locally all functions share one log
 * file and one logger, so a line names its function (`function_name`) and its `service` is
 * the process's (`backchannel`); in AWS each function has its own log group, the formatter
 * leaves `function_name` out (shared/observability/log-formatter.ts) and `service` is the
 * function's id (the topology's POWERTOOLS_SERVICE_NAME).
 */
export function asIngested(record: Record<string, unknown>, ids: readonly string[]): Record<string, unknown> {
  const { function_name: local, ...rest } = record;
  if (typeof local !== 'string' || !('service' in rest)) return rest;
  return { ...rest, service: functionIdOf(local, ids) };
}

/**
 * The EMF records the invocations would print in AWS. Locally the functions share one
 * Metrics instance (one process runs them all, and concurrent invocations would mix their
 * metrics) and the bench disables its output, so each metric a function adds is added here
 * too, to a Metrics of that invocation alone (its service the function id, as in AWS); an
 * invocation prints one record when it added any metric (Powertools' logMetrics), serialized
 * by Powertools itself.
 */
export class EmfRecords {
  private readonly byInvocation = new Map<string, { functionId: string; metrics: Metrics }>();

  constructor(private readonly namespace: string) {}

  /** A metric the invocation `requestId` of `functionId` added. */
  add(functionId: string, requestId: string, name: string, unit: MetricUnit, value: number): void {
    let entry = this.byInvocation.get(requestId);
    if (!entry) {
      entry = { functionId, metrics: new Metrics({ namespace: this.namespace, serviceName: functionId }) };
      this.byInvocation.set(requestId, entry);
    }
    entry.metrics.addMetric(name, unit, value);
  }

  /** Records and bytes (with the newline) by function id. */
  bytesByFunction(): Map<string, { records: number; bytes: number }> {
    const totals = new Map<string, { records: number; bytes: number }>();
    for (const { functionId, metrics } of this.byInvocation.values()) {
      if (!metrics.hasStoredMetrics()) continue;
      const total = totals.get(functionId) ?? { records: 0, bytes: 0 };
      total.records++;
      total.bytes += Buffer.byteLength(JSON.stringify(metrics.serializeMetrics())) + 1;
      totals.set(functionId, total);
    }
    return totals;
  }
}
