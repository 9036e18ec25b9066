import type { Language } from './i18n.ts';

const LOCALES: Record<Language, string> = { de: 'de-DE', en: 'en-GB' };

/** A date and time in the person's language, in the browser's time zone. */
export function dateTime(language: Language, iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A relative time ("in 3 hours", "vor 2 Tagen"). */
export function relative(language: Language, iso: string, now = Date.now()): string {
  const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
  const format = new Intl.RelativeTimeFormat(LOCALES[language], { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  if (Math.abs(minutes) < 48 * 60) return format.format(Math.round(minutes / 60), 'hour');
  return format.format(Math.round(minutes / 1440), 'day');
}

/** Business minutes as hours and minutes ("3 h 20 min"). */
export function duration(minutes: number): string {
  const total = Math.abs(Math.round(minutes));
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  return hours > 0 ? `${hours} h${rest > 0 ? ` ${rest} min` : ''}` : `${rest} min`;
}

/** `user:ole.hansen@…` -> `ole.hansen@…`; `system:check-sla` stays. */
export function actorName(actor: string | undefined): string {
  if (!actor) return '';
  return actor.startsWith('user:') ? actor.slice('user:'.length) : actor;
}
