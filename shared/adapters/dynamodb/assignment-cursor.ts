import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AssignmentCursor } from '../../domain/ports.ts';
import { keys } from './keys.ts';

/**
 * Round-robin positions, one atomic counter per department (`RR#<dept>`). `ADD` makes two
 * handlers assigning at once get different positions. The counter holds no personal data
 * and does not expire.
 */
export class DynamoAssignmentCursor implements AssignmentCursor {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async next(department: string): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.assignmentCursor(department),
        UpdateExpression: 'ADD n :one SET #type = :type, department = :department',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'assignment-cursor', ':department': department },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const n = Number(Attributes?.n);
    if (!Number.isInteger(n)) throw new Error(`the round-robin counter of ${department} is not a number`);
    return n;
  }
}
