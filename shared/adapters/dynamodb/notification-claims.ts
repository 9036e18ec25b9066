import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MentionRouted } from '../../domain/events.ts';
import {
  SettlementsNotWrittenError,
  type BatchNotificationClaims,
  type DeliveryClaimRequest,
  type NotificationClaim,
  type NotificationClaims,
  type NotificationSettlement,
} from '../../domain/ports.ts';
import { tallyDayOf } from '../../domain/record-routed-mention.ts';
import type { Tally } from '../../domain/reports/tallies.ts';
import { isConditionFailed, keys } from './keys.ts';
import { markRefOf, settledEntryOf, settledIn, settledInBatchItem, SettlementMark } from './settlement-mark.ts';

/** Claims tried before giving up: only a claim settled between our write and our read needs a second one. */
const MAX_CLAIM_ATTEMPTS = 3;

/**
 * One item per notification for all of its targets (`CASE#<id>` / `NOTIFIED#<notification id>#targets`,
 * expiring with the case): `sent`, the set of delivery keys sent; `complete` once every target
 * is; `owner` and `leaseUntil` while a sender holds it. A delivery writes it twice (claim,
 * settle) whatever the number of targets; the item stays well under 1 KB (1 write unit).
 *
 * The claim is one conditional update (absent, or not complete and no live lease), so of
 * concurrent claimers exactly one wins; it returns the old item, whose `sent` says what not
 * to send again.
 */
export class DynamoNotificationClaims implements NotificationClaims {
  /**
   * @param options.timezone the company's: a batch settles a routed mention's notification in
   *   its item of the mention's tally day (tallyDayOf), beside that day's tally. Default UTC
   *   (then a settlement may take an item of its own, still settled right).
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { readonly timezone?: string } = {},
  ) {}

  /** The day of the batch item that settles the notification of `event` (its tally's day). */
  dayOf(event: MentionRouted): string {
    return tallyDayOf(event, this.options.timezone ?? 'UTC');
  }

  async claimTargets(
    caseId: string,
    notificationId: string,
    request: DeliveryClaimRequest,
  ): Promise<NotificationClaim> {
    const Key = keys.notificationClaim(caseId, notificationId);
    for (let attempt = 1; ; attempt++) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression:
              'SET #type = :type, caseId = :caseId, notificationId = :id, #owner = :owner, claimedAt = :at, leaseUntil = :lease, complete = :false, expiresAt = :expiresAt',
            // ISO times of one format compare as strings; a settled claim has no lease.
            ConditionExpression:
              'attribute_not_exists(PK) OR (complete = :false AND (attribute_not_exists(leaseUntil) OR leaseUntil < :at))',
            ExpressionAttributeNames: { '#type': 'type', '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':type': 'notification-claim',
              ':caseId': caseId,
              ':id': notificationId,
              ':owner': request.owner,
              ':at': request.at,
              ':lease': request.leaseUntil,
              ':false': false,
              ':expiresAt': request.expiresAt,
            },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return { claim: 'claimed', sent: sentOf(Attributes) };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      // Consistent: a settlement written right before must be seen.
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
      if (Item?.complete === true) return { claim: 'done', sent: sentOf(Item) };
      if (Item && typeof Item.leaseUntil === 'string' && Item.leaseUntil >= request.at) return { claim: 'held' };
      // Settled incomplete (or its lease ran out) between our write and our read: claim again.
      if (attempt >= MAX_CLAIM_ATTEMPTS) return { claim: 'held' };
    }
  }

  renew(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<boolean> {
    return renewClaim(this.client, this.tableName, keys.notificationClaim(caseId, notificationId), request);
  }

  onRecordOf(event: MentionRouted): NotificationClaims {
    const record = keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department);
    return new RecordNotificationClaims(this.client, this.tableName, record, event.department, this);
  }

  batch(): BatchNotificationClaims {
    return new BatchRecordClaims(this.client, this.tableName, this);
  }

  async settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void> {
    const Key = keys.notificationClaim(caseId, notificationId);
    const add = settlement.sent.length > 0 ? ' ADD sent :sent' : '';
    const sent = settlement.sent.length > 0 ? { ':sent': new Set(settlement.sent) } : {};
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: `SET complete = :complete, settledAt = :at, expiresAt = :expiresAt REMOVE #owner, leaseUntil${add}`,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':complete': settlement.complete,
            ':at': settlement.at,
            ':expiresAt': settlement.expiresAt,
            ':owner': settlement.owner,
            ...sent,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      // Another sender took over after our lease ran out: what we sent is still sent.
      if (settlement.sent.length === 0) return;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'ADD sent :sent',
          ExpressionAttributeValues: sent,
        }),
      );
    }
  }
}

