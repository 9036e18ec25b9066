import type { Case } from './case.ts';
import type { CaseEvent, MentionRouted } from './events.ts';
import type { Category, Platform, Priority, Sentiment } from './mention.ts';

/**
 * What a department is told, independent of the channel (Slack, Teams, e-mail, the local
 * outbox). The builders here decide the content; the adapters only lay it out.
 */

export const NOTIFICATION_KINDS = [
  'new-case',
  'new-mention',
  'reopened',
  'assigned',
  'sla-warning',
  'sla-breach',
  'escalation',
  'approval-requested',
  'rerouted',
  'key-account',
  'key-account-reply',
  'spike',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Longest mention text a notification quotes; the case link leads to the rest. */
export const MENTION_TEXT_LIMIT = 500;

/** A person a notification calls out: a lead, an assignee, a key account's owner. */
export interface NotifiedPerson {
  readonly name: string;
  readonly email?: string;
  /** Chat handle such as `@jana`. */
  readonly handle?: string;
  /** Why this person is named: `lead`, `assignee`, `account owner of Hamburger Hochbahn`, ... */
  readonly role: string;
}

/** The mention a notification is about, as much as a person needs to judge it without opening the case. */
export interface NotificationMention {
  readonly id: string;
  /** At most {@link MENTION_TEXT_LIMIT} characters, cut at a word with an ellipsis. */
  readonly text: string;
  readonly authorId: string;
  readonly authorName?: string;
  readonly authorHandle?: string;
  readonly platform: Platform;
  /** The mention on the platform. */
  readonly url?: string;
  readonly category: Category;
  readonly sentiment: Sentiment;
  /** 0..1. */
  readonly urgency: number;
  readonly language: string;
  /** Why the mention reached this department (the routing decision, in words). */
  readonly reasons: readonly string[];
  /** What the classifier saw: per decision, how sure and the words that weighed most (classifier-reasons.ts). */
  readonly classifierReasons?: readonly string[];
}

export interface Notification {
  /**
   * Idempotency key of what happened: `mention:<mentionId>` for a routed mention,
   * `key-account:<mentionId>` for a key-account alert, the transition id for a case change.
   */
  readonly id: string;
  readonly kind: NotificationKind;
  /** The department told (whose targets receive it). */
  readonly department: string;
  readonly departmentName: string;
  readonly caseId: string;
  /** Link to the case, when the company has a base URL for it. */
  readonly caseUrl?: string;
  /** One line: the subject of an e-mail, the header of a chat message. */
  readonly title: string;
  /** One or two sentences: what happened and what is expected. */
  readonly summary: string;
  readonly priority: Priority;
  readonly mention?: NotificationMention;
  readonly assignee?: string;
  /** ISO time the first response is due. */
  readonly dueAt: string;
  /** IANA timezone in which times are shown (the company's). */
  readonly timezone: string;
  /** People the message calls out (@-mentions in chat). */
  readonly people: readonly NotifiedPerson[];
  /** When the event happened (routed, transition time). */
  readonly at: string;
}

/**
 * Where a department is told, as the company config describes it (`departments[].notify`):
 * a target type registered with the notifiers (shared/adapters/notify/registry.ts: slack,
 * teams, email, ...) and that type's own fields. The domain reads no field of a particular
 * type: it names targets with {@link targetIdentity}.
 */
export interface NotificationTarget {
  readonly type: string;
  /** The secret holding the target's webhook URL, for the types that post to one. */
  readonly secretName?: string | undefined;
  readonly [field: string]: unknown;
}

/** What a builder needs of a department's config (structurally the config's DepartmentConfig). */
export interface NotifiedDepartment {
  readonly id: string;
  readonly name: string;
  readonly leads?: readonly PersonConfig[] | undefined;
  readonly members?: readonly PersonConfig[] | undefined;
  readonly notify?: readonly NotificationTarget[] | undefined;
}

interface PersonConfig {
  readonly name: string;
  readonly email?: string | undefined;
  readonly handle?: string | undefined;
}

export interface NotificationOptions {
  /** The company's timezone, for times in the text. */
  readonly timezone: string;
  /** Base of case links: `<baseUrl>/cases/<caseId>`; absent: no link. */
  readonly caseBaseUrl?: string | undefined;
}

/**
 * Where a target delivers, within its type, never a secret: its destination fields (a Slack
 * channel, e-mail addresses lowercased and sorted), everything but its type and the name of
 * the secret that holds its webhook URL. A target whose destination lives wholly in its
 * secret (a Teams workflow URL) is named by that secret's name. Keys and labels of every
 * target type come from this one rule, so a new type needs no code here.
 *
 * @example
 * targetIdentity({ type: 'slack', channel: '#presse', secretName: 'bc/slack' }) // '#presse'
 * targetIdentity({ type: 'teams', secretName: 'bc/teams-service' }) // 'bc/teams-service'
 */
export function targetIdentity(target: NotificationTarget): string {
  const fields = Object.entries(target)
    .filter(([name, value]) => name !== 'type' && name !== 'secretName' && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (fields.length === 0) return target.secretName ?? '';
  return fields
    .map(([, value]) =>
      Array.isArray(value)
        ? value
            .map((v) => String(v).toLowerCase())
            .sort()
            .join(',')
        : String(value),
    )
    .join(' ');
}

/** A target in logs and errors: `slack #presse`, `teams bc/teams-service`, `email a@x.example`. */
export function targetLabel(target: NotificationTarget): string {
  return `${target.type} ${targetIdentity(target)}`;
}

/**
 * A target's identity within its department, stable across deploys: `<department>/slack:#presse`,
 * `<department>/teams:<secretName>`, `<department>/email:<to, lowercased, sorted>`. The department is
 * part of it, so two departments posting to one channel each get their own sent-marker.
 */
export function targetKey(department: string, target: NotificationTarget): string {
  return `${department}/${target.type}:${targetIdentity(target)}`;
}

/** The sent-marker key of one notification at one target: `<notification id>#<target key>`. */
export function deliveryKey(notification: Pick<Notification, 'id' | 'department'>, target: NotificationTarget): string {
  return `${notification.id}#${targetKey(notification.department, target)}`;
}

/** The link to a case, `<baseUrl>/cases/<caseId>`. */
export function caseUrlOf(baseUrl: string | undefined, caseId: string): string | undefined {
  return baseUrl ? `${baseUrl.replace(/\/+$/, '')}/cases/${encodeURIComponent(caseId)}` : undefined;
}

/**
 * Cuts a text to `limit` characters at a word boundary (when one is near) and marks the cut
 * with an ellipsis; whitespace runs become single spaces.
 */
export function cutText(text: string, limit = MENTION_TEXT_LIMIT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= limit) return flat;
  const head = flat.slice(0, limit - 1);
  const space = head.lastIndexOf(' ');
  // Only back off to a space when it costs little: a long word (a URL) is cut where it is.
  return `${space > limit * 0.8 ? head.slice(0, space) : head}…`;
}

/** The mention part of a notification, from a routed mention. */
export function notificationMentionOf(event: MentionRouted): NotificationMention {
  return {
    id: event.mentionId,
    text: cutText(event.text),
    authorId: event.authorId,
    ...(event.authorName ? { authorName: event.authorName } : {}),
    ...(event.authorHandle ? { authorHandle: event.authorHandle } : {}),
    platform: event.platform,
    ...(event.url ? { url: event.url } : {}),
    category: event.category,
    sentiment: event.sentiment,
    urgency: event.urgency,
    language: event.language,
    reasons: [...event.reasons],
    ...(event.classifierReasons && event.classifierReasons.length > 0
      ? { classifierReasons: [...event.classifierReasons] }
      : {}),
  };
}

/**
 * The notification of a mention routed to a department: `new-case` when the mention opened
 * the case, else `new-mention` (the customer wrote again). A reopening and an assignment
 * are told by their own case events; this one names the assignee the case has by now.
 *
 * @example
 * const n = notificationForMention(event, kase, department, { timezone: 'Europe/Berlin', caseBaseUrl: config.cases.baseUrl });
 */
export function notificationForMention(
  event: MentionRouted,
  kase: Case,
  department: NotifiedDepartment,
  options: NotificationOptions,
): Notification {
  const opened = kase.firstMentionId === event.mentionId;
  const copy = event.role === 'cc' ? ' (copy)' : '';
  const who = authorLabel(event);
  const caseUrl = caseUrlOf(options.caseBaseUrl, kase.id);
  const assignee = personOf(kase.assignee, department);
  return {
    id: `mention:${event.mentionId}`,
    kind: opened ? 'new-case' : 'new-mention',
    department: department.id,
    departmentName: department.name,
    caseId: kase.id,
    ...(caseUrl ? { caseUrl } : {}),
    title: opened
      ? `New ${label(event.category)} case for ${department.name}${copy}: ${who} on ${event.platform}`
      : `New message in case ${kase.id} for ${department.name}${copy}: ${who} on ${event.platform}`,
    summary: `${capitalize(event.priority)} priority, ${event.sentiment} sentiment, urgency ${percent(event.urgency)}. ${
      kase.assignee ? `Assigned to ${assignee?.name ?? kase.assignee}` : 'In the team queue'
    }; first response due ${formatTime(kase.dueAt, options.timezone)}.`,
    priority: event.priority,
    mention: notificationMentionOf(event),
    ...(kase.assignee ? { assignee: kase.assignee } : {}),
    dueAt: kase.dueAt,
    timezone: options.timezone,
    people: assignee ? [{ ...assignee, role: 'assignee' }] : [],
    at: event.routedAt,
  };
}

/** What a builder needs of the company config for the key-account alert. */
export interface KeyAccountPolicy {
  readonly departments: readonly (NotifiedDepartment & { readonly categories?: readonly Category[] })[];
}

/**
 * The department told about key accounts: `sales` when the company has it, else the one
 * that owns the `sales_lead` category, else none (then the routed department is told).
 */
export function keyAccountDepartment<
  D extends { readonly id: string; readonly categories?: readonly Category[] },
>(policy: { readonly departments: readonly D[] }): D | undefined {
  return (
    policy.departments.find((d) => d.id === 'sales') ??
    policy.departments.find((d) => d.categories?.includes('sales_lead'))
  );
}

/**
 * The key-account alert of a routed mention that names key accounts, or undefined.
 *
 * It goes to sales (see {@link keyAccountDepartment}) whichever department the mention was
 * routed to, and it is built only from the primary `Mention Routed` event, so a mention
 * routed to a department with copies to others raises exactly one alert (id
 * `key-account:<mentionId>`). It names each account's owner.
 */
export function keyAccountAlertFor(
  event: MentionRouted,
  kase: Case,
  policy: KeyAccountPolicy,
  options: NotificationOptions,
): Notification | undefined {
  const accounts = event.keyAccounts ?? [];
  if (accounts.length === 0 || event.role !== 'primary') return undefined;
  const department = keyAccountDepartment(policy) ?? policy.departments.find((d) => d.id === event.department);
  if (!department) return undefined;
  const caseUrl = caseUrlOf(options.caseBaseUrl, kase.id);
  const names = accounts.map((a) => a.name).join(', ');
  const owners = accounts.map((a) => `${a.owner.name} (${a.name})`).join(', ');
  const routedElsewhere = event.department === department.id ? '' : ` The case is with ${event.department}.`;
  return {
    id: `key-account:${event.mentionId}`,
    kind: 'key-account',
    department: department.id,
    departmentName: department.name,
    caseId: kase.id,
    ...(caseUrl ? { caseUrl } : {}),
    title: `Key account mentioned: ${names} (${authorLabel(event)} on ${event.platform})`,
    summary: `Account owner: ${owners}.${routedElsewhere} ${capitalize(event.sentiment)} sentiment, urgency ${percent(event.urgency)}.`,
    priority: event.priority,
    mention: notificationMentionOf(event),
    ...(kase.assignee ? { assignee: kase.assignee } : {}),
    dueAt: kase.dueAt,
    timezone: options.timezone,
    people: accounts.map((a) => ({
      name: a.owner.name,
      ...(a.owner.email ? { email: a.owner.email } : {}),
      ...handleOf(a.owner.email, department),
      role: `account owner of ${a.name}`,
    })),
    at: event.routedAt,
  };
}

const KIND_OF_ACTION: Partial<Record<CaseEvent['action'], NotificationKind>> = {
  assign: 'assigned',
  reopen: 'reopened',
  'warn-sla': 'sla-warning',
  'breach-sla': 'sla-breach',
  escalate: 'escalation',
  'draft-reply': 'approval-requested',
  reroute: 'rerouted',
  // A joining mention's routing reaches departments only when it escalated the case.
  'apply-routing': 'escalation',
};

/**
 * The notification of a case change for one receiving department (`department`, one of the
 * event's recipients), with the case's latest mention when given. Its id is the
 * transition id, so a republished event notifies nobody twice.
 *
 * @returns undefined for changes departments are not told about (wait, respond, resolve, approve-reply)
 */
export function notificationForCaseEvent(
  event: CaseEvent,
  kase: Case,
  lastMention: MentionRouted | undefined,
  department: NotifiedDepartment,
  options: NotificationOptions,
): Notification | undefined {
  // A public reply (posted through the API, or seen on the platform) on a case naming key accounts.
  const kind: NotificationKind | undefined =
    (event.action === 'publish-reply' || event.action === 'respond') && event.detail?.keyAccounts
      ? 'key-account-reply'
      : KIND_OF_ACTION[event.action];
  if (!kind) return undefined;
  const caseUrl = caseUrlOf(options.caseBaseUrl, kase.id);
  const due = formatTime(event.dueAt, options.timezone);
  const leads = (department.leads ?? []).map((p) => ({ ...personFields(p), role: 'lead' }));
  const assignee = personOf(event.assignee, department);
  const subject = `${label(event.category)} case ${event.caseId}`;
  const detail = event.detail ?? {};
  const content = ((): { title: string; summary: string; people: NotifiedPerson[] } => {
    switch (kind) {
      case 'sla-warning':
        return {
          title: `SLA warning: ${subject} is due ${due}`,
          summary: `Nobody has answered yet; the first response is due ${due}.`,
          people: leads,
        };
      case 'sla-breach':
        return {
          title: `SLA breached: ${subject} was due ${due}`,
          summary: `The first response was due ${due} and has not been given.`,
          people: leads,
        };
      case 'escalation':
        return {
          title: `Escalated to ${department.name}: ${subject}`,
          summary:
            event.action === 'apply-routing'
              ? `${detail.reason ?? 'Escalated'}. The case belongs to ${event.department}${
                  detail.approval ? `; public replies now need the approval of ${detail.approval}` : ''
                }; the first response is due ${due}.`
              : `${detail.reason ?? 'Escalated'}. The case belongs to ${event.department}; it was due ${due}.`,
          people: leads,
        };
      case 'reopened':
        return {
          title: `Reopened: ${subject}`,
          summary: `The customer wrote again after the case was resolved; the first response is due ${due}.`,
          people: assignee ? [{ ...assignee, role: 'assignee' }] : leads,
        };
      case 'assigned':
        return {
          title: `Assigned: ${subject} to ${assignee?.name ?? 'the team queue'}`,
          summary: `${detail.reason ?? 'Assigned'}; the first response is due ${due}.`,
          people: assignee ? [{ ...assignee, role: 'assignee' }] : [],
        };
      case 'approval-requested':
        return {
          title: `Reply to approve: ${subject}`,
          summary: `${event.actor.replace(/^user:/, '')} drafted a reply that needs the approval of a member of ${department.name} before it is sent.`,
          people: leads,
        };
      case 'key-account-reply':
        return {
          title: `Public reply to key account ${detail.keyAccounts?.replace(/ \(owner [^)]*\)/g, '') ?? ''}: ${subject}`,
          summary: `The company replied in public on ${event.platform}${
            event.action === 'publish-reply'
              ? ` (sent by ${event.actor.replace(/^user:/, '')}${detail.url ? `: ${detail.url}` : ''})`
              : ' (seen on the platform)'
          }. Account: ${detail.keyAccounts}.`,
          people: ownersIn(detail.keyAccounts ?? ''),
        };
      case 'rerouted':
        return {
          title: `Rerouted to ${department.name}: ${subject}`,
          summary: `Moved from ${detail.from ?? 'another department'}${detail.reason ? ` (${detail.reason})` : ''}; the first response is due ${due}.`,
          people: leads,
        };
      default:
        return { title: subject, summary: `Due ${due}.`, people: [] };
    }
  })();
  return {
    id: event.transitionId,
    kind,
    department: department.id,
    departmentName: department.name,
    caseId: kase.id,
    ...(caseUrl ? { caseUrl } : {}),
    title: content.title,
    summary: content.summary,
    priority: event.priority,
    ...(lastMention ? { mention: notificationMentionOf(lastMention) } : {}),
    ...(event.assignee ? { assignee: event.assignee } : {}),
    dueAt: event.dueAt,
    timezone: options.timezone,
    people: content.people,
    at: event.at,
  };
}

/** The owners named in an owner notice (`Name (owner Jana Berg <jana@example.de>)`; key-accounts.ts ownerNoticeOf). */
function ownersIn(keyAccounts: string): NotifiedPerson[] {
  return [...keyAccounts.matchAll(/([^;]+?) \(owner ([^<)]+?)(?: <([^>]+)>)?\)/g)].map((m) => ({
    name: (m[2] ?? '').trim(),
    ...(m[3] ? { email: m[3] } : {}),
    role: `account owner of ${(m[1] ?? '').trim()}`,
  }));
}

