import { describe, expect, it } from 'vitest';
import { decideAssignment, memberId, type AssignmentPolicy } from '../../../shared/domain/assignment.ts';
import type { AssignmentCursor } from '../../../shared/domain/ports.ts';

class CountingCursor implements AssignmentCursor {
  private readonly counters = new Map<string, number>();
  async next(department: string): Promise<number> {
    const value = (this.counters.get(department) ?? 0) + 1;
    this.counters.set(department, value);
    return value;
  }
}

const members = [
  { name: 'Ole Hansen', email: 'Ole.Hansen@radwerk-hansen.example' },
  { name: 'Mia Schulz', email: 'mia.schulz@radwerk-hansen.example' },
  { name: 'Deniz Aydin' },
];

function policy(overrides: Partial<AssignmentPolicy> = {}): AssignmentPolicy {
  return { department: 'service', mode: 'round-robin', members, onDuty: () => true, ...overrides };
}

const at = new Date('2026-11-30T09:00:00Z');

describe('decideAssignment', () => {
  it('gives new cases to the members in turn, starting over after the last', async () => {
    // Arrange
    const cursor = new CountingCursor();

    // Act
    const assignees = [];
    for (let i = 0; i < 4; i++) assignees.push((await decideAssignment(policy(), at, cursor)).assignee);

    // Assess
    expect(assignees).toEqual([
      'ole.hansen@radwerk-hansen.example',
      'mia.schulz@radwerk-hansen.example',
      'Deniz Aydin',
      'ole.hansen@radwerk-hansen.example',
    ]);
  });

  it('says why the member was chosen', async () => {
    const decision = await decideAssignment(policy(), at, new CountingCursor());

    expect(decision.reason).toBe('round robin: turn 1 of 3 members on duty (Ole Hansen)');
  });

  it('gives the case to the only member without taking a turn (no counter write)', async () => {
    // Arrange
    const calls: string[] = [];
    const cursor: AssignmentCursor = {
      next: async (department) => {
        calls.push(department);
        return 1;
      },
    };
    const [ole] = members;

    // Act
    const decision = await decideAssignment(policy({ members: ole ? [ole] : [] }), at, cursor);

    // Assess
    expect(decision).toEqual({
      assignee: 'ole.hansen@radwerk-hansen.example',
      reason: 'round robin: the only member on duty (Ole Hansen)',
    });
    expect(calls).toEqual([]);
  });

  it('leaves the case in the team queue outside business hours, without using a turn', async () => {
    // Arrange
    const cursor = new CountingCursor();

    // Act
    const offDuty = await decideAssignment(policy({ onDuty: () => false }), at, cursor);
    const next = await decideAssignment(policy(), at, cursor);

    // Assess
    expect(offDuty).toEqual({ reason: "team queue: outside the department's business hours, nobody is on duty" });
    expect(next.assignee).toBe('ole.hansen@radwerk-hansen.example');
  });

  it('leaves the case in the team queue when the department assigns itself', async () => {
    const decision = await decideAssignment(policy({ mode: 'team-queue' }), at, new CountingCursor());

    expect(decision).toEqual({ reason: 'team queue: the department assigns its cases itself' });
  });

  it('leaves the case in the team queue when the department has no members', async () => {
    const decision = await decideAssignment(policy({ members: [] }), at, new CountingCursor());

    expect(decision.assignee).toBeUndefined();
    expect(decision.reason).toMatch(/no members/);
  });

  it('keeps separate turns per department', async () => {
    // Arrange
    const cursor = new CountingCursor();
    await decideAssignment(policy(), at, cursor);

    // Act
    const other = await decideAssignment(
      policy({
        department: 'sales',
        members: [
          { name: 'Sven', email: 'sven@x.example' },
          { name: 'Nina', email: 'nina@x.example' },
        ],
      }),
      at,
      cursor,
    );

    // Assess
    expect(other.assignee).toBe('sven@x.example');
  });
});

describe('memberId', () => {
  it('is the lower-case e-mail, or the name without one', () => {
    expect(memberId({ name: 'A', email: 'A.B@X.example' })).toBe('a.b@x.example');
    expect(memberId({ name: 'Deniz Aydin' })).toBe('Deniz Aydin');
  });
});
