import type { CompanyDirectory } from '../company-directory.ts';
import { authorizeThemeDefect } from '../access-policy.ts';
import type { AdminUser } from '../admin-user.ts';
import { actorOf } from '../admin-user.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { ThemeDefect } from '../insights.ts';
import type { Clock } from '../ports.ts';
import { isDay } from '../time.ts';
import type { ThemeRepository } from './ports.ts';

export interface MarkDefectDeps {
  readonly config: CompanyDirectory;
  readonly themes: ThemeRepository;
  readonly clock: Clock;
}

export interface DefectMark {
  readonly owner: string;
  readonly fixDate: string;
  readonly note?: string;
}

/**
 * Marks a theme as a known defect with who fixes it and when:
 * 1. check the input; 2. load the theme; 3. check the person may (admin, or lead of a
 * department involved); 4. store the mark with who marked it and when (a new mark replaces
 * the previous one).
 *
 * @throws ValidationError for an empty owner or a fix date that is not a day
 * @throws NotFoundError when there is no such theme
 * @throws ForbiddenError when the person may not mark it
 */
export async function markThemeDefect(
  themeId: string,
  mark: DefectMark,
  user: AdminUser,
  deps: MarkDefectDeps,
): Promise<ThemeDefect> {
  const owner = mark.owner.trim();
  if (owner === '') throw new ValidationError('the defect needs an owner: who fixes it');
  if (!isDay(mark.fixDate)) throw new ValidationError(`fix date "${mark.fixDate}" is not a day YYYY-MM-DD`);
  const theme = await deps.themes.theme(themeId);
  if (!theme) throw new NotFoundError(`no theme ${themeId}`);
  authorizeThemeDefect(deps.config, user, theme);
  const note = mark.note?.trim();
  const defect: ThemeDefect = {
    owner,
    fixDate: mark.fixDate,
    markedAt: deps.clock.now().toISOString(),
    markedBy: actorOf(user),
    ...(note ? { note } : {}),
  };
  await deps.themes.markDefect(themeId, defect);
  return defect;
}
