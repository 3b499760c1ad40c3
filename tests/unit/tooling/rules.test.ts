/**
 * Rules take rule functions only: the walker that `npm run check:sam` and the local gateway use
 * names any other function, and the evaluator runs the rule functions over parameter values.
 */
import { expect } from 'chai';
import { ParameterError, TemplateError } from '../../../packages/sam-local-websocket/src/errors.js';
import { checkParameters } from '../../../packages/sam-local-websocket/src/template/intrinsics.js';
import { checkRules, foreignRuleFunctions, RULE_FUNCTIONS } from '../../../packages/sam-local-websocket/src/template/rules.js';
import { loadTemplate, parameterValues, type Template } from '../../../packages/sam-local-websocket/src/template/template.js';
import { CheckFailed, checkRuleFunctions } from '../../../scripts/sam-checks.js';
import { templateCopy } from '../../helpers/template-copy.js';

/** The rule template.yaml had before issue 25: Fn::Join nested in Fn::Not/Fn::Equals, which CloudFormation refuses. */
const JOIN_RULE = {
  RuleCondition: { 'Fn::Equals': [{ Ref: 'AuthMode' }, 'jwt'] },
  Assertions: [
    { Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'JwtIssuer' }, ''] }] }, AssertDescription: 'AuthMode jwt needs JwtIssuer.' },
    { Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': [',', { Ref: 'JwtAudience' }] }, ''] }] }, AssertDescription: 'AuthMode jwt needs JwtAudience.' },
  ],
};

describe('Rules: rule functions only', () => {
  const { template } = loadTemplate('template.yaml');
  const withRule = (rule: unknown): Template => ({ ...template, Rules: { ...template.Rules, JwtModeNeedsIssuerAndAudience: rule as never } });

  it('template.yaml uses none but the rule functions', () => {
    expect(foreignRuleFunctions(template)).to.deep.equal([]);
    expect(Object.keys(template.Rules ?? {})).to.have.length.greaterThan(0);
  });

  it('names Fn::Join and where it is in the rule template.yaml had before', () => {
    expect(foreignRuleFunctions(withRule(JOIN_RULE))).to.deep.equal([
      { rule: 'JwtModeNeedsIssuerAndAudience', path: 'Rules.JwtModeNeedsIssuerAndAudience.Assertions[1].Assert.Fn::Not[0].Fn::Equals[0]', fn: 'Fn::Join' },
    ]);
  });

  it('names functions in a RuleCondition too, and takes every rule function', () => {
    const rule = { RuleCondition: { 'Fn::Equals': [{ 'Fn::Sub': '${AuthMode}' }, 'jwt'] }, Assertions: [{ Assert: { 'Fn::Equals': ['a', 'a'] } }] };
    expect(foreignRuleFunctions({ Rules: { R: rule } }).map((use) => use.fn)).to.deep.equal(['Fn::Sub']);
    const every = { Assertions: RULE_FUNCTIONS.map((fn) => ({ Assert: { [fn]: [] } })) };
    expect(foreignRuleFunctions({ Rules: { R: every } as never })).to.deep.equal([]);
  });

  it('npm run check:sam passes template.yaml and fails on a copy with that rule, naming Fn::Join', () => {
    expect(() => checkRuleFunctions('template.yaml')).to.not.throw();
    const copy = templateCopy((changed) => {
      changed.Rules!.JwtModeNeedsIssuerAndAudience = JOIN_RULE as never;
    });
    try {
      expect(() => checkRuleFunctions(copy.path)).to.throw(CheckFailed, /found Fn::Join at Rules\.JwtModeNeedsIssuerAndAudience\.Assertions\[1\]/);
    } finally {
      copy.remove();
    }
  });

  it('makes the local gateway refuse the template, as CloudFormation does', () => {
    const values = parameterValues(template);
    expect(() => checkParameters(withRule(JOIN_RULE), values)).to.throw(TemplateError, /Rules may use rule functions only.*Fn::Join at Rules\.JwtModeNeedsIssuerAndAudience/);
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
      checkRules({ ...template, Rules: { R: { Assertions: [{ Assert: assert, AssertDescription: 'no' }] } } }, parameters, (name) => name === 'IsJwt' && parameters.Mode === 'jwt');
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
