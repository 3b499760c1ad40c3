import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import sinon from 'sinon';

/** A response that records what it was told: `writeHead` (chainable) and `end`. */
export function fakeResponse() {
  const fake = { writeHead: sinon.stub(), end: sinon.stub() };
  fake.writeHead.returns(fake);
  return Object.assign(fake, {
    /** The fake, typed as what the code under test takes. */
    response: fake as unknown as ServerResponse,
    /** What `end` was given, as text. */
    body: () => String(fake.end.firstCall?.args[0] ?? ''),
  });
}

/** A request whose body is `body`, already ended: a stream with the request's method, target and headers. */
export function incomingRequest(request: {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body?: Buffer | string;
}): IncomingMessage & PassThrough {
  const stream = Object.assign(new PassThrough(), { method: request.method, url: request.url, headers: request.headers });
  stream.end(request.body ?? '');
  return stream as unknown as IncomingMessage & PassThrough;
}