/**
 * The claims of a routed mention's notification for its department kept on the mention's
 * record on its case (`CASE#<id>` / `MENTION#<createdAt>#<mentionId>#<dept>`, under 1 KB):
 * handle-department writes the record holding the first claim (`complete: false`, `owner`,
 * `leaseUntil`; caseMentionItem), so a delivery costs the settlement's one write beside the
 * record's instead of two on an item of its own. The same conditions as the item's: a claim
 * is one conditional update (not complete and no live lease); a settlement with a failed
 * target adds `sent` for the retry (a complete one needs no list: `done` skips every target).
 * A record without `complete` was written without a claim (before this, or by another
 * writer): its notification's claims stay on their own item (`fallback`), for every sender alike.
 *
 * With a batch's settlement mark (`mark`, settlement-mark.ts) the record is claimed naming
 * where the batch settles it (`mark2`: `<day>#<mark>`, with `mark` NULL: the fence against a
 * release before w22), and a complete settlement is kept for the batch's one write per day and
 * department instead of an update of the record. A record that names a place is settled when
 * the item there holds it; one that names a mark of a release before (a string `mark`) when
 * that mark (`SETTLED#<mark>`) does. A claim reads that before it takes the record over (its
 * condition: the place it read is still the record's), so a notification settled there is
 * never sent again.
 */
export class RecordNotificationClaims implements NotificationClaims {
  /** Whether the claims went to `fallback` (a record written without a claim): so must the settlement. */
  private fellBack = false;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly Key: { PK: string; SK: string },
    private readonly department: string,
    private readonly fallback: NotificationClaims,
    private readonly mark?: { readonly settlements: SettlementMark; readonly day: string },
  ) {}

  async claimTargets(
    caseId: string,
    notificationId: string,
    request: DeliveryClaimRequest,
  ): Promise<NotificationClaim> {
    // The place the record named when last read: the claim holds only while it still does.
    let seen: MarkSeen | undefined;
    const mark = this.mark;
    for (let attempt = 1; ; attempt++) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.Key,
            UpdateExpression: `SET #owner = :owner, leaseUntil = :lease${
              mark ? ', mark = :null, mark2 = :mark2' : ' REMOVE mark, mark2'
            }`,
            ConditionExpression: `complete = :false AND (attribute_not_exists(leaseUntil) OR leaseUntil < :at) AND ${
              seen === undefined ? 'attribute_not_exists(mark)' : `${seen.attribute} = :seen`
            }`,
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':owner': request.owner,
              ':at': request.at,
              ':lease': request.leaseUntil,
              ':false': false,
              ...(mark ? { ':null': null, ':mark2': markRefOf(mark.day, mark.settlements.id) } : {}),
              ...(seen === undefined ? {} : { ':seen': seen.value }),
            },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return { claim: 'claimed', sent: sentOf(Attributes) };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      const Item = await this.record();
      if (typeof Item?.complete !== 'boolean') {
        this.fellBack = true;
        return this.fallback.claimTargets(caseId, notificationId, request);
      }
      if (Item.complete) return { claim: 'done', sent: sentOf(Item) };
      const named = markSeenOf(Item);
      if (named !== undefined && (await this.settledIn(named))) return { claim: 'done', sent: sentOf(Item) };
      if (typeof Item.leaseUntil === 'string' && Item.leaseUntil >= request.at) return { claim: 'held' };
      if (attempt >= MAX_CLAIM_ATTEMPTS) return { claim: 'held' };
      seen = named;
    }
  }

  async renew(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<boolean> {
    if (this.fellBack) return (await this.fallback.renew?.(caseId, notificationId, request)) ?? false;
    return renewClaim(this.client, this.tableName, this.Key, request);
  }

  async settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void> {
    if (this.mark && settlement.complete && !this.fellBack) {
      // The record names this batch's place (written or taken over with it): the batch's write settles it.
      this.mark.settlements.add(this.Key, settlement.owner, settlement.expiresAt, this.mark.day, this.department);
      return;
    }
    return settleRecord(this.client, this.tableName, this.Key, settlement, () => this.record(), this.fallback, {
      caseId,
      notificationId,
    });
  }

  private settledIn(named: MarkSeen): Promise<boolean> {
    const entry = settledEntryOf(this.Key);
    if (named.attribute === 'mark') return settledIn(this.client, this.tableName, named.value, entry);
    if (this.mark) return this.mark.settlements.holds(named.value, this.Key, this.department);
    return settledInBatchItem(this.client, this.tableName, named.value, this.department, entry);
  }

  /** Consistent: a settlement written right before must be seen. */
  private async record(): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.Key, ConsistentRead: true }),
    );
    return Item;
  }
}

/** Where a record says its settlement is: `mark2` (a batch item, since w22) or a string `mark` (a settlement mark before). */
type MarkSeen = { readonly attribute: 'mark' | 'mark2'; readonly value: string };

/** The place a record names for its settlement, if any. */
function markSeenOf(item: Record<string, unknown>): MarkSeen | undefined {
  if (typeof item.mark2 === 'string') return { attribute: 'mark2', value: item.mark2 };
  if (typeof item.mark === 'string') return { attribute: 'mark', value: item.mark };
  return undefined;
}

/**
 * Extends a claim (its own item or a record) to `request.leaseUntil` while `request.owner`
 * still holds it: not settled, not taken over. One conditional update; false when refused.
 */
