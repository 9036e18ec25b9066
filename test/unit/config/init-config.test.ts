import { describe, expect, it } from 'vitest';
import {
  InitAnswerError,
  PLATFORM_IDS,
  brandNames,
  checkAnswers,
  initConfigYaml,
  missingAnswers,
  nextSteps,
  parseDepartmentFlag,
  parsePlatformFlag,
  type InitAnswers,
} from '../../../shared/config/init-config.ts';
import { parseCompanyConfigYaml } from '../../../shared/config/load.ts';

/** Complete answers of a Munich insurer; `overrides` replace whole answers. */
const answersFactory = (overrides: InitAnswers = {}): InitAnswers => ({
  name: 'Isar Versicherung AG',
  timezone: 'Europe/Berlin',
  region: 'DE-BY',
  departments: [
    {
      id: 'service',
      name: 'Kundenservice',
      leads: [{ name: 'Ole Hansen', email: 'ole@isar.example' }],
      members: [{ name: 'Ada Roth', email: 'ada@isar.example' }],
    },
    { id: 'press', leads: [], members: [] },
  ],
  platforms: { meta: { pageId: ['104729381726354'] } },
  ...overrides,
});

const load = (answers: InitAnswers, id = 'isar') =>
  parseCompanyConfigYaml(initConfigYaml(id, checkAnswers(answers)), `companies/${id}.yaml`);

