import sinon from 'sinon';

type Write = typeof process.stdout.write;

/** A JSON object line, or undefined for anything else (e.g. the test reporter's output). */
function jsonObject(line: string): Record<string, any> | undefined {
  try {
    const value = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Captures the JSON lines the functions write to stdout and stderr (Powertools' logger and
 * EMF metrics write there through their own `Console`) as parsed objects, instead of
 * printing them. Anything that is not a JSON object line is passed through.
 */
export function captureLogs(): { lines: () => Record<string, any>[]; metrics: () => Record<string, any>[]; restore: () => void } {
  const captured: Record<string, any>[] = [];
  const stubs = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream) as Write;
    return sinon.stub(stream, 'write').callsFake(((chunk: unknown, ...rest: unknown[]) => {
      const text = String(chunk);
      const objects = text
        .split('\n')
        .filter((line) => line !== '')
        .map(jsonObject);
      if (objects.length === 0 || objects.some((object) => object === undefined)) return (original as any)(chunk, ...rest);
      captured.push(...(objects as Record<string, any>[]));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as Write);
  });
  const isMetrics = (line: Record<string, any>) => line._aws?.CloudWatchMetrics !== undefined;
  return {
    /** Log lines (EMF metric lines left out). */
    lines: () => captured.filter((line) => !isMetrics(line)),
    /** EMF metric lines. */
    metrics: () => captured.filter(isMetrics),
    restore: () => {
      for (const stub of stubs) stub.restore();
    },
  };
}
