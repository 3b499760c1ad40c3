import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { captureLogs } from './logs.js';

/** The SDK clients, mocked for a `describe` block, and the log lines captured per test. */
export interface MockedSdk {
  dynamo: AwsClientStub<DynamoDBClient>;
  api: AwsClientStub<ApiGatewayManagementApiClient>;
  logs: ReturnType<typeof captureLogs>;
}

/**
 * Mocks both SDK clients for the enclosing `describe` (reset after each test, restored
 * after the block) and captures the logger's lines during each test.
 */
export function mockSdk(): MockedSdk {
  const sdk = {} as MockedSdk;
  before(() => {
    sdk.dynamo = mockClient(DynamoDBClient);
    sdk.api = mockClient(ApiGatewayManagementApiClient);
  });
  beforeEach(() => (sdk.logs = captureLogs()));
  afterEach(() => {
    sdk.dynamo.reset();
    sdk.api.reset();
    sdk.logs.restore();
  });
  after(() => {
    sdk.dynamo.restore();
    sdk.api.restore();
  });
  return sdk;
}
