import sinon from 'sinon';

/** Captures the JSON log lines the shared logger writes, instead of printing them. */
export function captureLogs(): { lines: () => Record<string, any>[]; restore: () => void } {
  const stubs = (['info', 'warn', 'error'] as const).map((level) => sinon.stub(console, level));
  return {
    lines: () => stubs.flatMap((stub) => stub.getCalls().map((call) => JSON.parse(String(call.args[0])))),
    restore: () => stubs.forEach((stub) => stub.restore()),
  };
}
