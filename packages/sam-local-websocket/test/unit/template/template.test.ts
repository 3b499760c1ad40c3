import { expect } from 'chai';
import { applyConditions, ConditionError, pseudoParameters, resolveIntrinsic, UnsupportedIntrinsicError } from '../../../src/template/intrinsics.js';
import { functionsOf, loadTemplate, tablesOf, webSocketApiOf, type Template } from '../../../src/template/template.js';
import { CHAT_APP_TEMPLATE } from '../../helpers/fixtures.js';

describe('reading a template for the local gateway', () => {
  const { template, baseDir } = loadTemplate(CHAT_APP_TEMPLATE);

  it('finds the API, its expression and each route’s function', () => {
    const api = webSocketApiOf(template);
    expect(api.routeSelectionExpression).to.equal('$request.body.action');
    expect(Object.fromEntries([...api.routes].map(([key, route]) => [key, route.functionId]))).to.deep.equal({
      $connect: 'ConnectFunction',
      $disconnect: 'DisconnectFunction',
      $default: 'DefaultFunction',
      broadcast: 'BroadcastFunction',
    });
    expect([...api.routes.values()].some((route) => route.returnsBody)).to.equal(false);
  });

  it('applies Globals to functions, the function’s own settings winning', () => {
    const functions = Object.fromEntries(functionsOf(template, baseDir).map((fn) => [fn.logicalId, fn]));
    expect(functions.ConnectFunction.timeout).to.equal(10);
    expect(functions.BroadcastFunction.timeout).to.equal(29);
    expect(functions.BroadcastFunction.environment).to.include.keys('TABLE_NAME', 'NODE_OPTIONS', 'GREETING');
    expect(functions.ConnectFunction.environment).to.not.have.property('GREETING');
    expect(functions.ConnectFunction.codeDir).to.match(/chat-app\/src$/);
  });

  it('names tables by TableName, else by logical id, SimpleTable included', () => {
    const extra: Template = {
      Resources: {
        Named: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'my-table', KeySchema: [], AttributeDefinitions: [] } },
        Simple: { Type: 'AWS::Serverless::SimpleTable' },
      },
    };
    expect(tablesOf(template).map((table) => table.tableName)).to.deep.equal(['ConnectionsTable']);
    expect(tablesOf(extra)).to.deep.equal([
      { logicalId: 'Named', tableName: 'my-table', keySchema: [], attributeDefinitions: [] },
      {
        logicalId: 'Simple',
        tableName: 'Simple',
        keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      },
    ]);
  });
});

describe('resolveIntrinsic', () => {
  const values = {
    refs: { StageName: 'dev', ConnectionsTable: 'ConnectionsTable', 'AWS::Region': 'us-east-1' },
    getAtt: (id: string, attribute: string) => `${id}/${attribute}`,
  };
  it('resolves Ref, GetAtt, Sub, Join and Select', () => {
    expect(resolveIntrinsic({ Ref: 'StageName' }, values)).to.equal('dev');
    expect(resolveIntrinsic({ 'Fn::GetAtt': ['ConnectionsTable', 'Arn'] }, values)).to.equal('ConnectionsTable/Arn');
    expect(resolveIntrinsic({ 'Fn::Sub': '${AWS::Region}-${StageName}-${ConnectionsTable.Arn}' }, values)).to.equal('us-east-1-dev-ConnectionsTable/Arn');
    expect(resolveIntrinsic({ 'Fn::Sub': ['${A}-${StageName}', { A: { Ref: 'StageName' } }] }, values)).to.equal('dev-dev');
    expect(resolveIntrinsic({ 'Fn::Join': ['/', ['a', { Ref: 'StageName' }]] }, values)).to.equal('a/dev');
    expect(resolveIntrinsic({ 'Fn::Select': [1, ['a', 'b']] }, values)).to.equal('b');
    expect(resolveIntrinsic(25, values)).to.equal('25');
  });

  it('joins and selects from a Ref to a CommaDelimitedList parameter', () => {
    const lists = { ...values, refs: { ...values.refs, JwtAudience: 'app-1,app-2' } };
    expect(resolveIntrinsic({ 'Fn::Join': [' ', { Ref: 'JwtAudience' }] }, lists)).to.equal('app-1 app-2');
    expect(resolveIntrinsic({ 'Fn::Select': [1, { Ref: 'JwtAudience' }] }, lists)).to.equal('app-2');
  });

  it('says clearly what it cannot resolve', () => {
    expect(() => resolveIntrinsic({ Ref: 'Nope' }, values)).to.throw(UnsupportedIntrinsicError, /Nope/);
    expect(() => resolveIntrinsic({ 'Fn::ImportValue': 'x' }, values)).to.throw(UnsupportedIntrinsicError, /ImportValue/);
  });
});

describe('the one intrinsic and condition evaluator', () => {
  const values = { refs: pseudoParameters('eu-north-1'), getAtt: () => 'arn' };

  it('knows the pseudo parameters in Ref and !Sub', () => {
    expect(resolveIntrinsic({ Ref: 'AWS::Partition' }, values)).to.equal('aws');
    expect(resolveIntrinsic({ 'Fn::Sub': 'execute-api.${AWS::Region}.${AWS::URLSuffix}' }, values)).to.equal('execute-api.eu-north-1.amazonaws.com');
    expect(resolveIntrinsic({ Ref: 'AWS::AccountId' }, values)).to.equal('000000000000');
    expect(resolveIntrinsic({ Ref: 'AWS::StackName' }, values)).to.equal('local');
  });

  it('writes ${!Literal} as ${Literal}, as CloudFormation does', () => {
    expect(resolveIntrinsic({ 'Fn::Sub': 'x-${!Literal}-${AWS::Region}' }, values)).to.equal('x-${Literal}-eu-north-1');
  });

  it('evaluates a condition on a pseudo parameter, and nested And/Or/Not/Condition', () => {
    const template: Template = {
      Conditions: {
        InEurope: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-north-1'] },
        NotUs: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }] },
        Both: { 'Fn::And': [{ Condition: 'InEurope' }, { Condition: 'NotUs' }] },
        Either: { 'Fn::Or': [{ 'Fn::Equals': ['a', 'b'] }, { Condition: 'Both' }] },
      },
      Resources: {
        Kept: { Type: 'AWS::SNS::Topic', Condition: 'Either', Properties: { Name: { 'Fn::If': ['InEurope', 'eu', 'us'] }, Gone: { Ref: 'AWS::NoValue' } } },
        Dropped: { Type: 'AWS::SNS::Topic', Condition: 'InEuropeNot' },
      },
    };
    template.Conditions!.InEuropeNot = { 'Fn::Not': [{ Condition: 'InEurope' }] };
    const applied = applyConditions(template, { ...pseudoParameters('eu-north-1') });
    expect(Object.keys(applied.Resources)).to.deep.equal(['Kept']);
    expect(applied.Resources.Kept.Properties).to.deep.equal({ Name: 'eu' });
    expect(() => applyConditions(template, {})).to.throw(ConditionError, /AWS::Region/);
  });
});
