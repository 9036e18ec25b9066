import { describe, expect, it } from 'vitest';
import { adminApi, type AdminApiDeps } from '../../../functions/admin-api/handler.ts';
import { recordInsight } from '../../../shared/domain/themes/record-insight.ts';
import { adminEventFactory, type AdminEventOptions } from '../../factories/admin-api.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';
import { fixedClock, InMemoryCaseEvents, InMemoryCases, InMemoryThemes } from '../../fakes/in-memory.ts';

const NOW = '2026-11-30T10:30:00.000Z';
const AYLIN = { sub: 'sub-aylin', email: 'aylin.demir@radwerk-hansen.example' }; // lead of service
const OLE = { sub: 'sub-ole', email: 'ole.hansen@radwerk-hansen.example' }; // member of service
const MALTE = { sub: 'sub-malte', email: 'malte.brandt@radwerk-hansen.example' }; // lead of sales
const STRANGER = { sub: 'sub-eve', email: 'eve@example.org' };

async function setup() {
  const themes = new InMemoryThemes();
  const clock = fixedClock(NOW);
  const insight = { themes, rates: themes.rates, clock, timezone: 'Europe/Berlin', retentionDays: 365 };
  const complaint = await recordInsight(
    mentionRoutedFactory({
      mentionId: 'facebook:1',
      text: 'Die Reparatur in der Werkstatt dauert schon Wochen',
      createdAt: '2026-11-25T10:00:00.000Z',
    }),
    insight,
  );
  await recordInsight(
    mentionRoutedFactory({
      mentionId: 'facebook:2',
      department: 'product',
      category: 'product_idea',
      sentiment: 'positive',
      text: 'Bitte einen Kindersitz, der auf den "Stadtflitzer" passt, anbieten',
      createdAt: '2026-11-26T10:00:00.000Z',
    }),
    insight,
  );
  const deps: AdminApiDeps = {
    companyId: 'demo',
    retentionDays: 365,
    config: demoConfig(),
    cases: new InMemoryCases(),
    events: new InMemoryCaseEvents(),
    clock,
    dueAt: (_d, _p, from) => from.toISOString(),
    themes,
  };
  const call = async (routeKey: string, options: AdminEventOptions = {}) => {
    const response = await adminApi(adminEventFactory(routeKey, options), () => deps);
    const text = response.body ?? 'null';
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      body: (text.startsWith('{') ? JSON.parse(text) : null) as Record<string, unknown>,
    };
  };
  return { themes, call, themeId: complaint.themeId as string };
}

