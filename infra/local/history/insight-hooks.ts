import type { CompanyConfig } from '../../../shared/config/schema.ts';
import type { FunctionEnv } from '../../../shared/config/runtime-env.ts';
import type { HistoryHooks } from './hooks.ts';

/**
 * The insight layer's part in `npm start -- --history`: the themes, spikes and defect
 * marking use cases, fed by the history as the functions feed them live. This is the one
 * place that wires them: `onMentionRouted` to record-insights' use case, `onHourPassed` to
 * detect-spikes', and `onDay` on `plan.fixedTheme.fixDate` to the defect marking of the
 * theme labelled `plan.fixedTheme.labels` (owner `plan.fixedTheme.owner`).
 *
 * Until those use cases exist, the history feeds nobody but the case handling.
 */
export function insightHooks(_deps: { readonly config: CompanyConfig; readonly env: FunctionEnv; readonly tableName: string }): HistoryHooks {
  return {};
}
