import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadCompanyConfig, parseCompanyConfigJson, parseCompanyConfigYaml } from '../../../shared/config/load.ts';

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
      expect.objectContaining({ file: 'companies/x.yaml', line, column: 13, path: 'company.timezone', message: expect.stringContaining('IANA') }),
    ]);
  });

  it('refuses a fallback department that does not exist, listing the known ones', () => {
    const issues = issuesOf(demoYaml.replace('fallback: community', 'fallback: marketing'));

    expect(issues[0]?.path).toBe('routing.fallback');
    expect(issues[0]?.message).toContain('use one of: press, sales');
  });

  it('refuses duplicate department ids and a non-positive SLA', () => {
    const text = demoYaml.replace('- id: sales', '- id: press').replace('sla: { high: 2h, normal: 8h', 'sla: { high: -5, normal: 8h');

    const messages = issuesOf(text).map((i) => `${i.path}: ${i.message}`);

    expect(messages).toContain('departments.1.id: duplicate department id "press"; every department needs its own id');
    expect(messages).toContain('departments.1.sla.high: an SLA is a positive duration: minutes as a number (240) or a text such as 30m, 4h, 1d or 1h30m');
  });

  it('reports YAML syntax errors with their position', () => {
    const issues = issuesOf('company: [unclosed\n');

    expect(issues[0]).toMatchObject({ file: 'companies/x.yaml', line: expect.any(Number), column: expect.any(Number) });
  });

  it('says so when the file does not exist', async () => {
    await expect(loadCompanyConfig('nobody')).rejects.toThrow(/companies\/nobody\.yaml:1:1: cannot read the config/);
  });

  it('refuses a missing config in a function environment', () => {
    expect(() => parseCompanyConfigJson(undefined)).toThrow('the company config is not set');
  });
});
