import { expect } from 'chai';
import { BuildError, ConditionError, FunctionNotRunningError, LocalError, OptionError, TemplateError, UnsupportedIntrinsicError } from '../../src/errors.js';

describe('local errors', () => {
  it('each has its own stable name and code, is a LocalError, and keeps its cause', () => {
    const cause = new Error('underneath');
    const errors = [TemplateError, UnsupportedIntrinsicError, ConditionError, BuildError, OptionError, FunctionNotRunningError].map(
      (Class) => new Class('what happened', { cause }),
    );
    expect(errors.map((error) => [error.name, error.code])).to.deep.equal([
      ['TemplateError', 'template_invalid'],
      ['UnsupportedIntrinsicError', 'unsupported_intrinsic'],
      ['ConditionError', 'condition_invalid'],
      ['BuildError', 'build_failed'],
      ['OptionError', 'option_invalid'],
      ['FunctionNotRunningError', 'function_not_running'],
    ]);
    for (const error of errors) {
      expect(error).to.be.instanceOf(LocalError).and.instanceOf(Error);
      expect(error.cause).to.equal(cause);
      expect(error.message).to.equal('what happened');
    }
  });
});
