import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { readBody } from '../../../src/shared/read-body.js';
import { rejection } from '../../helpers/rejection.js';

/** A request body stream the test writes into. */
const requestStream = () => new PassThrough();
const asRequest = (stream: PassThrough) => stream as unknown as IncomingMessage;

describe('local/read-body', () => {
  it('resolves the whole body, its chunks in order, once it ends', async () => {
    const stream = requestStream();
    const body = readBody(asRequest(stream), 100);
    stream.write('ab');
    stream.write(Buffer.from('cd'));
    stream.end('e');
    expect(((await body) as Buffer).toString()).to.equal('abcde');
  });

  it('resolves a body of one chunk as that chunk, uncopied', async () => {
    const stream = requestStream();
    const body = readBody(asRequest(stream), 100);
    const chunk = Buffer.from('hello');
    stream.end(chunk);
    expect(await body).to.equal(chunk);
  });

  it('resolves an empty body as an empty buffer', async () => {
    const stream = requestStream();
    const body = readBody(asRequest(stream), 100);
    stream.end();
    expect(await body).to.deep.equal(Buffer.alloc(0));
  });

  it('takes a body of exactly the limit', async () => {
    const stream = requestStream();
    const body = readBody(asRequest(stream), 4);
    stream.write('ab');
    stream.end('cd');
    expect(((await body) as Buffer).toString()).to.equal('abcd');
  });

  it('answers too large as soon as the bytes pass the limit, without waiting for the end, and keeps draining', async () => {
    const stream = requestStream();
    const body = readBody(asRequest(stream), 4);
    stream.write('abc');
    stream.write('de'); // 5 bytes: one past the limit; the stream never ends
    expect(await body).to.equal('too large');
    expect(stream.listenerCount('data')).to.equal(0);
    expect(stream.readableFlowing).to.equal(true);
  });

  it('counts bytes, not characters', async () => {
    const stream = requestStream();
    const body = readBody(asRequest(stream), 5);
    stream.write('äää'); // 3 characters, 6 bytes
    expect(await body).to.equal('too large');
  });

  it('rejects with the stream’s own error', async () => {
    const stream = requestStream();
    const body = readBody(asRequest(stream), 100);
    const failure = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    stream.destroy(failure);
    expect(await rejection(body)).to.equal(failure);
  });
});
