import { BUSINESS_WEEKDAYS, describeSla, type BusinessHours } from '../domain/business-time.ts';
import { PRIORITIES } from '../domain/mention.ts';
import type { CompanyConfig } from './schema.ts';

/**
 * One line per department saying what its SLAs mean in its own calendar, as `validate`
 * prints them: "press: first response within 1 business hour (high), 4 business hours
 * (normal), 1 business day (low); hours mon-fri 08:00-17:00; holidays DE-HH + 2 own days".
 */
export function slaSummary(config: CompanyConfig): string[] {
  return config.departments.map((department) => {
    const slas = PRIORITIES.map((priority) => `${describeSla(department.sla[priority])} (${priority})`).join(', ');
    const hours = department.businessHours ?? config.calendar?.businessHours;
    const holidays = department.holidays ?? config.calendar?.holidays;
    const own = holidays?.dates.length ?? 0;
    const holidayText = holidays?.region
      ? `holidays ${holidays.region}${own > 0 ? ` + ${own} own day${own === 1 ? '' : 's'}` : ''}${holidays.except?.length ? ` - ${holidays.except.length} worked` : ''}`
      : `${own > 0 ? `${own} holiday${own === 1 ? '' : 's'}` : 'no holidays'}`;
    const calendar =
      hours && hours.length > 0
        ? `hours ${hours.map(describeHours).join(', ')}; ${holidayText}`
        : 'around the clock (a business day is 24 hours)';
    return `${department.id}: first response within ${slas}; ${calendar}`;
  });
}

/** `{ days: [mon, tue, wed, thu, fri], from: 08:00, to: 17:00 }` -> `mon-fri 08:00-17:00`. */
function describeHours(hours: BusinessHours): string {
  const indexes = [...new Set(hours.days.map((d) => BUSINESS_WEEKDAYS.indexOf(d)))].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < indexes.length; ) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === (indexes[j] ?? 0) + 1) j++;
    const first = BUSINESS_WEEKDAYS[indexes[i] ?? 0];
    const last = BUSINESS_WEEKDAYS[indexes[j] ?? 0];
    runs.push(
      j - i >= 2
        ? `${first}-${last}`
        : indexes
            .slice(i, j + 1)
            .map((x) => BUSINESS_WEEKDAYS[x])
            .join(','),
    );
    i = j + 1;
  }
  return `${runs.join(',')} ${hours.from}-${hours.to}`;
}
