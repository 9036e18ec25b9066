import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/topology.ts';
import { DynamoNotificationClaims } from '../../shared/adapters/dynamodb/index.ts';
import type { DeliveryClaimRequest } from '../../shared/domain/ports.ts';
import { demoConfig } from '../factories/config.ts';
import { startLocalTable } from '../support/local-table.ts';

const EXPIRES = 1_900_000_000;
const NOW = '2026-11-30T10:00:00.000Z';

function claimAt(owner: string, at = NOW, leaseMs = 60_000): DeliveryClaimRequest {
  return { owner, at, leaseUntil: new Date(new Date(at).getTime() + leaseMs).toISOString(), expiresAt: EXPIRES };
}

function settlement(owner: string, sent: string[], complete: boolean) {
  return { owner, sent, complete, at: NOW, expiresAt: EXPIRES };
}

/** One claim per notification for all of its targets, on a real dynalite table with real SDK clients. */
describe('notification claims against dynalite', () => {
  const topology = buildTopology(demoConfig());
  let local: Awaited<ReturnType<typeof startLocalTable>>;
  let claims: DynamoNotificationClaims;

  beforeAll(async () => {
    local = await startLocalTable(topology.table);
    claims = new DynamoNotificationClaims(local.documents, topology.table.name);
  });

  afterAll(async () => {
    await local.backend.stop();
  });

  it('lets exactly one of ten concurrent senders claim a notification', async () => {
    // Act
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claims.claimTargets('case_c1', 'mention:m1#service', claimAt(`s${i}`))),
    );

    // Assess
    expect(answers.filter((a) => a.claim === 'claimed')).toEqual([{ claim: 'claimed', sent: [] }]);
    expect(answers.filter((a) => a.claim === 'held')).toHaveLength(9);
  });

  it('answers done with the sent targets once a claim is settled complete', async () => {
    // Arrange
    await claims.claimTargets('case_c2', 'n1#service', claimAt('first'));

    // Act
    await claims.settle(
      'case_c2',
      'n1#service',
      settlement('first', ['n1#service/slack:#a', 'n1#service/email:b'], true),
    );
    const later = await claims.claimTargets('case_c2', 'n1#service', claimAt('later', '2026-11-30T12:00:00.000Z'));

    // Assess
    expect(later).toEqual({ claim: 'done', sent: ['n1#service/email:b', 'n1#service/slack:#a'] });
  });

  it('frees a claim settled with a failed target at once, naming what was sent, for the retry', async () => {
    // Arrange
    await claims.claimTargets('case_c3', 'n1#service', claimAt('first'));
    await claims.settle('case_c3', 'n1#service', settlement('first', ['n1#service/slack:#a'], false));

    // Act: the redelivery comes within the lease the first sender had.
    const retry = await claims.claimTargets('case_c3', 'n1#service', claimAt('retry', '2026-11-30T10:00:01.000Z'));

    // Assess
    expect(retry).toEqual({ claim: 'claimed', sent: ['n1#service/slack:#a'] });
  });

  it('keeps a live lease and frees the claim of a sender that died once its lease ran out', async () => {
    // Arrange
    await claims.claimTargets('case_c4', 'n1#service', claimAt('died'));

    // Act
    const within = await claims.claimTargets('case_c4', 'n1#service', claimAt('early', '2026-11-30T10:00:59.000Z'));
    const after = await claims.claimTargets('case_c4', 'n1#service', claimAt('late', '2026-11-30T10:01:01.000Z'));

    // Assess
    expect(within).toEqual({ claim: 'held' });
    expect(after).toEqual({ claim: 'claimed', sent: [] });
  });

  it("adds what a slow sender sent after its lease was taken over, and keeps the new owner's claim", async () => {
    // Arrange
    await claims.claimTargets('case_c5', 'n1#service', claimAt('slow'));
    await claims.claimTargets('case_c5', 'n1#service', claimAt('next', '2026-11-30T10:01:01.000Z'));

    // Act
    await claims.settle('case_c5', 'n1#service', settlement('slow', ['n1#service/slack:#a'], true));
    const third = await claims.claimTargets('case_c5', 'n1#service', claimAt('third', '2026-11-30T10:01:02.000Z'));
    await claims.settle('case_c5', 'n1#service', settlement('next', ['n1#service/email:b'], true));
    const done = await claims.claimTargets('case_c5', 'n1#service', claimAt('fourth', '2026-11-30T10:01:03.000Z'));

    // Assess
    expect(third).toEqual({ claim: 'held' });
    expect(done).toEqual({ claim: 'done', sent: ['n1#service/email:b', 'n1#service/slack:#a'] });
  });
});
