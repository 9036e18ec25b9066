import { describe, expect, it } from 'vitest';
import {
  authorizeCase,
  authorizeListing,
  isCompanyAdmin,
  readingDepartmentsOf,
  standingOf,
  type CaseAccess,
} from '../../../shared/domain/access-policy.ts';
import type { AdminUser } from '../../../shared/domain/case-admin.ts';
import { ForbiddenError } from '../../../shared/domain/errors.ts';
import { caseFactory } from '../../factories/case.ts';
import { demoConfig } from '../../factories/config.ts';

const config = demoConfig();

/** People of companies/demo.yaml, by what they are. */
const person = (email: string): AdminUser => ({ sub: `sub-${email}`, email });
const PRESS_LEAD = person('jana.krueger@radwerk-hansen.example');
const PRESS_MEMBER = person('tim.osterloh@radwerk-hansen.example');
const SERVICE_LEAD = person('aylin.demir@radwerk-hansen.example');
const SERVICE_MEMBER = person('ole.hansen@radwerk-hansen.example');
const SALES_MEMBER = person('sven.petersen@radwerk-hansen.example');
const LEGAL_MEMBER = person('jonas.meyer@radwerk-hansen.example');
const ADMIN = person('birte.hansen@radwerk-hansen.example');
const STRANGER = person('mallory@example.com');
const OPERATOR: AdminUser = { sub: 'arn:aws:iam::123456789012:user/ops', operator: true };

const ACTIONS: readonly CaseAccess[] = ['read', 'assign', 'transition', 'draft', 'approve', 'mark-sent', 'reroute'];

/** The actions of `ACTIONS` the policy lets `user` do to `c`. */
function allowed(user: AdminUser, c = pressCase): CaseAccess[] {
  return ACTIONS.filter((access) => {
    try {
      authorizeCase(config, user, c, access);
      return true;
    } catch (error) {
      if (error instanceof ForbiddenError) return false;
      throw error;
    }
  });
}

/** A press case that copies service and needs press's approval. */
const pressCase = caseFactory({
  department: 'press',
  category: 'press_inquiry',
  cc: ['service'],
  requireApproval: true,
  approverDepartment: 'press',
});
/** A legal case whose replies need press's approval, and which was escalated to press and legal. */
const legalCase = caseFactory({
  id: 'case_00000000000000000777',
  department: 'legal',
  category: 'legal_risk',
  requireApproval: true,
  approverDepartment: 'press',
});

describe('standingOf', () => {
  it('names the departments a person leads or is a member of, matched by e-mail in any case', () => {
    // Act
    const standing = standingOf(config, { sub: 's', email: 'Jana.Krueger@Radwerk-Hansen.example' });

    // Assess
    expect(standing).toEqual({ admin: false, departments: new Map([['press', 'lead']]) });
  });

  it('gives a person without e-mail no department', () => {
    // Act
    const standing = standingOf(config, { sub: 'jana.krueger@radwerk-hansen.example' });

    // Assess
    expect(standing.departments.size).toBe(0);
  });
});

describe('isCompanyAdmin', () => {
  it('is true for the admins of the config and the account operator, false for a department lead', () => {
    // Act
    const answers = [
      ADMIN,
      { sub: 'x', email: 'BIRTE.HANSEN@radwerk-hansen.example' },
      OPERATOR,
      PRESS_LEAD,
      { sub: 'birte.hansen@radwerk-hansen.example' },
    ].map((u) => isCompanyAdmin(config, u));

    // Assess
    expect(answers).toEqual([true, true, true, false, false]);
  });
});

describe('readingDepartmentsOf', () => {
  it('names cc, the approver when approval is required and the escalation targets, without the own department', () => {
    // Act
    const named = readingDepartmentsOf({ ...legalCase, cc: ['service', 'legal'], escalatedTo: ['press', 'legal'] });
    const noApproval = readingDepartmentsOf({ ...legalCase, requireApproval: false });

    // Assess
    expect(named).toEqual(['service', 'press']);
    expect(noApproval).toEqual([]);
  });
});

