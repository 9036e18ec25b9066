import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuthorDataStore, AuthorRef, EraseAuthorDeps, PersonalItem } from '../../domain/erase-author.ts';
import type {
  AuthorScan,
  ErasureJobDeps,
  ErasureRequest,
  ErasureRequests,
  FoundOfAuthor,
  ScanPage,
} from '../../domain/erasure-job.ts';
import type { StoredMention } from '../../domain/ports.ts';
import { DynamoMentionItems, dynamoErasurePorts } from './author-erasure.ts';
import { conditionalWrite, keys } from './keys.ts';
import { storedMentionOf } from './mention-repository.ts';
import { getAll } from './query-all.ts';

/**
 * The three kinds of items that name an author by id (everything else of theirs hangs off a
 * mention: its case records, notes, markers, routed mark and theme examples):
 * a mention (`mention.author.id`), a case they opened (`authorId`) and a correction of one of
 * their mentions (`correction.authorId`). The platform is checked on what the page returns:
 * a packed mention keeps it only in its key.
 */
const AUTHOR_FILTER =
  '(#type = :mention AND #mention.#author.#id = :id) OR (#type = :case AND authorId = :id) OR (#type = :correction AND #correction.authorId = :id)';
const AUTHOR_NAMES = {
  '#type': 'type',
  '#mention': 'mention',
  '#author': 'author',
  '#id': 'id',
  '#correction': 'correction',
  '#platform': 'platform',
};

/**
 * A scan of the company table for an author's items, one page a call: DynamoDB's 1 MB pages
 * (about 1,000 mention items), or `pageLimit` items a page (tests force many pages with it).
 * A scan reads every item of the table: 0.5 read units per 4 KB eventually consistent.
 */
export class DynamoAuthorScan implements AuthorScan {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { readonly pageLimit?: number } = {},
  ) {}

  async page(author: AuthorRef, cursor: string | undefined): Promise<ScanPage> {
    const page = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: AUTHOR_FILTER,
        ProjectionExpression: 'PK, SK, #type, #platform, #mention.#platform, #correction.#platform',
        ExpressionAttributeNames: AUTHOR_NAMES,
        ExpressionAttributeValues: {
          ':mention': 'mention',
          ':case': 'case',
          ':correction': 'correction',
          ':id': author.authorId,
        },
        ...(this.options.pageLimit ? { Limit: this.options.pageLimit } : {}),
        ...(cursor ? { ExclusiveStartKey: JSON.parse(cursor) as Record<string, unknown> } : {}),
      }),
    );
    const items = page.Items ?? [];
    const platformOf = (item: Record<string, unknown>): unknown => {
      if (item.type === 'case') return item.platform;
      if (item.type === 'correction') return (item.correction as { platform?: unknown } | undefined)?.platform;
      // A packed mention keeps its platform only in its key: `MENTION#<platform>:<externalId>`.
      const packed = (item.mention as { platform?: unknown } | undefined)?.platform;
      return packed ?? String(item.PK).slice(keys.mention('').PK.length).split(':')[0];
    };
    const ofAuthor = items.filter((item) => platformOf(item) === author.platform);
    const idAfter = (item: Record<string, unknown>, prefix: string) => String(item.PK).slice(prefix.length);
    return {
      found: {
        mentionIds: ofAuthor.filter((i) => i.type === 'mention').map((i) => idAfter(i, keys.mention('').PK)),
        caseIds: ofAuthor.filter((i) => i.type === 'case').map((i) => idAfter(i, keys.case('').PK)),
        correctionIds: ofAuthor
          .filter((i) => i.type === 'correction')
          .map((i) => String(i.SK).slice(keys.correction('').SK.length)),
      },
      scanned: page.ScannedCount ?? items.length,
      ...(page.LastEvaluatedKey ? { next: JSON.stringify(page.LastEvaluatedKey) } : {}),
    };
  }
}

/**
 * An author's data as a scan found it: the mentions and cases read by key, their case
 * records, notes and markers found and deleted by `DynamoMentionItems`.
 */