/**
 * The notification as plain text: the e-mail's text part and the local outbox's view.
 * Every channel shows the same facts in this order.
 */
export function notificationText(n: Notification): string {
  const lines = [n.title, '', n.summary];
  if (n.people.length > 0) lines.push('', `Attention: ${n.people.map(personLabel).join(', ')}`);
  if (n.mention) {
    const m = n.mention;
    lines.push(
      '',
      `${mentionAuthor(m)} on ${m.platform}:`,
      `> ${m.text}`,
      '',
      `Category: ${label(m.category)} | Sentiment: ${m.sentiment} | Urgency: ${percent(m.urgency)} | Priority: ${n.priority}`,
    );
    if (m.reasons.length > 0) lines.push('Why here:', ...m.reasons.map((r) => `- ${r}`));
    if (m.classifierReasons && m.classifierReasons.length > 0)
      lines.push('What the classifier saw:', ...m.classifierReasons.map((r) => `- ${r}`));
    if (m.url) lines.push(`On ${m.platform}: ${m.url}`);
  }
  lines.push('', `Due: ${formatTime(n.dueAt, n.timezone)}`);
  if (n.caseUrl) lines.push(`Case: ${n.caseUrl}`);
  else lines.push(`Case: ${n.caseId}`);
  return lines.join('\n');
}

