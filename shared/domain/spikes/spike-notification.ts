import {
  caseUrlOf,
  formatTime,
  label as categoryLabel,
  type Notification,
  type NotificationOptions,
  type NotifiedDepartment,
} from '../notification.ts';
import type { SpikeSummary } from '../insights.ts';

/**
 * The notification of a spike for one department (press, or a department whose cases hold
 * the surge). It calls out the department's leads. Its id is `spike:<id>`, so each target
 * hears of a spike once; it links to one of the spike's cases, and the sent-markers live
 * on that case (the notification log is kept per case).
 */
export function notificationForSpike(
  spike: SpikeSummary,
  department: NotifiedDepartment,
  options: NotificationOptions,
): Notification {
  const caseId = spike.caseIds[0] ?? spike.id;
  const caseUrl = spike.caseIds[0] ? caseUrlOf(options.caseBaseUrl, spike.caseIds[0]) : undefined;
  const what = spikeLabel(spike);
  const ratio = spike.expected > 0 ? `${(spike.observed / spike.expected).toFixed(1)}x` : 'far above';
  const involved = spike.departments.length > 0 ? ` Cases are with ${spike.departments.join(', ')}.` : '';
  return {
    id: `spike:${spike.id}`,
    kind: 'spike',
    department: department.id,
    departmentName: department.name,
    caseId,
    ...(caseUrl ? { caseUrl } : {}),
    title: `Spike: ${spike.observed} ${what} in one hour (${ratio} the usual ${formatRate(spike.expected)})`,
    summary: `${spike.observed} ${what} in the hour from ${formatTime(spike.hour, options.timezone)}, where ${formatRate(spike.expected)} are usual for that hour of the week.${involved} ${spike.caseIds.length} case(s) are tagged spike:${spike.id}.`,
    priority: 'high',
    dueAt: spike.detectedAt,
    timezone: options.timezone,
    people: (department.leads ?? []).map((p) => ({
      name: p.name,
      ...(p.email ? { email: p.email } : {}),
      ...(p.handle ? { handle: p.handle } : {}),
      role: 'lead',
    })),
    at: spike.detectedAt,
  };
}

/** What surged, in words: `complaint mentions`, `mentions on x`, `mentions of "Akku brennt"`. */
export function spikeLabel(spike: Pick<SpikeSummary, 'dimension' | 'label'>): string {
  switch (spike.dimension) {
    case 'category':
      return `${categoryLabel(spike.label)} mentions`;
    case 'platform':
      return `mentions on ${spike.label}`;
    case 'theme':
      return `mentions of "${spike.label}"`;
  }
}

function formatRate(expected: number): string {
  return expected >= 10 ? expected.toFixed(0) : expected.toFixed(1);
}