describe('admin API: marking a theme as a defect', () => {
  it('refuses a member of the involved department with 403 and the reason, and stores no mark', async () => {
    const { call, themes, themeId } = await setup();

    const response = await call('PUT /themes/{id}/defect', {
      pathParameters: { id: themeId },
      body: { owner: 'Kai', fixDate: '2026-12-01' },
      claims: OLE,
    });

    expect(response.status).toBe(403);
    expect(response.body.message).toContain(
      `only an admin or a lead of a department involved in theme ${themeId} (service)`,
    );
    expect(themes.defectMarks.size).toBe(0);
  });

  it('refuses a lead of a department the theme does not involve', async () => {
    const { call, themes, themeId } = await setup();

    const response = await call('PUT /themes/{id}/defect', {
      pathParameters: { id: themeId },
      body: { owner: 'Kai', fixDate: '2026-12-01' },
      claims: MALTE,
    });

    expect(response.status).toBe(403);
    expect(response.body.message).toContain('you are lead of sales');
    expect(themes.defectMarks.size).toBe(0);
  });

  it('lets a lead of the involved department mark it, recording who and when', async () => {
    const { call, themes, themeId } = await setup();

    const response = await call('PUT /themes/{id}/defect', {
      pathParameters: { id: themeId },
      body: { owner: 'Kai Lüders', fixDate: '2026-12-01', note: 'Ersatzteile' },
      claims: AYLIN,
    });

    expect(response.status).toBe(200);
    expect(themes.defectMarks.get(themeId)).toEqual({
      owner: 'Kai Lüders',
      fixDate: '2026-12-01',
      note: 'Ersatzteile',
      markedAt: NOW,
      markedBy: `user:${AYLIN.email}`,
    });
  });

  it.each([
    [{ owner: 'Kai', fixDate: '2026-02-30' }, 'fixDate: use a day YYYY-MM-DD'],
    [{ fixDate: '2026-12-01' }, 'owner: give the owner'],
    [{ owner: 'Kai', fixDate: '2026-12-01', extra: 1 }, 'Unrecognized key'],
  ])('rejects the body %j with 400', async (body, message) => {
    const { call, themeId } = await setup();

    const response = await call('PUT /themes/{id}/defect', { pathParameters: { id: themeId }, body, claims: AYLIN });

    expect(response.status).toBe(400);
    expect(response.body.message).toContain(message);
  });

  it('answers 404 for a theme that does not exist and 400 for a malformed id', async () => {
    const { call } = await setup();

    const missing = await call('PUT /themes/{id}/defect', {
      pathParameters: { id: 'th_complaint_de_000000000000' },
      body: { owner: 'Kai', fixDate: '2026-12-01' },
      claims: AYLIN,
    });
    const malformed = await call('PUT /themes/{id}/defect', {
      pathParameters: { id: 'case_1' },
      body: { owner: 'Kai', fixDate: '2026-12-01' },
      claims: AYLIN,
    });

    expect([missing.status, malformed.status]).toEqual([404, 400]);
  });
});

describe('admin API: reading themes, ideas and projects', () => {
  it('refuses a person who works in no department', async () => {
    const { call } = await setup();

    const response = await call('GET /themes', { claims: STRANGER });

    expect(response.status).toBe(403);
    expect(response.body.message).toContain('you may not read themes');
  });

  it('lists complaint themes with label, count and owner to a member, with the examples of their department', async () => {
    const { call, themeId } = await setup();

    const response = await call('GET /themes', { claims: OLE });

    expect(response.status).toBe(200);
    expect(response.body.themes).toEqual([
      expect.objectContaining({
        id: themeId,
        count: 1,
        processId: 'repairs',
        owner: 'Kai Lüders',
        examples: [expect.objectContaining({ mentionId: 'facebook:1' })],
      }),
    ]);
  });

  it('shows a theme of another department without its quoted examples', async () => {
    const { call } = await setup();

    const response = await call('GET /themes', { query: { kind: 'idea' }, claims: OLE });

    expect(response.body.themes).toEqual([expect.objectContaining({ kind: 'idea', count: 1, examples: [] })]);
  });

  it('shows one theme with its process', async () => {
    const { call, themeId } = await setup();

    const response = await call('GET /themes/{id}', { pathParameters: { id: themeId }, claims: OLE });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ processName: 'Werkstatt-Reparaturen', summary: { id: themeId } });
  });

  it('exports ranked ideas as CSV, quoting fields with quotes and commas', async () => {
    const { call } = await setup();

    const response = await call('GET /ideas', {
      query: { format: 'csv' },
      claims: { sub: 'sub-katrin', email: 'katrin.wulff@radwerk-hansen.example' },
    });

    expect(response.status).toBe(200);
    expect(response.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    const [header, first] = response.text.split('\r\n');
    expect(header).toBe('rank,id,label,score,mentions,authors,reactions,previous,trend,departments,example');
    expect(first).toContain('"Bitte einen Kindersitz, der auf den ""Stadtflitzer"" passt, anbieten"');
  });

  it('rejects an unknown query parameter with 400', async () => {
    const { call } = await setup();

    const response = await call('GET /projects', { query: { sort: 'name' }, claims: OLE });

    expect(response.status).toBe(400);
  });
});
