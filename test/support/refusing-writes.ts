import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A command as the document client receives it. */
type Command = Parameters<DynamoDBDocumentClient['send']>[0];

/**
 * A document client over a real one that refuses the commands `refuse` picks while it
 * returns true (as DynamoDB refuses a throttled write), and sends every other command.
 */
export function refusingWrites(
  documents: DynamoDBDocumentClient,
  refuse: (command: Command) => boolean,
): DynamoDBDocumentClient {
  const send = async (command: Command) => {
    if (refuse(command)) {
      const error = new Error('Throughput exceeds the current capacity of your table');
      error.name = 'ProvisionedThroughputExceededException';
      throw error;
    }
    return documents.send(command as never);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}
