/**
 * Rules take rule functions only: template.yaml's Rules pass the twin's walker, `npm run check:sam`
 * names any other function, and the local gateway refuses a template with one, as CloudFormation does.
 */
import { expect } from 'chai';
import { checkParameters, foreignRuleFunctions, loadTemplate, parameterValues, TemplateError, type Template } from 'sam-local-websocket';
import { CheckFailed, checkRuleFunctions } from '../../scripts/sam-checks.js';
import { templateCopy } from '../helpers/template-copy.js';

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
    expect(() => checkParameters(withRule(JOIN_RULE), values)).to.throw(
      TemplateError,
      /Rules may use rule functions only.*Fn::Join at Rules\.JwtModeNeedsIssuerAndAudience/,
    );
  });
});