describe('initConfigYaml', () => {
  it('writes a config the real loader accepts, with every answer in it', () => {
    // Act
    const config = load(answersFactory());

    // Assess
    expect(config.company).toMatchObject({ id: 'isar', name: 'Isar Versicherung AG', timezone: 'Europe/Berlin' });
    expect(config.calendar?.holidays?.region).toBe('DE-BY');
    expect(config.departments.map((d) => [d.id, d.name])).toEqual([
      ['service', 'Kundenservice'],
      ['press', 'Press & Communications'],
    ]);
    expect(config.departments[0]?.leads).toEqual([{ name: 'Ole Hansen', email: 'ole@isar.example' }]);
    expect(config.departments[0]?.members).toEqual([{ name: 'Ada Roth', email: 'ada@isar.example' }]);
    expect(config.departments[0]?.categories).toEqual(['complaint', 'question']);
    expect(config.platforms.meta?.pageIds).toEqual(['104729381726354']);
    expect(config.routing.fallback).toBe('service');
    expect(config.keywords.brand).toEqual(['Isar Versicherung AG', 'Isar Versicherung']);
  });

  it('explains each section with a comment above it', () => {
    // Act
    const lines = initConfigYaml('isar', checkAnswers(answersFactory())).split('\n');

    // Assess
    for (const section of [
      'company:',
      'platforms:',
      'departments:',
      'calendar:',
      'routing:',
      'keywords:',
      'retention:',
    ]) {
      expect(lines[lines.indexOf(section) - 1], section).toMatch(/^# /);
    }
  });

  it('keeps names with colons, quotes, umlauts and YAML words as written', () => {
    // Arrange
    const name = 'Müller: "Die Versicherung" & Co # 1';

    // Act
    const config = load(
      answersFactory({
        name,
        departments: [
          { id: 'legal', name: 'yes', leads: [{ name: "O'Neil: Jr.", email: 'o@x.example' }], members: [] },
        ],
      }),
    );

    // Assess
    expect(config.company.name).toBe(name);
    expect(config.departments[0]?.name).toBe('yes');
    expect(config.departments[0]?.leads?.[0]?.name).toBe("O'Neil: Jr.");
  });

  it.each(PLATFORM_IDS)('writes a valid %s section with its account fields', (platform) => {
    // Arrange
    const fields = {
      meta: { pageId: ['1', '2'], instagramAccountId: ['3'] },
      x: { accountId: ['42'] },
      linkedin: { organizationId: ['urn:li:organization:7'] },
      youtube: { channelId: ['UCabc'] },
      tiktok: { openId: ['act.1'] },
      generic: { source: ['trustpilot', 'form'] },
      mastodon: { instanceUrl: 'https://mastodon.social', accountId: '9' },
      bluesky: { handle: 'isar.bsky.social', did: 'did:plc:abc' },
    }[platform];

    // Act
    const config = load(answersFactory({ platforms: { [platform]: fields } }));

    // Assess
    const expected = {
      meta: { pageIds: ['1', '2'], instagramAccountIds: ['3'] },
      x: { accountIds: ['42'] },
      linkedin: { organizationIds: ['urn:li:organization:7'] },
      youtube: { channelIds: ['UCabc'] },
      tiktok: { accountOpenIds: ['act.1'] },
      generic: { sources: [{ id: 'trustpilot' }, { id: 'form' }] },
      mastodon: { instanceUrl: 'https://mastodon.social', accountId: '9' },
      bluesky: { handle: 'isar.bsky.social', did: 'did:plc:abc' },
    }[platform];
    expect(config.platforms[platform]).toMatchObject({ enabled: true, ...expected });
  });

  it('routes the rest to the first department when there is no service department', () => {
    const config = load(
      answersFactory({
        departments: [
          { id: 'sales', leads: [], members: [] },
          { id: 'legal', leads: [], members: [] },
        ],
      }),
    );

    expect(config.routing.fallback).toBe('sales');
  });

  it('writes no holiday region for region none', () => {
    const config = load(answersFactory({ region: 'none' }));

    expect(config.calendar?.holidays).toBeUndefined();
  });
});

describe('parseDepartmentFlag', () => {
  it('reads the id, the display name and any number of leads and members', () => {
    const department = parseDepartmentFlag(
      'service:Kundenservice:lead=Ole Hansen <ole@x.de>:member=Ada Roth <ada@x.de>:member=Ben Kurz <ben@x.de>',
    );

    expect(department).toEqual({
      id: 'service',
      name: 'Kundenservice',
      leads: [{ name: 'Ole Hansen', email: 'ole@x.de' }],
      members: [
        { name: 'Ada Roth', email: 'ada@x.de' },
        { name: 'Ben Kurz', email: 'ben@x.de' },
      ],
    });
  });

  it('takes the id alone', () => {
    expect(parseDepartmentFlag('legal')).toEqual({ id: 'legal', leads: [], members: [] });
  });

  it('rejects a department that init does not offer, naming the choices', () => {
    expect(() => parseDepartmentFlag('hr:Personal')).toThrow(
      /"hr" is not a department; choose one of: press, sales, service, product, community, legal/,
    );
  });

  it('rejects a person without an e-mail address, showing the format', () => {
    expect(() => parseDepartmentFlag('press:lead=Jana Reporter')).toThrow(
      /"Jana Reporter" is not a person; write Name <e-mail>/,
    );
  });

  it('rejects a second display name', () => {
    expect(() => parseDepartmentFlag('press:Presse:PR')).toThrow(InitAnswerError);
  });
});

describe('parsePlatformFlag', () => {
  it('collects a repeated key into a list', () => {
    expect(parsePlatformFlag('x:accountId=1,accountId=2')).toEqual({
      platform: 'x',
      fields: { accountId: ['1', '2'] },
    });
  });

  it('keeps a URL with colons whole', () => {
    expect(parsePlatformFlag('mastodon:instanceUrl=https://mastodon.social,accountId=42')).toEqual({
      platform: 'mastodon',
      fields: { instanceUrl: 'https://mastodon.social', accountId: '42' },
    });
  });

  it('rejects a key the platform does not have, naming the ones it has', () => {
    expect(() => parsePlatformFlag('meta:page=1')).toThrow(
      /meta takes pageId=<Facebook Page ids>, instagramAccountId=/,
    );
  });

  it('rejects an unknown platform', () => {
    expect(() => parsePlatformFlag('myspace:id=1')).toThrow(/"myspace" is not a platform/);
  });
});

describe('missingAnswers and checkAnswers', () => {
  it('lists every missing answer as the option that gives it', () => {
    const missing = missingAnswers({ name: 'Isar' });

    expect(missing.map((m) => m.split(' ')[0])).toEqual(['--timezone', '--region', '--department', '--platform']);
  });

  it('reports a wrong timezone, an unknown state and a department given twice together', () => {
    // Arrange
    const answers = answersFactory({
      timezone: 'Europe/Munich',
      region: 'DE-XX',
      departments: [
        { id: 'press', leads: [], members: [] },
        { id: 'press', leads: [], members: [] },
      ],
    });

    // Act
    const act = () => checkAnswers(answers);

    // Assess
    expect(act).toThrow(
      /"Europe\/Munich" is not an IANA timezone[\s\S]*DE has no state "XX"; use one of: .*DE-BY[\s\S]*department "press" is given twice/,
    );
  });

  it('rejects a country the holiday calendar does not know', () => {
    expect(() => checkAnswers(answersFactory({ region: 'ZZ' }))).toThrow(
      /"ZZ" is not a country the holiday calendar knows/,
    );
  });

  it('rejects a platform without its account id, saying which option gives it', () => {
    expect(() => checkAnswers(answersFactory({ platforms: { bluesky: {} } }))).toThrow(
      /platform bluesky needs handle .* --platform bluesky:handle=/,
    );
  });
});

describe('nextSteps', () => {
  it('names the local commands and each platform secret to fill in for AWS', () => {
    // Act
    const text = nextSteps(
      'isar',
      'companies/isar.yaml',
      checkAnswers(answersFactory({ platforms: { meta: { pageId: ['1'] }, x: { accountId: ['2'] } } })),
    );

    // Assess
    expect(text).toContain('npm start -- --company isar');
    expect(text).toContain('npx cdk deploy -c company=isar');
    expect(text).toMatch(/backchannel\/isar\/meta: \{"appSecret"/);
    expect(text).toMatch(/backchannel\/isar\/x: \{"consumerSecret"/);
  });
});

describe('brandNames', () => {
  it('adds the name without its legal form', () => {
    expect(brandNames('Kessler Antriebstechnik GmbH')).toEqual([
      'Kessler Antriebstechnik GmbH',
      'Kessler Antriebstechnik',
    ]);
    expect(brandNames('Radwerk Hansen')).toEqual(['Radwerk Hansen']);
  });
});
