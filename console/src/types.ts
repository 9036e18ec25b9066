/** What the console reads from the admin API (console-contract.md); optional fields are those older servers lack. */

export interface Me {
  readonly actor: string;
  readonly name: string;
  readonly email?: string;
  readonly admin: boolean;
  readonly departments: readonly {
    readonly id: string;
    readonly name: string;
    readonly role: 'lead' | 'member' | 'approver';
  }[];
  readonly language: 'de' | 'en';
}

export interface CaseSummary {
  readonly id: string;
  readonly department: string;
  readonly state: string;
  readonly priority: string;
  readonly dueAt: string;
  readonly assignee?: string;
  readonly platform: string;
  readonly category: string;
  readonly sentiment?: string;
  readonly tags?: readonly string[];
  readonly cc?: readonly string[];
  readonly title?: string;
  readonly needsApproval?: boolean;
  readonly waitingForApproval?: boolean;
  readonly requireApproval?: boolean;
  readonly reply?: LegacyReply;
}

/** The contract's answer, and today's (`items`, `cursor`). */
export interface CaseListAnswer {
  readonly cases?: readonly CaseSummary[];
  readonly nextCursor?: string;
  readonly items?: readonly CaseSummary[];
  readonly cursor?: string;
}

export interface Mention {
  readonly mentionId: string;
  readonly platform: string;
  readonly authorId?: string;
  readonly authorName?: string;
  readonly authorHandle?: string;
  readonly author?: string | { readonly name?: string; readonly handle?: string };
  readonly url?: string;
  readonly permalink?: string;
  readonly text: string;
  readonly createdAt: string;
  readonly category?: string;
  readonly sentiment?: string;
  readonly language?: string;
  readonly urgency?: number;
  readonly reasons?: readonly string[];
  readonly classifierReasons?: readonly string[];
  readonly matchedRules?: readonly string[];
  readonly classification?: {
    readonly category?: string;
    readonly sentiment?: string;
    readonly reasons?: readonly string[];
  };
}

export interface Reply {
  readonly id: string;
  readonly text: string;
  readonly state: 'draft' | 'approved' | 'sending' | 'sent' | 'failed' | 'sent-elsewhere';
  readonly draftedBy: string;
  readonly draftedAt?: string;
  readonly approvedBy?: string;
  readonly sentAt?: string;
  readonly platformPostId?: string;
  readonly url?: string;
  readonly error?: string;
  readonly needsOwnerApproval?: boolean;
}

/** Today's single reply on the case. */
export interface LegacyReply {
  readonly id: string;
  readonly text: string;
  readonly draftedBy: string;
  readonly draftedAt: string;
  readonly approvedBy?: string;
  readonly sentBy?: string;
  readonly sentAt?: string;
}

export interface HistoryEntry {
  readonly transitionId: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly detail?: Readonly<Record<string, string>>;
}

export interface CaseDetail {
  readonly case: CaseSummary & {
    readonly openedAt: string;
    readonly approverDepartment?: string;
    readonly breachedAt?: string;
    readonly assignedReason?: string;
  };
  readonly history: readonly HistoryEntry[];
  readonly mentions: readonly Mention[];
  readonly replies?: readonly Reply[];
  readonly matchedRules?: readonly { readonly id: string; readonly name?: string; readonly why?: string }[];
  readonly sla?: {
    readonly dueAt: string;
    readonly businessMinutesLeft: number;
    readonly paused: boolean;
    readonly pausedSince?: string;
  };
}

export interface Approval {
  readonly caseId: string;
  readonly replyId: string;
  readonly text: string;
  readonly draftedBy: string;
  readonly draftedAt: string;
  readonly department: string;
  readonly approver: string;
}

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly owner: string | { readonly name: string; readonly email?: string };
  readonly handles?: Readonly<Record<string, string>>;
}

export interface TimelineItem {
  readonly at: string;
  readonly kind: 'mention' | 'reply';
  readonly platform: string;
  readonly author: string;
  readonly text: string;
  readonly url?: string;
  readonly caseId: string;
}

export interface ThemeSummary {
  readonly id: string;
  readonly label: string;
  readonly count: number;
  readonly previousCount: number;
  readonly trend: string;
  readonly owner?: string;
  readonly processId?: string;
  readonly departments: readonly string[];
  readonly support?: { readonly mentions: number; readonly authors: number; readonly reactions: number };
}

export interface StoredReport {
  readonly id: string;
  readonly scope: string;
  readonly period: string;
  readonly from: string;
  readonly to: string;
}