async function renewClaim(
  client: DynamoDBDocumentClient,
  tableName: string,
  Key: { PK: string; SK: string },
  request: DeliveryClaimRequest,
): Promise<boolean> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: 'SET leaseUntil = :lease',
        ConditionExpression: '#owner = :owner AND complete = :false',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': request.owner, ':lease': request.leaseUntil, ':false': false },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return false;
  }
}

/**
 * Settles a claim kept on a record with an update of the record: `complete`, the lease given
 * up, `sent` when a target failed; a claim another sender took over gets what was sent added.
 */
async function settleRecord(
  client: DynamoDBDocumentClient,
  tableName: string,
  Key: { PK: string; SK: string },
  settlement: NotificationSettlement,
  read: () => Promise<Record<string, unknown> | undefined>,
  fallback: NotificationClaims | undefined,
  of: { readonly caseId: string; readonly notificationId: string },
): Promise<void> {
  const sent = settlement.sent.length > 0 ? { ':sent': new Set(settlement.sent) } : {};
  // A complete claim answers `done`, which skips every target: it needs no list of them,
  // and without it the settled record is no larger than the record written (one write unit
  // where the list would take a record past 1 KB).
  const keep = settlement.sent.length > 0 && !settlement.complete;
  const add = keep ? ' ADD sent :sent' : '';
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: `SET complete = :complete REMOVE #owner, leaseUntil${add}`,
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':complete': settlement.complete,
          ':owner': settlement.owner,
          ...(keep ? sent : {}),
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const Item = await read();
    if (typeof Item?.complete !== 'boolean') return fallback?.settle(of.caseId, of.notificationId, settlement);
    // Another sender took over after our lease ran out: what we sent is still sent.
    if (settlement.sent.length === 0) return;
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: 'ADD sent :sent',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: sent,
      }),
    );
  }
}

/**
 * The claims of one handle-department batch (NotificationClaims.batch): claims kept on
 * records name the batch's place of their day (`mark2`), their complete settlements are
 * written by `flush`, one update per day and department with the batch's tally there
 * (SettlementMark). If such an item cannot be written, each of its records is settled by its
 * own update, as without a mark, and its tally is handed back for the day's own item.
 */
class BatchRecordClaims implements BatchNotificationClaims {
  private readonly settlements: SettlementMark;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly items: DynamoNotificationClaims,
  ) {
    this.settlements = new SettlementMark(client, tableName);
  }

  markOf(event: MentionRouted): string {
    return markRefOf(this.items.dayOf(event), this.settlements.id);
  }

  claimTargets(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<NotificationClaim> {
    return this.items.claimTargets(caseId, notificationId, request);
  }

  settle(caseId: string, notificationId: string, settlement: NotificationSettlement): Promise<void> {
    return this.items.settle(caseId, notificationId, settlement);
  }

  renew(caseId: string, notificationId: string, request: DeliveryClaimRequest): Promise<boolean> {
    return this.items.renew(caseId, notificationId, request);
  }

  onRecordOf(event: MentionRouted): NotificationClaims {
    const record = keys.caseMention(event.caseId, event.createdAt, event.mentionId, event.department);
    return new RecordNotificationClaims(this.client, this.tableName, record, event.department, this.items, {
      settlements: this.settlements,
      day: this.items.dayOf(event),
    });
  }

  async flush(tallies: readonly Tally[] = []): Promise<readonly Tally[]> {
    const tallyOf = (day: string, department: string) =>
      tallies.find((t) => t.day === day && t.department === department);
    const groups = this.settlements.groups;
    const unwritten = tallies.filter((t) => !groups.some((g) => g.day === t.day && g.department === t.department));
    const failed: unknown[] = [];
    for (const group of groups) {
      const tally = tallyOf(group.day, group.department);
      try {
        await this.settlements.write(group, tally?.fields ?? {});
      } catch (markError) {
        if (tally) unwritten.push(tally);
        // Each record on its own, as without a mark: a settlement lost here sends it again after the lease.
        const errors = await settleEach(this.client, this.tableName, group.settlements);
        if (errors.length > 0) failed.push(markError, ...errors);
      }
    }
    if (failed.length > 0) {
      throw new SettlementsNotWrittenError(
        `settlements of batch ${this.settlements.id} not written, neither in its items nor on their records`,
        unwritten,
        { cause: new AggregateError(failed) },
      );
    }
    return unwritten;
  }
}

/** Settles records complete, each by its own update; the errors of those that failed. */
async function settleEach(
  client: DynamoDBDocumentClient,
  tableName: string,
  settlements: readonly {
    readonly key: { PK: string; SK: string };
    readonly owner: string;
    readonly expiresAt: number;
  }[],
): Promise<unknown[]> {
  const failed: unknown[] = [];
  const at = new Date().toISOString();
  for (const { key, owner, expiresAt } of settlements) {
    const read = async () =>
      (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
    await settleRecord(client, tableName, key, { owner, sent: [], complete: true, at, expiresAt }, read, undefined, {
      caseId: '',
      notificationId: '',
    }).catch((error: unknown) => failed.push(error));
  }
  return failed;
}

function sentOf(item: Record<string, unknown> | undefined): string[] {
  const sent = item?.sent;
  return sent instanceof Set ? [...sent].map(String).sort() : [];
}
