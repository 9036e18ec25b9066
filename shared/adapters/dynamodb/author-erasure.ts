import { BatchWriteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  AuthorDataStore,
  AuthorRef,
  EraseAuthorDeps,
  ErasureAudit,
  ErasureAuditEntry,
  PersonalItem,
  PersonalItemKind,
} from '../../domain/erase-author.ts';
import type { StoredMention } from '../../domain/ports.ts';
import { DynamoThemeRepository } from './theme-repository.ts';
import { DynamoCaseRepository } from './case-repository.ts';
import { GSI2, keys } from './keys.ts';
import { DynamoMentionRepository, storedMentionOf } from './mention-repository.ts';
import { getAll, itemsOfEntries, queryAll } from './query-all.ts';

/** DynamoDB takes at most 25 requests per BatchWriteItem. */
const BATCH_SIZE = 25;
/** Rounds of resending unprocessed deletes before giving up (the caller may run the erasure again). */
const MAX_BATCH_ROUNDS = 8;

/**
 * What the company table holds of an author, found through the author index (GSI2,
 * `AUTHOR#<platform>#<authorId>`), never a scan: their mentions (`MENTION#<createdAt>`),
 * the cases they opened (`CASE#<openedAt>`) and through them the mentions that opened them,
 * and the corrections of their mentions (`CORRECTION#<mentionId>`). Items written before
 * the author index existed carry no GSI2 key and are not found; they expire with the
 * retention.
 */
export class DynamoAuthorErasure implements AuthorDataStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The author's mentions with an entry of their own (`MENTION#<createdAt>`), and the first
   * mentions of the cases they opened (`CASE#<openedAt>`): a mention that opens its case is
   * stored without an entry (`throughCase`), the case's entry finds it. A case's first
   * mention of another author (erased, or a case an earlier release wrote otherwise) is
   * left out; one found both ways is returned once.
   */
  async mentionsOfAuthor(author: AuthorRef): Promise<StoredMention[]> {
    // The author index holds keys only: the mentions are read from the table.
    const [mentionEntries, caseEntries] = await Promise.all([
      this.ofAuthor(author, 'MENTION#'),
      this.ofAuthor(author, 'CASE#'),
    ]);
    const indexed = (await itemsOfEntries(this.client, this.tableName, mentionEntries)).map(storedMentionOf);
    const cases = await getAll(
      this.client,
      this.tableName,
      caseEntries.map((entry) => ({ PK: entry.PK, SK: entry.SK })),
      { ProjectionExpression: 'firstMentionId' },
    );
    const seen = new Set(indexed.map((stored) => stored.mention.id));
    const firstMentionKeys = [
      ...new Set(cases.map((c) => c.firstMentionId).filter((id): id is string => typeof id === 'string')),
    ]
      .filter((id) => !seen.has(id))
      .map((id) => keys.mention(id));
    const opening = (await getAll(this.client, this.tableName, firstMentionKeys))
      .map(storedMentionOf)
      .filter(({ mention }) => mention.platform === author.platform && mention.author.id === author.authorId);
    return [...indexed, ...opening];
  }

  async caseIdsOfAuthor(author: AuthorRef): Promise<string[]> {
    const entries = await this.ofAuthor(author, 'CASE#');
    return entries.map((entry) => String(entry.PK).slice(keys.case('').PK.length));
  }

  /**
   * Gives each mention found only through its case an author-index entry of its own
   * before the cases are pseudonymized (which drops their entries): a crash after that
   * leaves the mention findable for the next run.
   */
  async keepFindable(mentions: readonly StoredMention[]): Promise<void> {
    const repository = new DynamoMentionRepository(this.client, this.tableName);
    for (const stored of mentions) if (stored.throughCase) await repository.indexAuthor(stored);
  }

  /** The corrections of the author's mentions (`CORRECTION#<mentionId>` in the author index). */
  async correctionsOfAuthor(author: AuthorRef): Promise<PersonalItem[]> {
    const items = await this.ofAuthor(author, keys.correctionPrefix);
    return items.map((item) => ({ kind: 'correction', key: { PK: String(item.PK), SK: String(item.SK) } }));
  }

  /**
   * The mention's item; on its case the records of it per department
   * (`MENTION#<createdAt>#<mentionId>#`), its notes (`NOTE#...#<mentionId>`) and the sent
   * markers of its notifications (`NOTIFIED#mention:<mentionId>#...`, `NOTIFIED#key-account:<mentionId>#...`).
   */
  async itemsOfMention(stored: StoredMention): Promise<PersonalItem[]> {
    const { mention, caseId } = stored;
    const partition = keys.case(caseId).PK;
    const keysOf = async (
      prefix: string,
      kind: PersonalItemKind,
      belongs: (sk: string) => boolean,
    ): Promise<PersonalItem[]> => {
      const items = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
        ProjectionExpression: 'PK, SK',
      });
      return items
        .filter((item) => belongs(String(item.SK)))
        .map((item) => ({ kind, key: { PK: String(item.PK), SK: String(item.SK) } }));
    };
    const [records, notes, markers] = await Promise.all([
      keysOf(keys.caseMentionsOf(mention.createdAt, mention.id), 'case-mention', () => true),
      keysOf(keys.caseNotePrefix, 'case-note', (sk) => sk.endsWith(`#${mention.id}`)),
      keysOf('NOTIFIED#', 'notification-marker', (sk) => sk.includes(`:${mention.id}#`)),
    ]);
    return [
      { kind: 'mention', key: keys.mention(mention.id) },
      { kind: 'mention-mark', key: keys.mentionRouted(mention.id) },
      ...records,
      ...notes,
      ...markers,
    ];
  }

  /** Deletes in batches of 25, resending what DynamoDB left unprocessed. */
  async remove(items: readonly PersonalItem[]): Promise<void> {
    for (let start = 0; start < items.length; start += BATCH_SIZE) {
      let requests = items
        .slice(start, start + BATCH_SIZE)
        .map((item) => ({ DeleteRequest: { Key: { ...item.key } } }));
      for (let round = 1; requests.length > 0; round++) {
        if (round > MAX_BATCH_ROUNDS)
          throw new Error(`erasure: ${requests.length} deletes stayed unprocessed after ${MAX_BATCH_ROUNDS} rounds`);
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  private ofAuthor(author: AuthorRef, prefix: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      IndexName: GSI2,
      KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.author(author.platform, author.authorId), ':prefix': prefix },
    });
  }
}

/**
 * The audit trail of erasures: `AUDIT#ERASURE` / `<at>#<id>`. Entries name the author only
 * by pseudonym and carry no TTL: the record that an erasure happened outlives the data.
 */
export class DynamoErasureAudit implements ErasureAudit {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: ErasureAuditEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.erasureAudit(entry.at, entry.id), type: 'erasure-audit', entry },
      }),
    );
  }
}

/** The table's side of an erasure: the author index, the cases and the audit trail. */
export function dynamoErasurePorts(
  client: DynamoDBDocumentClient,
  tableName: string,
): Pick<EraseAuthorDeps, 'store' | 'cases' | 'audit' | 'themes'> {
  return {
    store: new DynamoAuthorErasure(client, tableName),
    cases: new DynamoCaseRepository(client, tableName),
    audit: new DynamoErasureAudit(client, tableName),
    themes: new DynamoThemeRepository(client, tableName),
  };
}
