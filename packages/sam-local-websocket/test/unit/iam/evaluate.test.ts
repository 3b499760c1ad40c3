import { expect } from 'chai';
import { PolicyEvaluator, type PolicyStatement } from '../../../src/iam/evaluate.js';

const evaluator = new PolicyEvaluator();
const wildcardMatch = (pattern: string, value: string, ignoreCase?: boolean) => evaluator.matches(pattern, value, ignoreCase);
const evaluate = (statements: readonly PolicyStatement[], action: string, resource: string) => evaluator.evaluate(statements, action, resource);

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/Connections';

describe('local/iam/evaluate', () => {
  describe('wildcardMatch', () => {
    it('matches * to any run of characters, across : and /', () => {
      expect(wildcardMatch('arn:aws:dynamodb:*:*:table/*', `${TABLE}/index/byUser`)).to.equal(true);
      expect(wildcardMatch('*', '')).to.equal(true);
      expect(wildcardMatch('arn:aws:dynamodb:*:table/Other', TABLE)).to.equal(false);
    });

    it('matches ? to exactly one character', () => {
      expect(wildcardMatch('dynamodb:?utItem', 'dynamodb:PutItem')).to.equal(true);
      expect(wildcardMatch('dynamodb:?utItem', 'dynamodb:utItem')).to.equal(false);
      expect(wildcardMatch('dynamodb:?utItem', 'dynamodb:PPutItem')).to.equal(false);
    });

    it('takes every other character literally (dots, brackets, dollars)', () => {
      expect(wildcardMatch('a.c', 'abc')).to.equal(false);
      expect(wildcardMatch('$connect(1)[x]', '$connect(1)[x]')).to.equal(true);
    });

    it('ignores case only when asked (actions), never for resources', () => {
      expect(wildcardMatch('DynamoDB:scan', 'dynamodb:Scan', true)).to.equal(true);
      expect(wildcardMatch(TABLE.toLowerCase(), TABLE)).to.equal(false);
    });

    it('answers the same pattern the same way each time, with and without case, once compiled', () => {
      // The compiled pattern is reused: the second call of each must still see its own flags.
      for (let round = 0; round < 2; round++) {
        expect(wildcardMatch('DynamoDB:*', 'dynamodb:Scan', true)).to.equal(true);
        expect(wildcardMatch('DynamoDB:*', 'dynamodb:Scan')).to.equal(false);
        expect(wildcardMatch('DynamoDB:*', 'DynamoDB:Scan')).to.equal(true);
        expect(wildcardMatch('DynamoDB:*', 'dynamodb:scan', true)).to.equal(true);
      }
    });
  });

  describe('evaluate', () => {
    const allow = (actions: string[], resources: string[]): PolicyStatement => ({ effect: 'Allow', actions, resources });
    const deny = (actions: string[], resources: string[]): PolicyStatement => ({ effect: 'Deny', actions, resources });

    it('denies implicitly when nothing matches, including with no statements', () => {
      expect(evaluate([], 'dynamodb:Scan', TABLE)).to.equal('implicitDeny');
      expect(evaluate([allow(['dynamodb:PutItem'], [TABLE])], 'dynamodb:Scan', TABLE)).to.equal('implicitDeny');
      expect(evaluate([allow(['dynamodb:Scan'], [`${TABLE}2`])], 'dynamodb:Scan', TABLE)).to.equal('implicitDeny');
    });

    it('allows when an Allow matches both action and resource', () => {
      expect(evaluate([allow(['dynamodb:PutItem', 'dynamodb:Scan'], ['x', TABLE])], 'dynamodb:Scan', TABLE)).to.equal('allowed');
    });

    it('lets an explicit Deny win over any Allow, whatever the order', () => {
      const statements = [allow(['dynamodb:*'], ['*']), deny(['dynamodb:DeleteItem'], [TABLE]), allow(['dynamodb:DeleteItem'], [TABLE])];
      expect(evaluate(statements, 'dynamodb:DeleteItem', TABLE)).to.equal('explicitDeny');
      expect(evaluate(statements, 'dynamodb:GetItem', TABLE)).to.equal('allowed');
    });

    it('ignores a Deny that does not match', () => {
      expect(evaluate([allow(['*'], ['*']), deny(['dynamodb:Scan'], [`${TABLE}/index/*`])], 'dynamodb:Scan', TABLE)).to.equal('allowed');
    });
  });
});