/** `Name (@handle)`, `Name`, `@handle` or the author id. */
export function mentionAuthor(m: Pick<NotificationMention, 'authorName' | 'authorHandle' | 'authorId'>): string {
  if (m.authorName && m.authorHandle) return `${m.authorName} (${m.authorHandle})`;
  return m.authorName ?? m.authorHandle ?? `author ${m.authorId}`;
}

/** `Name (@handle, role)`. */
export function personLabel(p: NotifiedPerson): string {
  return `${p.name} (${[p.handle, p.role].filter(Boolean).join(', ')})`;
}

/** `legal_risk` -> `legal risk`. */
export function label(category: string): string {
  return category.replace(/_/g, ' ');
}

/** An ISO instant as `2026-11-28 10:15 (Europe/Berlin)`. */
export function formatTime(iso: string, timezone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(
    timeFormat(timezone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${timezone})`;
}

// One Intl.DateTimeFormat per timezone: building one costs far more than formatting with it.
const TIME_FORMATS = new Map<string, Intl.DateTimeFormat>();

function timeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = TIME_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    TIME_FORMATS.set(timeZone, format);
  }
  return format;
}

function authorLabel(event: MentionRouted): string {
  return mentionAuthor({
    authorId: event.authorId,
    ...(event.authorName ? { authorName: event.authorName } : {}),
    ...(event.authorHandle ? { authorHandle: event.authorHandle } : {}),
  });
}

function percent(urgency: number): string {
  return `${Math.round(urgency * 100)}%`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function personFields(p: PersonConfig): Omit<NotifiedPerson, 'role'> {
  return { name: p.name, ...(p.email ? { email: p.email } : {}), ...(p.handle ? { handle: p.handle } : {}) };
}

/** The department's person with this assignee id (an e-mail, or `user:<email>`), or a person named by the id. */
function personOf(
  assignee: string | undefined,
  department: NotifiedDepartment,
): Omit<NotifiedPerson, 'role'> | undefined {
  if (!assignee) return undefined;
  const id = assignee.replace(/^user:/, '').toLowerCase();
  const found = [...(department.members ?? []), ...(department.leads ?? [])].find((p) => p.email?.toLowerCase() === id);
  return found ? personFields(found) : { name: assignee.replace(/^user:/, '') };
}

function handleOf(email: string | undefined, department: NotifiedDepartment): { handle?: string } {
  if (!email) return {};
  const found = [...(department.members ?? []), ...(department.leads ?? [])].find(
    (p) => p.email?.toLowerCase() === email.toLowerCase(),
  );
  return found?.handle ? { handle: found.handle } : {};
}
