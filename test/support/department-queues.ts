import { buildTopology, departmentQueueId, departmentQueueUrlEnv } from '../../infra/topology.ts';
import type { CompanyConfig } from '../../shared/config/schema.ts';

/**
 * The `QUEUE_URL_DEPT_<ID>` variables the topology gives handle-department, with URLs of
 * the topology's queue names (as the local runtime's SQS has them), for tests that build a
 * function environment by hand.
 */
export function departmentQueueUrls(config: CompanyConfig): Record<string, string> {
  const { queues } = buildTopology(config);
  return Object.fromEntries(
    config.departments.map((d) => {
      const queue = queues.find((q) => q.id === departmentQueueId(d.id));
      if (!queue) throw new Error(`the topology has no queue for department ${d.id}`);
      return [departmentQueueUrlEnv(d.id), `http://127.0.0.1:9324/000000000000/${queue.name}`];
    }),
  );
}