export class FoundAuthorData implements AuthorDataStore {
  private readonly table: DynamoMentionItems;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly found: FoundOfAuthor,
  ) {
    this.table = new DynamoMentionItems(client, tableName);
  }

  /** The found mentions still stored and still the author's (a platform's deletion erases one in place). */
  async mentionsOfAuthor(author: AuthorRef): Promise<StoredMention[]> {
    const items = await getAll(
      this.client,
      this.tableName,
      this.found.mentionIds.map((id) => keys.mention(id)),
    );
    return items
      .map(storedMentionOf)
      .filter(({ mention }) => mention.platform === author.platform && mention.author.id === author.authorId);
  }

  async caseIdsOfAuthor(): Promise<string[]> {
    return [...this.found.caseIds];
  }

  itemsOfMention(stored: StoredMention): Promise<PersonalItem[]> {
    return this.table.itemsOfMention(stored);
  }

  async correctionsOfAuthor(): Promise<PersonalItem[]> {
    const items = await getAll(
      this.client,
      this.tableName,
      this.found.correctionIds.map((id) => keys.correction(id)),
      { ProjectionExpression: 'PK, SK' },
    );
    return items.map((item) => ({ kind: 'correction', key: { PK: String(item.PK), SK: String(item.SK) } }));
  }

  remove(items: readonly PersonalItem[]): Promise<void> {
    return this.table.remove(items);
  }
}

/**
 * Erasure requests: `ERASURE#<id>` / `REQUEST`. The found ids are string sets, so a page saved
 * twice adds nothing; the author is removed when the request is done (the audit entry names
 * them by pseudonym). No TTL: a done request holds no personal data, and one that is not done
 * must stay until it is.
 */
export class DynamoErasureRequests implements ErasureRequests {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(request: ErasureRequest): Promise<void> {
    const { found: _found, ...rest } = request;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.erasureRequest(request.id), type: 'erasure-request', ...rest },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async get(id: string): Promise<ErasureRequest | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.erasureRequest(id), ConsistentRead: true }),
    );
    if (Item?.type !== 'erasure-request') return undefined;
    const {
      PK: _pk,
      SK: _sk,
      type: _type,
      foundMentions,
      foundCases,
      foundCorrections,
      ...request
    } = Item as Record<string, unknown>;
    const list = (set: unknown) => [...((set as Set<string> | undefined) ?? [])];
    return {
      ...(request as Omit<ErasureRequest, 'found'>),
      found: { mentionIds: list(foundMentions), caseIds: list(foundCases), correctionIds: list(foundCorrections) },
    };
  }

  async advance(id: string, from: string | undefined, page: ScanPage): Promise<boolean> {
    const sets: [string, readonly string[]][] = [
      ['foundMentions', page.found.mentionIds],
      ['foundCases', page.found.caseIds],
      ['foundCorrections', page.found.correctionIds],
    ];
    // ADD of an empty set is refused: only what the page found.
    const adding = sets.filter(([, ids]) => ids.length > 0);
    const add = ['pages :one', 'scannedItems :scanned', ...adding.map(([name]) => `${name} :${name}`)].join(', ');
    const set = page.next !== undefined ? 'SET #cursor = :next' : 'SET #status = :erasing REMOVE #cursor';
    return conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.erasureRequest(id),
          UpdateExpression: `${set} ADD ${add}`,
          ConditionExpression:
            from === undefined
              ? '#status = :scanning AND attribute_not_exists(#cursor)'
              : '#status = :scanning AND #cursor = :from',
          ExpressionAttributeNames: { '#status': 'status', '#cursor': 'cursor' },
          ExpressionAttributeValues: {
            ':scanning': 'scanning',
            ':one': 1,
            ':scanned': page.scanned,
            ...(page.next !== undefined ? { ':next': page.next } : { ':erasing': 'erasing' }),
            ...(from !== undefined ? { ':from': from } : {}),
            ...Object.fromEntries(adding.map(([name, ids]) => [`:${name}`, new Set(ids)])),
          },
        }),
      ),
    );
  }

  async finish(id: string, at: string, outcome: ErasureRequest['outcome']): Promise<void> {
    // A second run that finishes after the first (a redelivery) leaves the first one's outcome.
    await conditionalWrite(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.erasureRequest(id),
          UpdateExpression:
            'SET #status = :done, finishedAt = :at, outcome = :outcome REMOVE #author, #cursor, foundMentions, foundCases, foundCorrections',
          ConditionExpression: 'attribute_exists(PK) AND #status <> :done',
          ExpressionAttributeNames: { '#status': 'status', '#cursor': 'cursor', '#author': 'author' },
          ExpressionAttributeValues: { ':done': 'done', ':at': at, ':outcome': outcome },
        }),
      ),
    );
  }
}

/** The table's side of an erasure job: requests, the scan, the found data, cases, audit and themes. */
export function dynamoErasureJobPorts(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly pageLimit?: number } = {},
): Pick<ErasureJobDeps, 'requests' | 'scan' | 'storeOf'> & Pick<EraseAuthorDeps, 'cases' | 'audit' | 'themes'> {
  return {
    ...dynamoErasurePorts(client, tableName),
    requests: new DynamoErasureRequests(client, tableName),
    scan: new DynamoAuthorScan(client, tableName, options),
    storeOf: (_author, found) => new FoundAuthorData(client, tableName, found),
  };
}
