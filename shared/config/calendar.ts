import type { BusinessCalendar } from '../domain/business-time.ts';
import { NotFoundError } from '../domain/errors.ts';
import { deployedHolidaySet } from './holiday-table.ts';
import type { CompanyConfig } from './schema.ts';

/**
 * date-holidays (with moment-timezone and astronomia, 1.3 MiB) where the days are computed
 * here: from source (npm start, tests, the CLI). A bundle carries its regions' days as a
 * table instead (infra/bundling.ts defines `process.env.BACKCHANNEL_HOLIDAYS`), esbuild
 * folds this condition and drops the import; a static import would keep the library in
 * the bundle, whose modules have side effects at load.
 */
const library = process.env.BACKCHANNEL_HOLIDAYS ? undefined : await import('./holidays.ts');

/**
 * The business calendar of a department: the company timezone, and the department's own
 * `businessHours` and `holidays` where it gives them, else the company's `calendar`; a
 * holidays `region` gives the public holidays of any year (shared/config/holidays.ts; in a
 * bundle, of the years the deployed table covers: shared/config/holiday-table.ts). Hours
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
    holidays: library ? library.holidaySetOf(holidays) : deployedHolidaySet(holidays),
  };
}