describe('authorizeCase', () => {
  it("lets a member act on the own department's case but not reroute it", () => {
    // Act
    const actions = allowed(PRESS_MEMBER, {
      ...pressCase,
      requireApproval: false,
      approverDepartment: undefined,
      cc: [],
    });

    // Assess (press is also the company's approver)
    expect(actions).toEqual(['read', 'assign', 'transition', 'draft', 'approve', 'mark-sent']);
  });

  it('lets a lead reroute out of the own department', () => {
    // Act
    const actions = allowed(SERVICE_LEAD, caseFactory({ department: 'service' }));

    // Assess
    expect(actions).toEqual(['read', 'assign', 'transition', 'draft', 'mark-sent', 'reroute']);
  });

  it('lets a member of a cc department read the case only', () => {
    // Act
    const actions = allowed(SERVICE_MEMBER);

    // Assess
    expect(actions).toEqual(['read']);
  });

  it('lets a member of the approving department read and approve only', () => {
    // Act
    const actions = allowed(PRESS_MEMBER, legalCase);

    // Assess
    expect(actions).toEqual(['read', 'approve']);
  });

  it('lets a member of an escalation target read the case', () => {
    // Act
    const actions = allowed(SALES_MEMBER, { ...legalCase, escalatedTo: ['sales'] });

    // Assess
    expect(actions).toEqual(['read']);
  });

  it('lets a member of another department do nothing, a lead neither', () => {
    // Act
    const member = allowed(SALES_MEMBER);
    const lead = allowed(SERVICE_LEAD, legalCase);

    // Assess
    expect(member).toEqual([]);
    expect(lead).toEqual([]);
  });

  it('lets an admin and the operator do everything', () => {
    // Act
    const admin = allowed(ADMIN, legalCase);
    const operator = allowed(OPERATOR, legalCase);

    // Assess
    expect(admin).toEqual(ACTIONS);
    expect(operator).toEqual(ACTIONS);
  });

  it('lets a person unknown to the config, or whose token has no e-mail, do nothing', () => {
    // Act
    const stranger = allowed(STRANGER);
    const noEmail = allowed({ sub: 'local:admin' });

    // Assess
    expect(stranger).toEqual([]);
    expect(noEmail).toEqual([]);
  });

  it('tells someone who may not read the case nothing about it', () => {
    // Act
    const refusing = () => authorizeCase(config, SALES_MEMBER, legalCase, 'assign');

    // Assess
    expect(refusing).toThrow(ForbiddenError);
    expect(refusing).toThrow(
      'you may not read case case_00000000000000000777: you may read the cases of sales and those that name them as cc, approver or escalation (member of sales)',
    );
  });

  it('tells a reader why they may not act, and a member why they may not reroute', () => {
    // Act
    const assigning = () => authorizeCase(config, SERVICE_MEMBER, pressCase, 'assign');
    const rerouting = () => authorizeCase(config, SERVICE_MEMBER, caseFactory({ department: 'service' }), 'reroute');
    const approving = () => authorizeCase(config, LEGAL_MEMBER, legalCase, 'approve');

    // Assess
    expect(assigning).toThrow(
      `only members and leads of press or an admin may assign case ${pressCase.id}; you may read it (member of service)`,
    );
    expect(rerouting).toThrow(`only a lead of service or an admin may reroute case ${pressCase.id}; you are a member`);
    expect(approving).toThrow(`only a member or lead of press may approve replies of case ${legalCase.id}`);
  });

  it('tells a stranger how people are matched', () => {
    // Act
    const reading = () => authorizeCase(config, STRANGER, pressCase, 'read');

    // Assess
    expect(reading).toThrow(
      /you are neither an admin nor a member or lead of any department \(people are matched by their verified e-mail/,
    );
  });
});

describe('authorizeListing', () => {
  it("lets members and leads list their own department's cases, and admins any", () => {
    // Act
    const listing = [
      [PRESS_MEMBER, 'press'],
      [PRESS_LEAD, 'press'],
      [ADMIN, 'legal'],
      [OPERATOR, 'legal'],
    ].map(
      ([user, department]) =>
        () =>
          authorizeListing(config, user as AdminUser, department as string),
    );

    // Assess
    for (const list of listing) expect(list).not.toThrow();
  });

  it('refuses a member of another department, a cc or approving department, and a stranger', () => {
    // Act
    const service = () => authorizeListing(config, SERVICE_MEMBER, 'legal');
    const approver = () => authorizeListing(config, PRESS_LEAD, 'legal');
    const stranger = () => authorizeListing(config, STRANGER, 'press');

    // Assess
    expect(service).toThrow('you may not list the cases of legal: you may list those of service (member of service)');
    expect(approver).toThrow(ForbiddenError);
    expect(stranger).toThrow(ForbiddenError);
  });
});
