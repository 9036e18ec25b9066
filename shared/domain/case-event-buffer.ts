import type { CaseEvent } from './events.ts';
import type { CaseEventPublisher } from './ports.ts';

/**
 * A case event publisher that keeps what it is given instead of sending it, so that the
 * events of a whole intake batch go to the bus together (routed-batch.ts) in calls of up to
 * 10 entries, not one call per case change.
 */
export class CaseEventBuffer implements CaseEventPublisher {
  readonly events: CaseEvent[] = [];

  async publishCaseEvents(events: readonly CaseEvent[]): Promise<void> {
    this.events.push(...events);
  }
}
