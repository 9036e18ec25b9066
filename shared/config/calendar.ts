import type { BusinessCalendar } from '../domain/business-time.ts';
import { NotFoundError } from '../domain/errors.ts';
import { holidaySetOf } from './holidays.ts';
import type { CompanyConfig } from './schema.ts';

/**
 * The business calendar of a department: the company timezone, and the department's own
 * `businessHours` and `holidays` where it gives them, else the company's `calendar`; a
 * holidays `region` gives the public holidays of any year (shared/config/holidays.ts). Hours
 * and holidays are overridden one by one: a service desk with its own hours still keeps the
 * company's holidays. Without hours anywhere (or with `businessHours: []`) SLA time runs
 * around the clock and holidays do not apply.
 *
 * @throws NotFoundError when the config has no such department
 * @example
 * const due = dueAtFor(openedAt, department.sla.high, calendarOf(config, 'service'));
 */
export function calendarOf(config: CompanyConfig, departmentId: string): BusinessCalendar {
  const department = config.departments.find((d) => d.id === departmentId);
  if (!department) {
    throw new NotFoundError(
      `unknown department "${departmentId}"; the config has: ${config.departments.map((d) => d.id).join(', ')}`,
    );
  }
  const hours = department.businessHours ?? config.calendar?.businessHours;
  const holidays = department.holidays ?? config.calendar?.holidays;
  return {
    timezone: config.company.timezone,
    ...(hours ? { hours } : {}),
    holidays: holidaySetOf(holidays),
  };
}
