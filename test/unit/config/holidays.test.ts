import { describe, expect, it } from 'vitest';
import { holidaySetOf, regionProblem } from '../../../shared/config/holidays.ts';
import { ConfigError, parseCompanyConfigYaml } from '../../../shared/config/load.ts';
import { addBusinessMinutes } from '../../../shared/domain/business-time.ts';

/** A small valid config with the given `holidays:` block (YAML, indented under calendar). */
function configWithHolidays(holidays: string): string {
  return `company:
  id: acme
  name: ACME Versicherung
  timezone: Europe/Berlin
departments:
  - id: service
    name: Service
    sla: { high: 1h, normal: 4h, low: 8h }
calendar:
  businessHours:
    - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00" }
  holidays:
${holidays}
routing:
  fallback: service
`;
}

function messagesOf(text: string): string[] {
  try {
    parseCompanyConfigYaml(text, 'companies/acme.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('holidays of a region', () => {
  it('gives the public holidays of Bavaria for any year, without typing one', () => {
    // Arrange
    const holidays = holidaySetOf({ region: 'DE-BY' });

    // Act
    const days = ['2027-01-06', '2027-05-27', '2031-11-01', '2026-10-31', '2027-12-24', '2027-02-08'].map((day) =>
      holidays.has(day),
    );

    // Assess: Epiphany, Corpus Christi and All Saints are public in Bavaria; Reformation Day
    // is not, Christmas Eve is a bank holiday and Rosenmontag an observance only.
    expect(days).toEqual([true, true, true, false, false, false]);
  });

  it("adds the company's own dates and drops the holidays it works on, by date or by name", () => {
    // Arrange
    const holidays = holidaySetOf({
      region: 'DE-BY',
      dates: [{ date: '2027-12-24' }],
      except: ['Fronleichnam', '2027-11-01'],
    });

    // Act
    const days = ['2027-12-24', '2027-05-27', '2028-06-15', '2027-11-01', '2028-11-01'].map((day) => holidays.has(day));

    // Assess
    expect(days).toEqual([true, false, false, false, true]);
  });

  it('keeps SLA time from running on a library holiday', () => {
    // Arrange: Friday 2027-10-01 17:00 in Berlin, Monday 2027-10-04 is a working day, Sunday 10-03 a holiday anyway;
    // Thursday 2027-05-27 (Corpus Christi in Bavaria) is skipped.
    const cal = {
      timezone: 'Europe/Berlin',
      hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, from: '08:00', to: '18:00' }],
      holidays: holidaySetOf({ region: 'DE-BY' }),
    };

    // Act
    const due = addBusinessMinutes(new Date('2027-05-26T15:00:00Z'), 120, cal);

    // Assess: Wednesday 17:00 + 1 h that day, then Friday 08:00 + 1 h = 09:00 Berlin
    expect(due.toISOString()).toBe('2027-05-28T07:00:00.000Z');
  });

  it('accepts a known country and state', () => {
    // Act / Assess
    expect([regionProblem('DE'), regionProblem('DE-BY'), regionProblem('AT-9')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('refuses an unknown state, suggesting those whose names it begins', () => {
    // Act
    const messages = messagesOf(configWithHolidays('    region: DE-BA'));

    // Assess
    expect(messages).toEqual([
      'calendar.holidays.region: "DE-BA" is not a state of DE; did you mean DE-BW (Baden-Württemberg) or DE-BY (Bayern)? DE has: DE-BB, DE-BE, DE-BW, DE-BY, DE-HB, DE-HE, DE-HH, DE-MV, DE-NI, DE-NW, DE-RP, DE-SH, DE-SL, DE-SN, DE-ST, DE-TH',
    ]);
  });

  it('refuses an unknown country, suggesting a near code', () => {
    // Act
    const messages = messagesOf(configWithHolidays('    region: DX'));

    // Assess
    expect(messages).toEqual([
      'calendar.holidays.region: "DX" is not a country date-holidays knows; did you mean DE (Germany) or DJ (Djibouti)? Use an ISO 3166 code such as DE or DE-BY',
    ]);
  });

  it('refuses an exception that is no holiday of the region, listing its holidays', () => {
    // Act
    const messages = messagesOf(configWithHolidays('    region: DE-HH\n    except: [Fronleichnam]'));

    // Assess
    expect(messages).toEqual([
      'calendar.holidays.except.0: "Fronleichnam" is not a public holiday of DE-HH; its holidays are: Neujahr, Karfreitag, Ostermontag, Maifeiertag, Christi Himmelfahrt, Pfingstmontag, Tag der Deutschen Einheit, Reformationstag, 1. Weihnachtstag, 2. Weihnachtstag',
    ]);
  });
});
