import { expect } from 'chai';
import { applyConditions, functionEnvironment, functionsOf, loadTemplate, localValues, parameterValues, resolveIntrinsic, tablesOf } from 'sam-local-websocket';

describe('local values of template.yaml', () => {
  const { template, baseDir } = loadTemplate('template.yaml');
  const endpointsIn = (region: string) => ({
    region,
    dynamoDbEndpoint: 'http://db',
    managementEndpoint: 'http://gw/dev',
    apiId: 'local',
    lambdaEndpoint: 'http://gw',
  });
  const valuesIn = (region: string) => localValues(template, parameterValues(template), tablesOf(template), endpointsIn(region));

  it('resolves AWS::Partition and AWS::URLSuffix from the region, as CloudFormation does', () => {
    const host = { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region} ${AWS::URLSuffix} ${ConnectionsTable.Arn}' };
    expect(resolveIntrinsic(host, valuesIn('eu-north-1'))).to.equal(
      'arn:aws:execute-api:eu-north-1 amazonaws.com arn:aws:dynamodb:eu-north-1:000000000000:table/ConnectionsTable',
    );
    expect(resolveIntrinsic(host, valuesIn('cn-north-1'))).to.equal(
      'arn:aws-cn:execute-api:cn-north-1 amazonaws.com.cn arn:aws-cn:dynamodb:cn-north-1:000000000000:table/ConnectionsTable',
    );
    expect(resolveIntrinsic({ Ref: 'AWS::URLSuffix' }, valuesIn('eusc-de-east-1'))).to.equal('amazonaws.eu');
  });

  const shapes: [string, Record<string, string>, number][] = [
    ['AuthToken empty', {}, 4],
    ['AuthToken set', { AuthToken: 'a-token' }, 5],
    ['EnableFanOut true', { EnableFanOut: 'true' }, 5],
    ['AuthToken set, EnableFanOut true', { AuthToken: 'a-token', EnableFanOut: 'true' }, 6],
  ];
  for (const [shape, overrides, count] of shapes) {
    it(`runs only the functions, with every environment variable resolved (${shape})`, () => {
      const parameters = parameterValues(template, overrides);
      const deployed = applyConditions(template, parameters);
      const tables = tablesOf(deployed);
      const endpoints = endpointsIn('eu-north-1');
      const values = localValues(deployed, parameters, tables, endpoints);
      // The log groups are neither functions nor tables: the gateway has nothing to run for them.
      expect(tables.map((table) => table.logicalId)).to.deep.equal(['ConnectionsTable']);
      const functions = functionsOf(deployed, baseDir);
      expect(functions.map((fn) => fn.logicalId)).to.have.length(count);
      for (const fn of functions) {
        const credentials = { accessKeyId: `LOCALFN-${fn.logicalId}`, secretAccessKey: 'secret' };
        const environment = functionEnvironment(fn, values, endpoints, credentials, { [fn.logicalId]: { AWS_ACCESS_KEY_ID: 'override' } });
        expect(environment.TABLE_NAME, fn.logicalId).to.equal('ConnectionsTable');
        // Reserved on Lambda: the function's own credentials, whatever the overrides say.
        expect(environment).to.include({ AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: 'secret' });
      }
    });
  }
});
