import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type LocalAwsClients, signedPost, startLocalAwsWithClients } from '../../helpers/local-aws';

let local: LocalAwsClients;

beforeAll(async () => {
  local = await startLocalAwsWithClients();
});
afterAll(() => local.stop());

async function post(target: string | undefined, body: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
  if (target !== undefined) headers['x-amz-target'] = target;
  const res = await signedPost(local.eventBridge, local.aws.endpoint, headers, body);
  return { status: res.status, body: (await res.json()) as { __type?: string; message?: string } };
}

describe('the local AWS endpoint', () => {
  test('an unknown operation is an AWS-shaped 400 and the server keeps running', async () => {
    expect(await post('AWSEvents.LaunchRockets', '{}')).toEqual({
      status: 400,
      body: { __type: 'UnknownOperationException', message: 'Unknown operation AWSEvents.LaunchRockets' },
    });
    expect((await post(undefined, '{}')).body.__type).toBe('UnknownOperationException');
    expect((await post('AWSEvents.ListRules', '{nope')).body.__type).toBe('SerializationException');
    expect((await post('AWSEvents.ListRules', '[1]')).body.__type).toBe('SerializationException');
    const res = await fetch(local.aws.endpoint, { method: 'GET' });
    expect(res.status).toBe(400);
  });

  test('DynamoDB answers behind the same endpoint (dynalite), conditional writes included', async () => {
    await local.dynamo.send(
      new CreateTableCommand({
        TableName: 'pipewatch-test',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const put = (value: string) =>
      local.dynamo.send(
        new PutItemCommand({
          TableName: 'pipewatch-test',
          Item: { pk: { S: 'event-1' }, value: { S: value } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await put('first');
    await expect(put('second')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const item = await local.dynamo.send(
      new GetItemCommand({ TableName: 'pipewatch-test', Key: { pk: { S: 'event-1' } } }),
    );
    expect(item.Item?.value).toEqual({ S: 'first' });
  });
});
