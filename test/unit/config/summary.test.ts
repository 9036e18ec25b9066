import { describe, expect, it } from 'vitest';
import { loadCompanyConfig, parseCompanyConfigYaml } from '../../../shared/config/load.ts';
import { slaSummary } from '../../../shared/config/summary.ts';

describe('slaSummary', () => {
  it('says per department what its SLAs mean in business hours and business days of its calendar', async () => {
    // Arrange
    const config = await loadCompanyConfig('manufacturer');

    // Act
    const lines = slaSummary(config);

    // Assess
    expect(lines[0]).toBe(
      'sales: first response within 1 business hour (high), 4 business hours (normal), 1 business day (low); hours mon-thu 07:30-16:30, fri 07:30-14:00; holidays DE-BW',
    );
    expect(lines).toHaveLength(6);
  });

  it('names mixed units, own holidays and a department that works around the clock', () => {
    // Arrange
    const config = parseCompanyConfigYaml(
      `company: { id: acme, name: ACME, timezone: Europe/Berlin }
departments:
  - id: press
    name: Press
    sla: { high: 90, normal: 1d4h, low: 2d }
  - id: hotline
    name: Hotline
    sla: { high: 15m, normal: 2h, low: 1d }
    businessHours: []
calendar:
  businessHours:
    - { days: [mon, tue, wed, thu, fri, sat], from: "08:00", to: "18:00" }
  holidays: { region: DE-BY, dates: [{ date: 2027-12-24, name: Heiligabend }], except: [Fronleichnam] }
routing: { fallback: press }
`,
      'companies/acme.yaml',
    );

    // Act
    const lines = slaSummary(config);

    // Assess
    expect(lines).toEqual([
      'press: first response within 1 business hour 30 business minutes (high), 1 business day 4 business hours (normal), 2 business days (low); hours mon-sat 08:00-18:00; holidays DE-BY + 1 own day - 1 worked',
      'hotline: first response within 15 business minutes (high), 2 business hours (normal), 1 business day (low); around the clock (a business day is 24 hours)',
    ]);
  });
});
