import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, startDynamoDb, type LocalBackend } from '../../infra/local/backends.ts';
import { createTable } from '../../infra/local/table.ts';
import type { TableSpec } from '../../infra/topology.ts';

/** An in-memory dynalite with the topology's table, and real SDK clients for it. */
export async function startLocalTable(spec: TableSpec): Promise<{
  backend: LocalBackend;
  documents: DynamoDBDocumentClient;
  env: Record<string, string>;
}> {
  const backend = await startDynamoDb();
  const client = new DynamoDBClient({
    region: 'eu-central-1',
    endpoint: backend.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  await createTable(client, spec);
  return {
    backend,
    documents: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    env: {
      AWS_REGION: 'eu-central-1',
      AWS_ENDPOINT_URL_DYNAMODB: backend.endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      TABLE_NAME: spec.name,
    },
  };
}
