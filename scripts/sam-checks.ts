/**
 * The checks of `npm run check:sam` (scripts/check-sam.ts) that read the template and need no
 * tool: in their own module so that tests run them on templates of their own.
 */
import { describeForeignFunctions, foreignRuleFunctions, loadTemplate, RULE_FUNCTIONS } from 'sam-local-websocket';

/** A check did not pass: its message says what and where. */
export class CheckFailed extends Error {
  override name = 'CheckFailed' as const;
}

/**
 * CloudFormation evaluates `Rules` with the rule functions alone and refuses a template whose
 * rules use any other (`Fn::Join`, `Fn::Sub`, ...), which cfn-lint does not report: every
 * expression of every rule is walked, and any other function is named with its place.
 */
export function checkRuleFunctions(templatePath: string): void {
  const { template } = loadTemplate(templatePath);
  const foreign = foreignRuleFunctions(template);
  if (foreign.length > 0) {
    throw new CheckFailed(`${templatePath}: Rules may use only ${RULE_FUNCTIONS.join(', ')}; found ${describeForeignFunctions(foreign)}`);
  }
}
