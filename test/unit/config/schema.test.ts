import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  companyIds,
  loadAllCompanyConfigs,
  loadCompanyConfig,
  parseCompanyConfigJson,
  parseCompanyConfigYaml,
} from '../../../shared/config/load.ts';
import { classifierLanguagesOf, durationMinutes, routingPolicyOf } from '../../../shared/config/schema.ts';
import { routeMention } from '../../../shared/domain/route-mention.ts';
import { mentionFactory } from '../../factories/mention.ts';

/** A small valid config; `rules` and `extra` are YAML spliced in at the marked places. */
function configYaml({
  rules = '',
  departments = '',
  keywords = '',
  top = '',
}: {
  rules?: string;
  departments?: string;
  keywords?: string;
  top?: string;
} = {}): string {
  return `company:
  id: acme
  name: ACME GmbH
  timezone: Europe/Berlin
departments:
  - id: service
    name: Service
    categories: [complaint, question]
    sla: { high: 1h, normal: 4h, low: 1d }
  - id: sales
    name: Sales
    sla: { high: 60, normal: 240, low: 1440 }
${departments}routing:
  fallback: service
  rules:
    - id: leads
      when: { category: sales_lead }
      then: { department: sales }
${rules}keywords:
  brand: [ACME]
${keywords}${top}`;
}

