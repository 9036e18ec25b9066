import { dependenciesFrom } from '../../functions/classify-mention/handler.ts';
import type { RecordingPublisher } from '../fakes/in-memory.ts';

/**
 * classify-mention's real dependencies for `env` (table, config), with every event, the
 * mention's and the case lifecycle's, recorded by `publisher` instead of sent to a bus.
 */
export function classifyDependenciesRecordingTo(
  env: Record<string, string | undefined>,
  publisher: RecordingPublisher,
): ReturnType<typeof dependenciesFrom> {
  const base = dependenciesFrom(env);
  return {
    ...base,
    events: publisher,
    ...(base.caseChanges ? { caseChanges: { ...base.caseChanges, events: publisher } } : {}),
  };
}
