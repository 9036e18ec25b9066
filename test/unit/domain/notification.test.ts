import { describe, expect, it } from 'vitest';
import {
  cutText,
  deliveryKey,
  keyAccountAlertFor,
  MENTION_TEXT_LIMIT,
  notificationForCaseEvent,
  notificationForMention,
  notificationText,
  type NotifiedDepartment,
} from '../../../shared/domain/notification.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';
import { mentionRoutedFactory } from '../../factories/mention.ts';
import { caseEventFactory } from '../../factories/notification.ts';

const config = demoConfig();
const options = { timezone: 'Europe/Berlin', caseBaseUrl: 'https://cases.radwerk-hansen.example/' };
const department = (id: string): NotifiedDepartment => {
  const found = config.departments.find((d) => d.id === id);
  if (!found) throw new Error(`no department ${id} in the demo config`);
  return found;
};
const routed = mentionRoutedFactory({
  authorName: 'Erika Mustermann',
  authorHandle: '@erika',
  url: 'https://www.facebook.com/104729381726354/posts/901097836652708?comment_id=903438993085259',
  reasons: [
    'category complaint is owned by service',
    'rule high-reach-complaint: complaint by an author with 12000 followers',
  ],
  urgency: 0.82,
});

describe('notificationForMention', () => {
  it('carries the text, author, platform link, category, sentiment, urgency, reasons and case link', () => {
    // Act
    const n = notificationForMention(routed, caseFactory(), department('service'), options);

    // Assess
    expect(n).toMatchObject({
      id: 'mention:facebook:1_2',
      kind: 'new-case',
      department: 'service',
      caseUrl: 'https://cases.radwerk-hansen.example/cases/case_0123456789abcdef0123',
      mention: {
        text: 'Mein Stadtflitzer ist kaputt',
        authorName: 'Erika Mustermann',
        authorHandle: '@erika',
        platform: 'facebook',
        url: routed.url,
        category: 'complaint',
        sentiment: 'negative',
        urgency: 0.82,
        reasons: routed.reasons,
      },
    });
    const text = notificationText(n);
    for (const part of [
      'Erika Mustermann (@erika) on facebook',
      '> Mein Stadtflitzer ist kaputt',
      'Category: complaint',
      'Sentiment: negative',
      'Urgency: 82%',
      '- rule high-reach-complaint',
      routed.url,
      'Case: https://cases.radwerk-hansen.example/cases/case_0123456789abcdef0123',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('shows the due time in the company timezone', () => {
    // Act
    const n = notificationForMention(
      routed,
      caseFactory({ dueAt: '2026-11-30T13:00:00.000Z' }),
      department('service'),
      options,
    );

    // Assess
    expect(n.summary).toContain('due 2026-11-30 14:00 (Europe/Berlin)');
  });

  it('is a new-mention when the case was opened by an earlier mention', () => {
    // Act
    const n = notificationForMention(
      routed,
      caseFactory({ firstMentionId: 'facebook:0_1' }),
      department('service'),
      options,
    );

    // Assess
    expect(n.kind).toBe('new-mention');
  });

  it('names the assignee with the handle from the department members', () => {
    // Act
    const n = notificationForMention(
      { ...routed, department: 'press' },
      caseFactory({ department: 'press', assignee: 'tim.osterloh@radwerk-hansen.example' }),
      department('press'),
      options,
    );

    // Assess
    expect(n.people).toEqual([
      { name: 'Tim Osterloh', email: 'tim.osterloh@radwerk-hansen.example', handle: '@tim', role: 'assignee' },
    ]);
    expect(n.summary).toContain('Assigned to Tim Osterloh');
  });

  it('has no case link when the company has no base URL for cases', () => {
    // Act
    const n = notificationForMention(routed, caseFactory(), department('service'), { timezone: 'Europe/Berlin' });

    // Assess
    expect(n.caseUrl).toBeUndefined();
    expect(notificationText(n)).toContain('Case: case_0123456789abcdef0123');
  });

  it(`quotes at most ${MENTION_TEXT_LIMIT} characters of a long text`, () => {
    // Arrange
    const long = mentionRoutedFactory({ text: `${'Lieferung verspätet, '.repeat(60)}Ende` });

    // Act
    const n = notificationForMention(long, caseFactory(), department('service'), options);

    // Assess
    expect(n.mention?.text.length).toBeLessThanOrEqual(MENTION_TEXT_LIMIT);
    expect(n.mention?.text.endsWith('…')).toBe(true);
  });
});

describe('cutText', () => {
  it('cuts a long word where it is, and keeps a short text whole with single spaces', () => {
    // Act
    const cut = cutText('x'.repeat(40), 10);
    const kept = cutText('  a \n b  ', 10);

    // Assess
    expect(cut).toBe(`${'x'.repeat(9)}…`);
    expect(kept).toBe('a b');
  });
});

describe('keyAccountAlertFor', () => {
  const keyAccounts = [
    {
      id: 'hochbahn',
      name: 'Hamburger Hochbahn',
      owner: { name: 'Malte Brandt', email: 'malte.brandt@radwerk-hansen.example' },
    },
  ];

  it('alerts sales and names the account owner, whichever department the mention went to', () => {
    // Act
    const alert = keyAccountAlertFor({ ...routed, keyAccounts }, caseFactory(), config, options);

    // Assess
    expect(alert).toMatchObject({
      id: 'key-account:facebook:1_2',
      kind: 'key-account',
      department: 'sales',
      title: expect.stringContaining('Hamburger Hochbahn'),
      summary: expect.stringContaining('Account owner: Malte Brandt (Hamburger Hochbahn). The case is with service.'),
      people: [
        {
          name: 'Malte Brandt',
          email: 'malte.brandt@radwerk-hansen.example',
          role: 'account owner of Hamburger Hochbahn',
        },
      ],
    });
    expect(notificationText(alert ?? expect.fail('no alert'))).toContain(
      'Attention: Malte Brandt (account owner of Hamburger Hochbahn)',
    );
  });

  it('raises nothing for the copy of a mention, so a mention with copies alerts once', () => {
    // Act
    const alert = keyAccountAlertFor({ ...routed, role: 'cc', keyAccounts }, caseFactory(), config, options);

    // Assess
    expect(alert).toBeUndefined();
  });

  it('raises nothing when no key account is named', () => {
    // Act
    const alert = keyAccountAlertFor(routed, caseFactory(), config, options);

    // Assess
    expect(alert).toBeUndefined();
  });

  it('goes to the routed department when the company has no sales department', () => {
    // Arrange
    const withoutSales = {
      departments: config.departments.filter((d) => d.id !== 'sales' && !d.categories.includes('sales_lead')),
    };

    // Act
    const alert = keyAccountAlertFor({ ...routed, keyAccounts }, caseFactory(), withoutSales, options);

    // Assess
    expect(alert?.department).toBe('service');
  });
});

describe('notificationForCaseEvent', () => {
  it('warns the department leads before the due time, keyed by the transition', () => {
    // Act
    const n = notificationForCaseEvent(caseEventFactory(), caseFactory(), routed, department('service'), options);

    // Assess
    expect(n).toMatchObject({
      id: 'sla-warn:2026-11-30T13:00:00.000Z',
      kind: 'sla-warning',
      title: 'SLA warning: complaint case case_0123456789abcdef0123 is due 2026-11-30 14:00 (Europe/Berlin)',
      people: [{ name: 'Aylin Demir', email: 'aylin.demir@radwerk-hansen.example', role: 'lead' }],
      mention: { text: 'Mein Stadtflitzer ist kaputt', authorName: 'Erika Mustermann' },
      caseUrl: 'https://cases.radwerk-hansen.example/cases/case_0123456789abcdef0123',
    });
  });

  it('tells an escalation target with its own department and the reason', () => {
    // Arrange
    const event = caseEventFactory({
      transitionId: 'sla-escalate:2026-11-30T13:00:00.000Z',
      action: 'escalate',
      category: 'legal_risk',
      recipients: ['press', 'legal'],
      detail: { to: 'press, legal', reason: 'overdue legal risk case' },
    });

    // Act
    const n = notificationForCaseEvent(
      event,
      caseFactory({ category: 'legal_risk' }),
      undefined,
      department('press'),
      options,
    );

    // Assess
    expect(n).toMatchObject({
      kind: 'escalation',
      department: 'press',
      title: 'Escalated to Presse & Kommunikation: legal risk case case_0123456789abcdef0123',
    });
    expect(n?.summary).toContain('overdue legal risk case');
    expect(n?.mention).toBeUndefined();
  });

  it('asks the approving department to approve a drafted reply', () => {
    // Arrange
    const event = caseEventFactory({
      transitionId: 'draft:r1',
      action: 'draft-reply',
      actor: 'user:aylin.demir@radwerk-hansen.example',
      recipients: ['press'],
      detail: { replyId: 'r1' },
    });

    // Act
    const n = notificationForCaseEvent(event, caseFactory(), undefined, department('press'), options);

    // Assess
    expect(n).toMatchObject({ kind: 'approval-requested', people: [{ name: 'Jana Krüger', role: 'lead' }] });
    expect(n?.summary).toContain('aylin.demir@radwerk-hansen.example drafted a reply');
  });

  it('tells nothing about a resolved case', () => {
    // Act
    const n = notificationForCaseEvent(
      caseEventFactory({ action: 'resolve', to: 'resolved' }),
      caseFactory(),
      undefined,
      department('service'),
      options,
    );

    // Assess
    expect(n).toBeUndefined();
  });
});

describe('deliveryKey', () => {
  it('keys a delivery by notification, department and target', () => {
    // Arrange
    const n = notificationForMention(routed, caseFactory(), department('service'), options);

    // Act
    const keys = [
      deliveryKey(n, { type: 'slack', channel: '#kundenservice' }),
      deliveryKey({ ...n, department: 'press' }, { type: 'slack', channel: '#kundenservice' }),
      deliveryKey(n, { type: 'email', to: ['B@x.example', 'a@x.example'] }),
    ];

    // Assess
    expect(keys).toEqual([
      'mention:facebook:1_2#service/slack:#kundenservice',
      'mention:facebook:1_2#press/slack:#kundenservice',
      'mention:facebook:1_2#service/email:a@x.example,b@x.example',
    ]);
  });
});