function issuesOf(text: string): ConfigError['issues'] {
  try {
    parseCompanyConfigYaml(text, 'companies/acme.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

/** Line and column (1-based) of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string, occurrence = 1): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`"${needle}" not in the text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

describe('company config schema: errors name file, line, column and a fix', () => {
  it('refuses a rule that routes to an unknown department, listing the known ones', () => {
    const text = configYaml({
      rules: '    - id: ideas\n      when: { category: product_idea }\n      then: { department: marketing }\n',
    });

    const issues = issuesOf(text);

    expect(issues).toEqual([
      {
        file: 'companies/acme.yaml',
        ...positionOf(text, 'marketing'),
        path: 'routing.rules.1.then.department',
        message: 'unknown department "marketing"; use one of: service, sales',
      },
    ]);
  });

  it('refuses an unknown cc department at its place in the list', () => {
    const text = configYaml({
      rules:
        '    - id: ideas\n      when: { category: product_idea }\n      then: { department: sales, cc: [service, product] }\n',
    });

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({ ...positionOf(text, 'product]'), path: 'routing.rules.1.then.cc.1' }),
    ]);
  });

  it('refuses duplicate rule ids', () => {
    const text = configYaml({
      rules: '    - id: leads\n      when: { category: praise }\n      then: { department: service }\n',
    });

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...positionOf(text, 'leads', 2),
        path: 'routing.rules.1.id',
        message: expect.stringMatching(/^duplicate rule id "leads" .*rename one/),
      }),
    ]);
  });

  it('refuses duplicate department ids', () => {
    const text = configYaml({
      departments: '  - id: sales\n    name: Sales 2\n    sla: { high: 1, normal: 2, low: 3 }\n',
    });

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...positionOf(text, 'sales', 2),
        path: 'departments.2.id',
        message: 'duplicate department id "sales"; every department needs its own id',
      }),
    ]);
  });

  it.each([
    ['0', 'high: 0'],
    ['-30', 'high: -30'],
    ['"soon"', 'high: soon'],
    ['"1.5h"', 'high: 1.5h'],
  ])('refuses an SLA of %s as not a positive duration', (_label, replacement) => {
    const text = configYaml().replace('high: 1h', replacement);

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...positionOf(text, replacement.slice(6)),
        path: 'departments.0.sla.high',
        message: expect.stringContaining('an SLA is a positive duration'),
      }),
    ]);
  });

  it('refuses a timezone that does not exist', () => {
    const text = configYaml().replace('Europe/Berlin', 'Europe/Hamborg');

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...positionOf(text, 'Europe/Hamborg'),
        path: 'company.timezone',
        message: expect.stringContaining('such as Europe/Berlin'),
      }),
    ]);
  });

  it('refuses a regex that does not compile, saying what to escape', () => {
    const text = configYaml({
      rules: '    - id: orders\n      when: { regex: "order (\\\\d+" }\n      then: { department: service }\n',
    });

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...positionOf(text, '"order'),
        path: 'routing.rules.1.when.regex',
        message: expect.stringMatching(/^the regex does not compile .*escape special characters/),
      }),
    ]);
  });

  it('refuses rules after one that catches everything and stops', () => {
    const text = configYaml({
      rules:
        '    - id: everything\n      then: { department: service }\n    - id: praise\n      when: { category: praise }\n      then: { department: sales }\n',
    });

    const issues = issuesOf(text);

    expect(issues).toContainEqual(
      expect.objectContaining({
        ...positionOf(text, 'praise\n'),
        path: 'routing.rules.2.id',
        message:
          'rule "praise" can never match: rule "everything" before it catches every mention and stops; move "praise" above it, give "everything" a condition, or add continue: true to it',
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'departments.0.categories',
        message: expect.stringContaining('can never route: rule "everything" catches every mention'),
      }),
    );
  });

  it('refuses a rule that an earlier, wider rule shadows', () => {
    const text = configYaml({
      rules:
        '    - id: german-leads\n      when: { category: sales_lead, language: de }\n      then: { department: service }\n',
    });

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        path: 'routing.rules.1.id',
        message: expect.stringContaining(
          'rule "german-leads" can never match: rule "leads" before it catches every mention it would',
        ),
      }),
    ]);
  });

  it('refuses an unknown key at the key, suggesting the right one', () => {
    const text = configYaml({
      rules: '    - id: ideas\n      when: { catgory: product_idea }\n      then: { department: sales }\n',
    });

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...positionOf(text, 'catgory'),
        path: 'routing.rules.1.when',
        message: expect.stringMatching(/^unknown key "catgory"; did you mean "category"\?/),
      }),
    ]);
  });

  it('refuses an alert address that is not one and a chat alert target of another kind, at their places', () => {
    const text = configYaml({
      top: 'alerts:\n  email: [it-betrieb]\n  chat:\n    - { type: email, to: [ops@acme.example] }\n',
    });

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...positionOf(text, 'it-betrieb'),
        path: 'alerts.email.0',
        message: expect.stringContaining('not an e-mail address'),
      }),
      expect.objectContaining({ path: 'alerts.chat.0.type' }),
    ]);
  });

  it('reads the alert subscribers, and none when the section is absent', () => {
    const withAlerts = parseCompanyConfigYaml(
      configYaml({ top: 'alerts:\n  email: [ops@acme.example]\n  chat: [{ type: slack, channel: "#ops" }]\n' }),
      'acme.yaml',
    );
    const without = parseCompanyConfigYaml(configYaml(), 'acme.yaml');

    expect(withAlerts.alerts).toEqual({ email: ['ops@acme.example'], chat: [{ type: 'slack', channel: '#ops' }] });
    expect(without.alerts).toEqual({ email: [], chat: [] });
  });

  it('refuses a misspelled category, suggesting the right one', () => {
    const text = configYaml({
      rules: '    - id: ideas\n      when: { category: [praise, complaints] }\n      then: { department: sales }\n',
    });

    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...positionOf(text, 'complaints'),
        path: 'routing.rules.1.when.category.1',
        message: expect.stringContaining('(did you mean "complaint"?)'),
      }),
    ]);
  });

  it('refuses unknown keyword lists and key accounts', () => {
    const text = configYaml({
      rules:
        '    - id: stores\n      when: { keywordLists: stores, keyAccount: [nordwerk] }\n      then: { department: sales }\n',
    });

    expect(issuesOf(text).map((i) => i.message)).toEqual([
      'unknown keyword list "stores"; use one of: brand, products, competitors (add more under keywords.lists)',
      'unknown key account "nordwerk"; use one of: (none: add them under keywords.keyAccounts)',
    ]);
  });

  it('refuses duplicate key account ids and a business day that ends before it starts', () => {
    const account = '    - { id: nordwerk, name: Nordwerk, terms: [Nordwerk], owner: { name: Jo } }\n';
    const text = configYaml({
      keywords: `  keyAccounts:\n${account}${account}`,
      top: 'calendar:\n  businessHours:\n    - { days: [mon], from: "18:00", to: "08:00" }\n',
    });

    expect(issuesOf(text).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'keywords.keyAccounts.1.id: duplicate key account id "nordwerk"; every key account needs its own id',
      'calendar.businessHours.0.to: `to` must be after `from` (for hours past midnight add a second entry for the next day)',
    ]);
  });
});

describe('company config schema: what it accepts', () => {
  it('reads durations as minutes', () => {
    expect([
      durationMinutes('45m'),
      durationMinutes('4h'),
      durationMinutes('1d'),
      durationMinutes('1h30m'),
      durationMinutes('soon'),
    ]).toEqual([45, 240, 1440, 90, undefined]);
  });

  it('normalizes single values to lists and SLAs to business days and minutes', () => {
    const config = parseCompanyConfigYaml(
      configYaml({
        rules:
          '    - id: q\n      when: { category: question, language: en }\n      then: { department: sales, cc: service, sla: 2h }\n',
      }),
      'x.yaml',
    );

    expect(config.departments[0]?.sla).toEqual({
      high: { days: 0, minutes: 60 },
      normal: { days: 0, minutes: 240 },
      low: { days: 1, minutes: 0 },
    });
    expect(config.departments[1]?.sla).toEqual({
      high: { days: 0, minutes: 60 },
      normal: { days: 0, minutes: 240 },
      low: { days: 0, minutes: 1440 },
    });
    expect(config.routing.rules[1]).toEqual({
      id: 'q',
      when: { category: ['question'], language: ['en'] },
      then: { department: 'sales', cc: ['service'], sla: { days: 0, minutes: 120 } },
    });
  });

  it("takes the classifier languages as written, else the locale's language and English", () => {
    const configured = parseCompanyConfigYaml(configYaml({ top: 'classifier:\n  languages: [en, fr]\n' }), 'x.yaml');
    const german = parseCompanyConfigYaml(configYaml(), 'x.yaml');
    const british = parseCompanyConfigYaml(
      configYaml().replace('  name: ACME GmbH\n', '  name: ACME GmbH\n  locale: en-GB\n'),
      'x.yaml',
    );

    expect([classifierLanguagesOf(configured), classifierLanguagesOf(german), classifierLanguagesOf(british)]).toEqual([
      ['en', 'fr'],
      ['de', 'en'],
      ['en'],
    ]);
  });

  it('refuses a classifier language that is not an ISO 639-1 code, saying how to write one', () => {
    const issues = issuesOf(configYaml({ top: 'classifier:\n  languages: [German]\n' }));

    expect(issues).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('ISO 639-1 language code such as de or en') }),
    );
  });

  it('survives the trip through a function environment unchanged', async () => {
    const config = await loadCompanyConfig('manufacturer');

    expect(parseCompanyConfigJson(JSON.stringify(config))).toEqual(config);
  });

  it('accepts every config in companies/ and finds one per file', async () => {
    const configs = await loadAllCompanyConfigs();

    expect(configs.map((c) => c.company.id)).toEqual(await companyIds());
    expect(configs.map((c) => c.company.id)).toEqual(expect.arrayContaining(['demo', 'retailer', 'manufacturer']));
  });
});

describe('example configs route as their comments say', () => {
  const classification = {
    language: 'de',
    relevant: true,
    sentiment: 'neutral' as const,
    urgency: 0.2,
    confidence: 0.7,
    reasons: [],
    model: 'test',
  };

  it('retailer: a question naming a Hamburg store goes to the Hamburg stores with service in copy', async () => {
    const policy = routingPolicyOf(await loadCompanyConfig('retailer'));

    const routing = routeMention(
      { ...classification, category: 'question' },
      policy,
      mentionFactory({ text: 'Hat die Filiale am Jungfernstieg Sonntag offen?' }),
    );

    expect(routing).toMatchObject({ department: 'store-hamburg', cc: ['service'], tags: ['store', 'hamburg'] });
  });

  it('manufacturer: a key account complaint goes to sales, naming the account owner', async () => {
    const policy = routingPolicyOf(await loadCompanyConfig('manufacturer'));
    const mention = mentionFactory({
      text: 'Bei Nordwerk stehen zwei Linien still, das KA-Servo-Ersatzteil fehlt seit einer Woche.',
    });

    const routing = routeMention({ ...classification, category: 'complaint', sentiment: 'negative' }, policy, mention);

    expect(routing).toMatchObject({
      department: 'sales',
      cc: ['support'],
      priority: 'high',
      sla: { days: 0, minutes: 60 },
      tags: ['key-account', 'escalation'],
    });
    expect(routing.keyAccounts?.[0]?.owner.name).toBe('Jonas Berg');
    expect(routing.reasons.join('\n')).toContain('account owner Jonas Berg');
  });
});

describe('the shipped demo config', () => {
  it('is valid and its header points editors at the JSON Schema', () => {
    const text = readFileSync(new URL('../../../companies/demo.yaml', import.meta.url), 'utf8');

    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../docs/company-config.schema.json');
    expect(parseCompanyConfigYaml(text, 'companies/demo.yaml').routing.rules.length).toBeGreaterThan(0);
  });
});
