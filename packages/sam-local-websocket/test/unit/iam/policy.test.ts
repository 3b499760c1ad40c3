import { expect } from 'chai';
import { pseudoParameters, type LocalValues } from '../../../src/template/intrinsics.js';
import { functionPolicy } from '../../../src/iam/policy.js';
import type { Template } from '../../../src/template/template.js';

const values: LocalValues = {
  refs: { ...pseudoParameters('eu-north-1'), Table: 'Connections', StageName: 'dev', Api: 'local' },
  getAtt: (logicalId, attribute) => {
    if (logicalId === 'Table' && attribute === 'Arn') return 'arn:aws:dynamodb:eu-north-1:000000000000:table/Connections';
    throw new Error(`!GetAtt ${logicalId}.${attribute} has no local value`);
  },
};
const TABLE = 'arn:aws:dynamodb:eu-north-1:000000000000:table/Connections';
const withPolicies = (Policies: unknown, extra: Record<string, unknown> = {}): Template => ({
  Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { Policies, ...extra } } },
});

describe('local/iam/policy', () => {
  it('reads inline statements, resolving !GetAtt and !Sub with pseudo parameters', () => {
    const policy = functionPolicy(
      withPolicies([
        {
          Statement: [
            { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } },
            {
              Effect: 'Deny',
              Action: ['execute-api:ManageConnections'],
              Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/${StageName}/GET/@connections/*' },
            },
          ],
        },
      ]),
      'Fn',
      values,
    );
    expect(policy).to.deep.equal({
      statements: [
        { effect: 'Allow', actions: ['dynamodb:PutItem'], resources: [TABLE] },
        { effect: 'Deny', actions: ['execute-api:ManageConnections'], resources: ['arn:aws:execute-api:eu-north-1:000000000000:local/dev/GET/@connections/*'] },
      ],
      warnings: [],
    });
  });

  it('expands DynamoDBCrudPolicy with SAM’s own action list, on the table and its indexes', () => {
    const { statements, warnings } = functionPolicy(withPolicies([{ DynamoDBCrudPolicy: { TableName: { Ref: 'Table' } } }]), 'Fn', values);
    expect(warnings).to.deep.equal([]);
    expect(statements).to.deep.equal([
      {
        effect: 'Allow',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:DeleteItem',
          'dynamodb:PutItem',
          'dynamodb:Scan',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:BatchGetItem',
          'dynamodb:DescribeTable',
          'dynamodb:ConditionCheckItem',
        ],
        resources: [TABLE, `${TABLE}/index/*`],
      },
    ]);
  });

  it('expands DynamoDBReadPolicy, DynamoDBWritePolicy and LambdaInvokePolicy', () => {
    const { statements, warnings } = functionPolicy(
      withPolicies([
        { DynamoDBReadPolicy: { TableName: 'T' } },
        { DynamoDBWritePolicy: { TableName: 'T' } },
        { LambdaInvokePolicy: { FunctionName: 'worker' } },
      ]),
      'Fn',
      values,
    );
    expect(warnings).to.deep.equal([]);
    expect(statements.map((statement) => statement.actions)).to.deep.equal([
      ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'],
      ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
      ['lambda:InvokeFunction'],
    ]);
    expect(statements[2].resources).to.deep.equal(['arn:aws:lambda:eu-north-1:000000000000:function:worker*']);
  });

  it('takes a single policy as well as a list', () => {
    expect(functionPolicy(withPolicies({ DynamoDBReadPolicy: { TableName: 'T' } }), 'Fn', values).statements).to.have.length(1);
    expect(functionPolicy(withPolicies(undefined), 'Fn', values)).to.deep.equal({ statements: [], warnings: [] });
  });

  it('grants nothing, with a warning naming it, for what it cannot apply', () => {
    const { statements, warnings } = functionPolicy(
      withPolicies([
        { SQSPollerPolicy: { QueueName: 'q' } },
        'AWSLambdaBasicExecutionRole',
        { Ref: 'SomeManagedPolicy' },
        { DynamoDBCrudPolicy: {} },
        { DynamoDBCrudPolicy: { TableName: { 'Fn::GetAtt': ['Table', 'StreamArn'] } } },
        {
          Statement: [
            { Effect: 'Allow', Action: 'dynamodb:Scan', Resource: TABLE, Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
            { Effect: 'Allow', NotAction: 'dynamodb:Scan', Resource: TABLE },
            { Effect: 'Maybe', Action: 'dynamodb:Scan', Resource: TABLE },
            { Effect: 'Allow', Action: 'dynamodb:Scan' },
            { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE },
          ],
        },
      ]),
      'Fn',
      values,
    );
    expect(statements).to.deep.equal([{ effect: 'Allow', actions: ['dynamodb:GetItem'], resources: [TABLE] }]);
    expect(warnings).to.have.length(9);
    expect(warnings[0]).to.match(/^Fn Policies\[0\]: policy template SQSPollerPolicy is not emulated locally and grants nothing/);
    expect(warnings[1]).to.match(/managed policy "AWSLambdaBasicExecutionRole"/);
    expect(warnings[2]).to.match(/managed policy \{"Ref":"SomeManagedPolicy"\}/);
    expect(warnings[3]).to.match(/DynamoDBCrudPolicy needs TableName/);
    expect(warnings[4]).to.match(/StreamArn has no local value/);
    expect(warnings[5]).to.match(/statement 1 grants nothing locally: Condition is not emulated/);
    expect(warnings[6]).to.match(/statement 2 .*NotAction is not emulated/);
    expect(warnings[7]).to.match(/statement 3 .*neither Allow nor Deny/);
    expect(warnings[8]).to.match(/statement 4 .*no Action or no Resource/);
  });

  it('refuses, rather than ignores, an element IAM does not know (a misspelt Actions, an unknown key), as IAM refuses the policy', () => {
    const { statements, warnings } = functionPolicy(
      withPolicies([
        {
          Statement: [
            { Effect: 'Allow', Actions: 'dynamodb:Scan', Action: 'dynamodb:GetItem', Resource: TABLE },
            { Sid: 'ok', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE },
          ],
        },
        { Version: '2012-10-17', Statements: [], Statement: [{ Effect: 'Allow', Action: 'dynamodb:Scan', Resource: TABLE }] },
      ]),
      'Fn',
      values,
    );
    expect(statements).to.deep.equal([{ effect: 'Allow', actions: ['dynamodb:GetItem'], resources: [TABLE] }]);
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.match(
      /statement 1 grants nothing locally: Actions is no element of an IAM policy statement \(IAM refuses it: MalformedPolicyDocument\)/,
    );
    expect(warnings[1]).to.match(/Policies\[1\] grants nothing locally: Statements is no element of an IAM policy/);
  });

  it('grants nothing to a function whose Role is not one of the template, and says so', () => {
    const policy = functionPolicy(withPolicies([{ DynamoDBReadPolicy: { TableName: 'T' } }], { Role: 'arn:aws:iam::1:role/x' }), 'Fn', values);
    expect(policy.statements).to.deep.equal([]);
    expect(policy.warnings[0]).to.match(/Role is not an AWS::IAM::Role of this template; the function is granted nothing/);
  });

  it("grants a function its template Role's inline policies and attached AWS::IAM::Policy; managed ARNs are warned", () => {
    const statement = (Action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } }] });
    const template: Template = {
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] } } },
        FnRole: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [{ PolicyName: 'p', PolicyDocument: statement('dynamodb:PutItem') }],
            ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess'],
          },
        },
        Extra: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'FnRole' }], PolicyDocument: statement('dynamodb:Scan') } },
      },
    };
    const policy = functionPolicy(template, 'Fn', values);
    expect(policy.statements).to.deep.equal([
      { effect: 'Allow', actions: ['dynamodb:PutItem'], resources: [TABLE] },
      { effect: 'Allow', actions: ['dynamodb:Scan'], resources: [TABLE] },
    ]);
    expect(policy.warnings).to.deep.equal([
      'Fn Role FnRole: managed policy arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess is not emulated locally and grants nothing',
    ]);
  });
});
