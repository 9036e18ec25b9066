import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadCompanyConfig,
  parseCompanyConfigJson,
  parseCompanyConfigYaml,
} from '../../../shared/config/load.ts';
import { caseEventSubscriptionOf } from '../../../shared/config/config-views.ts';

const demoYaml = readFileSync(new URL('../../../companies/demo.yaml', import.meta.url), 'utf8');

function issuesOf(text: string): ConfigError['issues'] {
  try {
    parseCompanyConfigYaml(text, 'companies/x.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('company config', () => {
  it('accepts the demo config with its six departments', async () => {
    const config = await loadCompanyConfig('demo');

    expect(config.company.timezone).toBe('Europe/Berlin');
    expect(config.departments.map((d) => d.id)).toEqual(['press', 'sales', 'service', 'product', 'community', 'legal']);
  });

  it('names file, line and column of an unknown timezone', () => {
    const issues = issuesOf(demoYaml.replace('timezone: Europe/Berlin', 'timezone: Europe/Gotham'));

    const line = demoYaml.split('\n').findIndex((l) => l.includes('timezone: Europe/Berlin')) + 1;
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'companies/x.yaml',
        line,
        column: 13,
        path: 'company.timezone',
        message: expect.stringContaining('IANA'),
      }),
    ]);
  });

  it('refuses a fallback department that does not exist, listing the known ones', () => {
    const issues = issuesOf(demoYaml.replace('fallback: community', 'fallback: marketing'));

    expect(issues[0]?.path).toBe('routing.fallback');
    expect(issues[0]?.message).toContain('use one of: press, sales');
  });

  it('refuses duplicate department ids and a non-positive SLA', () => {
    const text = demoYaml
      .replace('- id: sales', '- id: press')
      .replace('sla: { high: 2h, normal: 8h', 'sla: { high: -5, normal: 8h');

    const messages = issuesOf(text).map((i) => `${i.path}: ${i.message}`);

    expect(messages).toContain('departments.1.id: duplicate department id "press"; every department needs its own id');
    expect(messages).toContain(
      'departments.1.sla.high: an SLA is a positive duration: minutes as a number (240) or a text such as 30m, 4h, 1d or 1h30m',
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const issues = issuesOf('company: [unclosed\n');

    expect(issues[0]).toMatchObject({ file: 'companies/x.yaml', line: expect.any(Number), column: expect.any(Number) });
  });

  it('gives one message with the ISO spelling for a German date', () => {
    const text = demoYaml.replace('date: 2026-12-24', 'date: 24.12.2026');

    const messages = issuesOf(text).map((i) => `${i.line}: ${i.path}: ${i.message}`);

    const line = demoYaml.split('\n').findIndex((l) => l.includes('date: 2026-12-24')) + 1;
    expect(messages).toEqual([
      `${line}: calendar.holidays.dates.0.date: use a date YYYY-MM-DD: write 2026-12-24 for 24.12.2026`,
    ]);
  });

  it('gives one message for a date that is not in the calendar', () => {
    const messages = issuesOf(demoYaml.replace('date: 2026-12-24', 'date: 2026-02-30')).map(
      (i) => `${i.path}: ${i.message}`,
    );

    expect(messages).toEqual(['calendar.holidays.dates.0.date: 2026-02-30 is not a calendar date; use YYYY-MM-DD']);
  });

  it('suggests the weekday for German and English day names', () => {
    const text = demoYaml.replace(
      'days: [mon, tue, wed, thu, fri], from: "08:00", to: "17:00"',
      'days: [Mo, Di, Mi, Do, Montag, Sunday], from: "08:00", to: "17:00"',
    );

    const messages = issuesOf(text).map((i) => `${i.path}: ${i.message}`);

    const allowed = 'use one of: mon, tue, wed, thu, fri, sat, sun';
    expect(messages).toEqual([
      `calendar.businessHours.0.days.0: "Mo" is not allowed; ${allowed} (did you mean "mon"?)`,
      `calendar.businessHours.0.days.1: "Di" is not allowed; ${allowed} (did you mean "tue"?)`,
      `calendar.businessHours.0.days.2: "Mi" is not allowed; ${allowed} (did you mean "wed"?)`,
      `calendar.businessHours.0.days.3: "Do" is not allowed; ${allowed} (did you mean "thu"?)`,
      `calendar.businessHours.0.days.4: "Montag" is not allowed; ${allowed} (did you mean "mon"?)`,
      `calendar.businessHours.0.days.5: "Sunday" is not allowed; ${allowed} (did you mean "sun"?)`,
    ]);
  });

  it('suggests the list of weekdays for a range such as Mo-Fr', () => {
    const text = demoYaml.replace(
      'days: [mon, tue, wed, thu, fri], from: "08:00", to: "17:00"',
      'days: [Mo-Fr], from: "08:00", to: "17:00"',
    );

    const messages = issuesOf(text).map((i) => `${i.path}: ${i.message}`);

    expect(messages).toEqual([
      'calendar.businessHours.0.days.0: "Mo-Fr" is not allowed; use one of: mon, tue, wed, thu, fri, sat, sun (did you mean [mon, tue, wed, thu, fri]?)',
    ]);
  });

  it('names a key indented under a key that has a value as bad indentation, at its line', () => {
    const text = demoYaml.replace('  name: Radwerk Hansen GmbH', '   name: Radwerk Hansen GmbH');

    const issues = issuesOf(text);

    const line = demoYaml.split('\n').indexOf('  name: Radwerk Hansen GmbH') + 1;
    expect(issues).toEqual([
      {
        file: 'companies/x.yaml',
        line,
        column: 4,
        path: '',
        message: `bad indentation: "name" is indented more than "id" on line ${line - 1}, which has a value already; keys of one mapping start at the same column (column 3 here)`,
      },
    ]);
  });

  it("names a key that starts between two block columns as bad indentation, suggesting its sibling's column", () => {
    const text = demoYaml.replace('  timezone: Europe/Berlin', ' timezone: Europe/Berlin');

    const messages = issuesOf(text).map((i) => `${i.line}:${i.column}: ${i.message}`);

    const line = demoYaml.split('\n').indexOf('  timezone: Europe/Berlin') + 1;
    expect(messages).toEqual([
      `${line}:2: bad indentation: "timezone" starts at column 2, but no block above starts there; did you mean column 3, as "locale" on line ${line - 1}?`,
    ]);
  });

  it('advises quoting only for a text that contains ": ", once per line', () => {
    const text = demoYaml.replace('  name: Radwerk Hansen GmbH', '  name: Radwerk: Hansen GmbH');

    const messages = issuesOf(text).map((i) => `${i.line}:${i.column}: ${i.message}`);

    const line = demoYaml.split('\n').indexOf('  name: Radwerk Hansen GmbH') + 1;
    expect(messages).toEqual([
      `${line}:9: Nested mappings are not allowed in compact mappings; quote a text that contains ": " (a colon and a space)`,
    ]);
  });

  it('says so when the file does not exist', async () => {
    await expect(loadCompanyConfig('nobody')).rejects.toThrow(/companies\/nobody\.yaml:1:1: cannot read the config/);
  });

  it('refuses a missing config in a function environment', () => {
    expect(() => parseCompanyConfigJson(undefined)).toThrow('the company config is not set');
  });

  it('lists no case events of its own for the demo company: only those that notify go on the bus', async () => {
    // Act
    const config = await loadCompanyConfig('demo');

    // Assess
    expect(config.events).toBeUndefined();
    expect(caseEventSubscriptionOf(config)).toEqual([]);
  });

  it.each([
    ['[Case Assigned, Case Resolved]', ['Case Assigned', 'Case Resolved']],
    ['all', 'all'],
    ['[]', []],
  ])('accepts events.caseEvents: %s', (value, expected) => {
    // Act
    const config = parseCompanyConfigYaml(`${demoYaml}\nevents:\n  caseEvents: ${value}\n`, 'companies/x.yaml');

    // Assess
    expect(caseEventSubscriptionOf(config)).toEqual(expected);
  });

  it('refuses an unknown case event at config load, naming it, its line and the known ones', () => {
    // Arrange
    const text = `${demoYaml}\nevents:\n  caseEvents:\n    - Case Assigned\n    - Case Asigned\n`;

    // Act
    const issues = issuesOf(text);

    // Assess
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'events.caseEvents.1',
        line: text.split('\n').indexOf('    - Case Asigned') + 1,
        message: expect.stringMatching(
          /^unknown case event "Case Asigned"; use "all" or a list of case event detail-types: Case Assigned, .*Case Tagged$/,
        ),
      }),
    ]);
  });

  it('refuses a routed-mention event and any other word than all in events.caseEvents, each with its reason', () => {
    // Act
    const listed = issuesOf(`${demoYaml}\nevents:\n  caseEvents: [Mentions Routed]\n`);
    const word = issuesOf(`${demoYaml}\nevents:\n  caseEvents: everything\n`);

    // Assess
    expect(listed.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'events.caseEvents.0: "Mentions Routed" is not a case event: it is always published; list only case events',
    ]);
    expect(word.map((i) => i.path)).toEqual(['events.caseEvents']);
    expect(word[0]?.message).toMatch(
      /^"everything" is not a setting; use "all" or a list of case event detail-types: /,
    );
  });
});
