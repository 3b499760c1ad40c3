/**
 * Rules take rule functions only: the walker names any other function (the gateway refuses such a
 * template, as CloudFormation does), and the evaluator runs the rule functions over parameter values.
 */
import { expect } from 'chai';
import { ParameterError, TemplateError } from '../../../src/errors.js';
import { checkRules, foreignRuleFunctions, RULE_FUNCTIONS } from '../../../src/template/rules.js';
import type { Template } from '../../../src/template/template.js';

describe('Rules: the walker', () => {
  it('names functions in a RuleCondition too, and takes every rule function', () => {
    const rule = { RuleCondition: { 'Fn::Equals': [{ 'Fn::Sub': '${AuthMode}' }, 'jwt'] }, Assertions: [{ Assert: { 'Fn::Equals': ['a', 'a'] } }] };
    expect(foreignRuleFunctions({ Rules: { R: rule } }).map((use) => use.fn)).to.deep.equal(['Fn::Sub']);
    const every = { Assertions: RULE_FUNCTIONS.map((fn) => ({ Assert: { [fn]: [] } })) };
    expect(foreignRuleFunctions({ Rules: { R: every } as never })).to.deep.equal([]);
  });
});

describe('Rules: the rule functions, evaluated', () => {
  const template: Template = {
    Parameters: { List: { Type: 'CommaDelimitedList' }, Mode: { Type: 'String' } },
    Conditions: { IsJwt: { 'Fn::Equals': [{ Ref: 'Mode' }, 'jwt'] } },
    Resources: {},
  };
  const holds = (assert: unknown, parameters: Record<string, string>) => {
    try {
      checkRules(
        { ...template, Rules: { R: { Assertions: [{ Assert: assert, AssertDescription: 'no' }] } } },
        parameters,
        (name) => name === 'IsJwt' && parameters.Mode === 'jwt',
      );
      return true;
    } catch (error) {
      if (error instanceof ParameterError) return false;
      throw error;
    }
  };
  const notAllEmpty = { 'Fn::Not': [{ 'Fn::EachMemberEquals': [{ Ref: 'List' }, ''] }] };

  const lists: [string, boolean][] = [
    ['', false],
    [',', false],
    ['app-1', true],
    ['app-1,app-2', true],
    ['app-1,', true],
  ];
  for (const [value, expected] of lists) {
    it(`!Not [!EachMemberEquals [!Ref List, '']] is ${expected} for "${value}"`, () => {
      expect(holds(notAllEmpty, { List: value, Mode: 'x' })).to.equal(expected);
    });
  }

  it('Fn::Contains, Fn::EachMemberIn, Fn::If, Fn::And and Fn::Or as documented', () => {
    const p = { List: 'a,b', Mode: 'jwt' };
    expect(holds({ 'Fn::Contains': [{ Ref: 'List' }, 'b'] }, p)).to.equal(true);
    expect(holds({ 'Fn::Contains': [['x', 'y'], { Ref: 'Mode' }] }, p)).to.equal(false);
    expect(holds({ 'Fn::EachMemberIn': [{ Ref: 'List' }, ['a', 'b', 'c']] }, p)).to.equal(true);
    expect(holds({ 'Fn::EachMemberIn': [{ Ref: 'List' }, ['a']] }, p)).to.equal(false);
    expect(holds({ 'Fn::Equals': [{ 'Fn::If': ['IsJwt', 'yes', 'no'] }, 'yes'] }, p)).to.equal(true);
    expect(holds({ 'Fn::And': [{ 'Fn::Equals': ['a', 'a'] }, { 'Fn::Equals': ['a', 'b'] }] }, p)).to.equal(false);
    expect(holds({ 'Fn::Or': [{ 'Fn::Equals': ['a', 'a'] }, { 'Fn::Equals': ['a', 'b'] }] }, p)).to.equal(true);
  });

  it('says what it cannot evaluate locally (Fn::ValueOf reads the account)', () => {
    expect(() => holds({ 'Fn::ValueOf': ['Subnet', 'VpcId'] }, { List: '', Mode: '' })).to.throw(TemplateError, /Fn::ValueOf/);
  });
});
