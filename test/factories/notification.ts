import type { CaseEvent } from '../../shared/domain/events.ts';
import type { Notification } from '../../shared/domain/notification.ts';

/** A `new-case` notification for service with its mention; override what the test is about. */
export function notificationFactory(overrides: Partial<Notification> = {}): Notification {
  return {
    id: 'mention:facebook:1_2',
    kind: 'new-case',
    department: 'service',
    departmentName: 'Kundenservice',
    caseId: 'case_0123456789abcdef0123',
    caseUrl: 'https://cases.radwerk-hansen.example/cases/case_0123456789abcdef0123',
    title: 'New complaint case for Kundenservice: Erika Mustermann (@erika) on facebook',
    summary:
      'Normal priority, negative sentiment, urgency 45%. In the team queue; first response due 2026-11-30 14:00 (Europe/Berlin).',
    priority: 'normal',
    mention: {
      id: 'facebook:1_2',
      text: 'Mein Stadtflitzer ist kaputt <und> keiner antwortet & niemand hilft',
      authorId: '5550001',
      authorName: 'Erika Mustermann',
      authorHandle: '@erika',
      platform: 'facebook',
      url: 'https://www.facebook.com/104729381726354/posts/901097836652708?comment_id=903438993085259',
      category: 'complaint',
      sentiment: 'negative',
      urgency: 0.45,
      language: 'de',
      reasons: ['category complaint is owned by service'],
    },
    dueAt: '2026-11-30T13:00:00.000Z',
    timezone: 'Europe/Berlin',
    people: [],
    at: '2026-11-30T09:00:03.000Z',
    ...overrides,
  };
}

/** A `Case SLA Warning` event of the factory case; override what the test is about. */
export function caseEventFactory(overrides: Partial<CaseEvent> = {}): CaseEvent {
  return {
    companyId: 'demo',
    caseId: 'case_0123456789abcdef0123',
    transitionId: 'sla-warn:2026-11-30T13:00:00.000Z',
    action: 'warn-sla',
    from: 'new',
    to: 'new',
    at: '2026-11-30T12:30:00.000Z',
    actor: 'system:check-sla',
    department: 'service',
    recipients: ['service'],
    platform: 'facebook',
    category: 'complaint',
    priority: 'normal',
    dueAt: '2026-11-30T13:00:00.000Z',
    detail: { dueAt: '2026-11-30T13:00:00.000Z' },
    ...overrides,
  };
}
