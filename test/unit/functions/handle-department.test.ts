import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/handle-department/handler.ts';
import { demoConfig } from '../../factories/config.ts';
import { contextFactory, sqsEventFactory } from '../../factories/lambda.ts';
import { mentionRoutedFactory, routedEnvelope, sqsRecordFactory } from '../../factories/mention.ts';

const documents = mockClient(DynamoDBDocumentClient);
const env = { COMPANY_CONFIG: JSON.stringify(demoConfig()), TABLE_NAME: 'bc-demo-data', AWS_REGION: 'eu-central-1' };

describe('handle-department handler', () => {
  beforeEach(() => {
    documents.reset();
    documents.on(PutCommand).resolves({});
    documents.on(UpdateCommand).resolves({});
  });

  it('records the mention on the case and adds one to the day x department x category counter', async () => {
    const event = mentionRoutedFactory({ department: 'legal', category: 'legal_risk' });

    const result = await createHandler(env)(sqsEventFactory([sqsRecordFactory(routedEnvelope(event))]), contextFactory());

    expect(result).toEqual({ batchItemFailures: [] });
    expect(documents).toReceiveCommandWith(PutCommand, {
      ConditionExpression: 'attribute_not_exists(PK)',
      Item: expect.objectContaining({ PK: `CASE#${event.caseId}`, SK: expect.stringContaining(`#${event.mentionId}#legal`) }),
    });
    expect(documents).toReceiveCommandWith(UpdateCommand, {
      Key: { PK: 'METRIC#2026-11-28', SK: 'DEPT#legal#CATEGORY#legal_risk' },
      UpdateExpression: expect.stringContaining('ADD #count :by'),
      ExpressionAttributeValues: expect.objectContaining({ ':by': 1 }),
    });
  });

  it('does not count a redelivered event again', async () => {
    documents.on(PutCommand).rejects(Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' }));

    const result = await createHandler(env)(sqsEventFactory([sqsRecordFactory(routedEnvelope(mentionRoutedFactory()))]), contextFactory());

    expect(result).toEqual({ batchItemFailures: [] });
    expect(documents).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('fails a record that is not a Mention Routed envelope and keeps the others', async () => {
    const good = sqsRecordFactory(routedEnvelope(mentionRoutedFactory()), 'good');
    const bad = sqsRecordFactory(JSON.stringify({ 'detail-type': 'Something Else', source: 'backchannel', detail: {} }), 'bad');

    const result = await createHandler(env)(sqsEventFactory([good, bad]), contextFactory());

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(documents).toHaveReceivedCommandTimes(UpdateCommand, 1);
  });
});
