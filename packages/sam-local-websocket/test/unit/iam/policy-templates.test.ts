import { expect } from 'chai';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import { SAM_POLICY_TEMPLATES } from '../../../src/iam/policy-templates.js';
import { pseudoParameters, resolveIntrinsic } from '../../../src/template/intrinsics.js';

type RawStatement = { Effect: string; Action: string[]; Resource: unknown };

/** What a policy template grants with its one parameter set to `value`, in cn-north-1 (partition aws-cn). */
function granted(name: string, value: string) {
  const { parameters, definition } = SAM_POLICY_TEMPLATES[name];
  const values = {
    refs: { ...pseudoParameters('cn-north-1'), [parameters[0]]: value },
    getAtt: () => expect.fail('a policy template reads no attribute'),
  };
  return (definition.Statement as RawStatement[]).map((statement) => ({
    effect: statement.Effect,
    actions: statement.Action,
    resources: [statement.Resource].flat().map((resource) => resolveIntrinsic(resource, values)),
  }));
}

/** Every `Ref` name in a definition. */
const refsIn = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap(refsIn)
    : value && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, inner]) => (key === 'Ref' ? [String(inner)] : refsIn(inner)))
      : [];

const TABLE = 'arn:aws-cn:dynamodb:cn-north-1:000000000000:table/Connections';

describe('local/iam/policy-templates', () => {
  it('DynamoDBReadPolicy grants reading the table and its indexes, nothing that writes', () => {
    expect(granted('DynamoDBReadPolicy', 'Connections')).to.deep.equal([
      {
        effect: 'Allow',
        actions: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'],
        resources: [TABLE, `${TABLE}/index/*`],
      },
    ]);
  });

  it('DynamoDBWritePolicy grants writing, never reading or deleting', () => {
    expect(granted('DynamoDBWritePolicy', 'Connections')).to.deep.equal([
      { effect: 'Allow', actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], resources: [TABLE, `${TABLE}/index/*`] },
    ]);
  });

  it('DynamoDBCrudPolicy grants reading, writing, deleting and condition checks', () => {
    const [statement] = granted('DynamoDBCrudPolicy', 'Connections');
    const readAndWrite = [...granted('DynamoDBReadPolicy', 'T')[0].actions, ...granted('DynamoDBWritePolicy', 'T')[0].actions];
    expect([...statement.actions].sort()).to.deep.equal([...readAndWrite, 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'].sort());
    expect(statement.resources).to.deep.equal([TABLE, `${TABLE}/index/*`]);
  });

  it('LambdaInvokePolicy grants invoking the function, its versions and aliases', () => {
    expect(granted('LambdaInvokePolicy', 'Worker')).to.deep.equal([
      { effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: ['arn:aws-cn:lambda:cn-north-1:000000000000:function:Worker*'] },
    ]);
  });

  it('each template declares exactly the parameters its definition refers to', () => {
    for (const [name, { parameters, definition }] of Object.entries(SAM_POLICY_TEMPLATES)) {
      expect([...new Set(refsIn(definition))].sort(), name).to.deep.equal([...parameters].sort());
    }
  });

  it('every DynamoDB action names an operation of DynamoDB’s API (a command of the SDK client), or IAM’s ConditionCheckItem', () => {
    const actions = Object.values(SAM_POLICY_TEMPLATES).flatMap(({ definition }) =>
      (definition.Statement as RawStatement[]).flatMap((statement) => statement.Action),
    );
    // ConditionCheckItem is IAM's action for a TransactWriteItems condition check: no API of its own.
    for (const action of actions.filter((name) => name.startsWith('dynamodb:') && name !== 'dynamodb:ConditionCheckItem')) {
      expect(dynamodb, action).to.have.property(`${action.slice('dynamodb:'.length)}Command`);
    }
  });
});
