import { describe, expect, it } from 'vitest';
import { slaMarks } from '../../../bin/commands/cases.ts';
import { withLocalConsoleUrl } from '../../../infra/local/console-url.ts';
import { caseLinkBaseOf } from '../../../shared/config/schema.ts';
import { caseUrlOf } from '../../../shared/domain/notification.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';

describe('notification links open the console (issue 14)', () => {
  it("opens <consoleUrl>/cases/<id> when the config names the console, else the cases' base URL", () => {
    // Arrange
    const config = demoConfig();
    const withConsole = {
      ...config,
      admin: { ...config.admin, consoleUrl: 'https://console.radwerk.example/console/' },
    };
    const withBase = { ...config, cases: { ...config.cases, baseUrl: 'https://api.radwerk.example' } };

    // Act / Assess
    expect(caseUrlOf(caseLinkBaseOf(withConsole), 'case_0123')).toBe(
      'https://console.radwerk.example/console/cases/case_0123',
    );
    expect(caseUrlOf(caseLinkBaseOf(withBase), 'case_0123')).toBe('https://api.radwerk.example/cases/case_0123');
  });

  it('locally defaults to the console npm start serves, and keeps a console the config names', () => {
    // Arrange
    const config = demoConfig();
    const named = { ...config, admin: { ...config.admin, consoleUrl: 'https://console.radwerk.example/console' } };

    // Act / Assess
    expect(caseLinkBaseOf(withLocalConsoleUrl(config, 3000))).toBe('http://localhost:3000/console');
    expect(caseLinkBaseOf(withLocalConsoleUrl(named, 3000))).toBe('https://console.radwerk.example/console');
    expect(withLocalConsoleUrl(config, 0)).toBe(config);
  });

  it('the CLI marks a waiting case with a paused clock as paused, not overdue', () => {
    // Arrange
    const paused = caseFactory({
      state: 'waiting',
      dueAt: '2026-11-30T09:00:00.000Z',
      slaPausedAt: '2026-11-30T08:00:00.000Z',
    });

    // Act / Assess
    expect(slaMarks(paused, new Date('2026-11-30T12:00:00.000Z'))).toEqual(['sla paused']);
    expect(slaMarks({ ...paused, slaPausedAt: undefined }, new Date('2026-11-30T12:00:00.000Z'))).toEqual(['overdue']);
  });
});
