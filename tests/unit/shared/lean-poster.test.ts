import {
  ApiGatewayManagementApiClient,
  ForbiddenException,
  GoneException,
  LimitExceededException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { HttpRequest } from '@smithy/core/protocols';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { expect } from 'chai';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sinon from 'sinon';
import { LeanPoster, type LeanPosterOptions } from '../../../functions/shared/lean-poster.js';
import { fanOut } from '../../../functions/shared/fan-out.js';
import { isGone } from '../../../functions/shared/management.js';
import { captureLogs } from '../../helpers/logs.js';

const REGION = 'eu-north-1';
const CREDENTIALS = { accessKeyId: 'AKIDLEANPOSTERTEST', secretAccessKey: 'lean-poster-secret', sessionToken: 'lean-poster-session' };
const FIXED_NOW = Date.UTC(2026, 10, 29, 21, 30, 15);
/** Headers the SDK client adds for its own telemetry; the lean poster does not send them. */
const SDK_TELEMETRY_HEADERS = ['user-agent', 'x-amz-user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request'];
/** Connection ids API Gateway uses (base64 with `=`), and odd ones that must be escaped as the SDK escapes them. */
const ODD_IDS = ['BFHPhfCWIAMCKlQ=', 'a+b/c=', 'sp ace?#&%', "é~!*'()", 'x/../y', '%2F', '@connections'];

interface Captured {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

type Answer = (res: ServerResponse, attempt: number, req: IncomingMessage) => void;

/** A local HTTP server on port 0 that records every request and answers with `answer`. */
async function captureServer(answer: Answer = (res) => res.end()) {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      // The server's clock is the (possibly fake) clock of the test: both clients correct theirs to it.
      res.sendDate = false;
      res.setHeader('date', new Date().toUTCString());
      answer(res, requests.length, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
  return {
    endpoint,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Lets real I/O run while fake time moves on in small steps, until `promise` settles. */
async function settle<T>(clock: sinon.SinonFakeTimers, promise: Promise<T>, stepMs = 10): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    await clock.tickAsync(stepMs);
  }
  return promise;
}

/** Recomputes the SigV4 signature of a captured request with `@smithy/signature-v4` and compares. */
async function verifies(request: Captured, credentials: AwsCredentialIdentity): Promise<boolean> {
  // The payload hash is recomputed from the body, as a verifier must, not taken from the header.
  const { authorization, connection: _connection, 'x-amz-content-sha256': payloadHash, ...headers } = request.headers;
  const amzDate = headers['x-amz-date'];
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`);
  const [hostname, port] = headers.host.split(':');
  const signer = new SignatureV4({ service: 'execute-api', region: REGION, credentials, sha256: Sha256 });
  const expected = await signer.sign(
    new HttpRequest({ method: request.method, protocol: 'http:', hostname, port: Number(port), path: request.url, headers, body: request.body }),
    {
      signingDate,
    },
  );
  return expected.headers.authorization === authorization && expected.headers['x-amz-content-sha256'] === payloadHash;
}

describe('LeanPoster', () => {
  const posters: LeanPoster[] = [];
  const closers: (() => Promise<void>)[] = [];
  let clock: sinon.SinonFakeTimers | undefined;

  const poster = (options: Partial<LeanPosterOptions> & { endpoint: string }) => {
    const made = new LeanPoster({ region: REGION, credentials: async () => CREDENTIALS, ...options });
    posters.push(made);
    return made;
  };
  const server = async (answer?: Answer) => {
    const made = await captureServer(answer);
    closers.push(made.close);
    return made;
  };
  const fakeTime = (toFake: ('Date' | 'setTimeout' | 'clearTimeout')[] = ['Date', 'setTimeout', 'clearTimeout']) =>
    (clock = sinon.useFakeTimers({ now: FIXED_NOW, toFake }));

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    for (const made of posters.splice(0)) made.destroy();
    for (const close of closers.splice(0)) await close();
  });

  describe('sends the request the SDK client sends', () => {
    const sdkClient = (endpoint: string, withoutTelemetry: boolean, credentials: AwsCredentialIdentity = CREDENTIALS) => {
      const client = new ApiGatewayManagementApiClient({ endpoint, region: REGION, credentials });
      if (withoutTelemetry) {
        // Removed before signing, so the SDK signs exactly the headers the lean poster sends.
        client.middlewareStack.addRelativeTo(
          ((next: (args: { request: HttpRequest }) => Promise<unknown>) => async (args: { request: HttpRequest }) => {
            for (const name of SDK_TELEMETRY_HEADERS) delete args.request.headers[name];
            return next(args);
          }) as never,
          { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'dropTelemetryHeaders' } as never,
        );
      }
      return client;
    };

    for (const credentials of [CREDENTIALS, { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.secretAccessKey }]) {
      const what = 'sessionToken' in credentials ? 'with a session token' : 'without a session token';
      it(`for odd connection ids and binary data, ${what}, at a fixed clock`, async () => {
        const capture = await server();
        fakeTime(['Date']);
        const sdk = sdkClient(capture.endpoint, false, credentials);
        const sdkBare = sdkClient(capture.endpoint, true, credentials);
        const lean = poster({ endpoint: capture.endpoint, credentials: async () => credentials });
        const data = Buffer.from([0, 1, 2, 0xff, 0x7b, 0x22]);
        try {
          for (const id of ODD_IDS) {
            await settle(clock!, sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: data })));
            await settle(clock!, sdkBare.send(new PostToConnectionCommand({ ConnectionId: id, Data: data })));
            await settle(clock!, lean.post(id, data));
            const [fromSdk, fromSdkBare, fromLean] = capture.requests.splice(0);

            // Identical to the SDK's signed request, header for header, once its telemetry headers are left out.
            expect(fromLean).to.deep.equal(fromSdkBare);
            expect(fromLean.url).to.equal(`/dev/@connections/${fromSdk.url.split('/').pop()}`);
            expect(fromLean.method).to.equal('POST');
            expect(fromLean.body).to.deep.equal(data);
            // The SDK's own request differs only by those headers (and so by the signature).
            const { authorization: sdkAuthorization, ...sdkRest } = fromSdk.headers;
            const { authorization: leanAuthorization, ...leanRest } = fromLean.headers;
            for (const name of SDK_TELEMETRY_HEADERS) delete sdkRest[name];
            expect(leanRest).to.deep.equal(sdkRest);
            expect(leanAuthorization.replace(/SignedHeaders=[^,]+, Signature=\w+/, '')).to.equal(
              sdkAuthorization.replace(/SignedHeaders=[^,]+, Signature=\w+/, ''),
            );
            expect(fromSdk.url).to.equal(fromLean.url);
          }
        } finally {
          sdk.destroy();
          sdkBare.destroy();
        }
      });
    }

    it('escapes the connection id exactly as the SDK does', async () => {
      const capture = await server();
      const sdk = sdkClient(capture.endpoint, false);
      const lean = poster({ endpoint: capture.endpoint });
      try {
        for (const id of ODD_IDS) {
          await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('x') }));
          await lean.post(id, Buffer.from('x'));
        }
      } finally {
        sdk.destroy();
      }
      const urls = capture.requests.map((request) => request.url);
      expect(urls.filter((_, i) => i % 2 === 1)).to.deep.equal(urls.filter((_, i) => i % 2 === 0));
      expect(urls[1]).to.equal('/dev/@connections/BFHPhfCWIAMCKlQ%3D');
      expect(urls[3]).to.equal('/dev/@connections/a%2Bb%2Fc%3D');
      expect(urls[7]).to.equal('/dev/@connections/%C3%A9~%21%2A%27%28%29');
    });
  });

  describe('signature', () => {
    it('verifies with @smithy/signature-v4, and not with a wrong secret or a changed body', async () => {
      const capture = await server();
      await poster({ endpoint: capture.endpoint }).post('a+b/c=', Buffer.from('Tervehdys kaikille!'));
      const [request] = capture.requests;
      expect(request.headers['x-amz-security-token']).to.equal(CREDENTIALS.sessionToken);
      expect(await verifies(request, CREDENTIALS)).to.equal(true);
      expect(await verifies(request, { ...CREDENTIALS, secretAccessKey: 'wrong-secret' })).to.equal(false);
      expect(await verifies({ ...request, body: Buffer.from('Tervehdys kaikille?') }, CREDENTIALS)).to.equal(false);
      expect(await verifies({ ...request, url: '/dev/@connections/other%3D' }, CREDENTIALS)).to.equal(false);
    });
  });

  describe('errors keep the SDK’s names', () => {
    const typed =
      (status: number, type?: string, body = '') =>
      (res: ServerResponse) => {
        res.writeHead(status, { 'content-type': 'application/json', ...(type ? { 'x-amzn-ErrorType': type } : {}), 'x-amzn-RequestId': 'req-1' });
        res.end(body);
      };

    it('410 is a GoneException with $metadata.httpStatusCode 410, not retried, and isGone', async () => {
      const capture = await server(typed(410, 'GoneException'));
      const error = await poster({ endpoint: capture.endpoint })
        .post('gone=', Buffer.from('x'))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(GoneException);
      expect(error).to.include({ name: 'GoneException' });
      expect((error as GoneException).$metadata).to.include({ httpStatusCode: 410, requestId: 'req-1', attempts: 1 });
      expect(isGone(error)).to.equal(true);
      expect(capture.requests).to.have.length(1);
    });

    it('fanOut removes the connections it answers 410 for and delivers to the rest, unchanged', async () => {
      const capture = await server((res, _attempt, req) => {
        if (req.url!.includes('gone')) res.writeHead(410, { 'x-amzn-ErrorType': 'GoneException' });
        res.end();
      });
      const lean = poster({ endpoint: capture.endpoint });
      const removed: string[] = [];
      async function* recipients() {
        yield* ['a=', 'gone-1=', 'b=', 'gone-2=', 'c='];
      }
      const logs = captureLogs();
      try {
        const summary = await fanOut({
          recipients: recipients(),
          payload: Buffer.from('x'),
          concurrency: 2,
          send: (id, data) => lean.post(id, data),
          removeStale: async (id) => void removed.push(id),
        });
        expect(summary).to.include({ recipients: 5, delivered: 3, staleRemoved: 2, failed: 0 });
      } finally {
        logs.restore();
      }
      expect(removed.sort()).to.deep.equal(['gone-1=', 'gone-2=']);
    });

    it('410 without a type header is still a GoneException (API Gateway sends one; a proxy may not)', async () => {
      const capture = await server(typed(410));
      const error = await poster({ endpoint: capture.endpoint })
        .post('gone=', Buffer.from('x'))
        .catch((e: unknown) => e);
      expect(isGone(error)).to.equal(true);
    });

    for (const [status, type, Class] of [
      [413, 'PayloadTooLargeException', PayloadTooLargeException],
      [403, 'ForbiddenException', ForbiddenException],
    ] as const) {
      it(`${status} is a ${type}, with the body’s message, not retried`, async () => {
        const capture = await server(typed(status, `${type}:http://internal.amazon.com/coral/`, '{"message":"no"}'));
        const error = await poster({ endpoint: capture.endpoint })
          .post('a=', Buffer.from('x'))
          .catch((e: unknown) => e);
        expect(error).to.be.instanceOf(Class);
        expect(error).to.include({ name: type, message: 'no' });
        expect((error as GoneException).$metadata.httpStatusCode).to.equal(status);
        expect(isGone(error)).to.equal(false);
        expect(capture.requests).to.have.length(1);
      });
    }

    it('429 is retried with the standard strategy’s backoff, then a LimitExceededException after 3 attempts', async () => {
      const capture = await server(typed(429, 'LimitExceededException'));
      fakeTime();
      const started = Date.now();
      const error = await settle(clock!, poster({ endpoint: capture.endpoint }).post('a=', Buffer.from('x'))).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(LimitExceededException);
      expect((error as LimitExceededException).$metadata).to.include({ httpStatusCode: 429, attempts: 3 });
      expect(capture.requests).to.have.length(3);
      // Throttling backs off from a 1 s base (full jitter); the wait is counted as the SDK counts it.
      expect((error as LimitExceededException).$metadata.totalRetryDelay).to.be.at.most(Date.now() - started);
    });

    it('a 5xx is not retried: API Gateway may have delivered before it failed (the status is in $metadata)', async () => {
      const capture = await server((res, attempt) => (attempt === 1 ? typed(502)(res) : res.end()));
      const error = await poster({ endpoint: capture.endpoint })
        .post('a=', Buffer.from('x'))
        .catch((e: unknown) => e);
      expect((error as GoneException).$metadata).to.include({ httpStatusCode: 502, attempts: 1 });
      expect(isGone(error)).to.equal(false);
      expect(capture.requests).to.have.length(1);
    });

    it('a connection dropped after the server read the request is not retried: it may have been delivered', async () => {
      // A retry would be answered: only the rule keeps the recipient from getting it twice.
      const capture = await server((res, attempt, req) => (attempt === 1 ? req.socket.destroy() : res.end()));
      const error = await poster({ endpoint: capture.endpoint })
        .post('a=', Buffer.from('x'))
        .catch((e: unknown) => e);
      expect(error).to.include({ name: 'TimeoutError', code: 'ECONNRESET', $requestSent: true });
      expect((error as GoneException).$metadata).to.include({ attempts: 1 });
      expect(capture.requests).to.have.length(1);
    });

    it('a refused connection fails as the SDK’s TimeoutError after 3 attempts', async () => {
      const capture = await server();
      const { endpoint } = capture;
      await capture.close();
      fakeTime();
      const error = await settle(clock!, poster({ endpoint }).post('a=', Buffer.from('x'))).catch((e: unknown) => e);
      expect(error).to.include({ name: 'TimeoutError', code: 'ECONNREFUSED', $requestSent: false });
      expect((error as GoneException).$metadata).to.include({ attempts: 3 });
    });

    it('an attempt that outlasts the request timeout is abandoned and not retried: it may have been delivered', async () => {
      const capture = await server((res, attempt) => {
        if (attempt > 1) res.end(); // the first attempt is never answered; a retry would be answered
      });
      fakeTime();
      const started = Date.now();
      const error = await settle(clock!, poster({ endpoint: capture.endpoint, requestTimeoutMs: 1000 }).post('a=', Buffer.from('x'))).catch((e: unknown) => e);
      expect(error).to.include({ name: 'TimeoutError', code: 'ETIMEDOUT', $requestSent: true });
      expect((error as GoneException).$metadata).to.include({ attempts: 1 });
      expect(capture.requests).to.have.length(1);
      expect(Date.now() - started).to.be.at.least(1000);
    });
  });

  describe('clock', () => {
    it('follows the server’s clock, as the SDK’s signer does, once an answer tells it', async () => {
      const hourAhead = new Date(FIXED_NOW + 3_600_000).toUTCString();
      const capture = await server((res) => {
        res.setHeader('date', hourAhead);
        res.end();
      });
      fakeTime();
      const lean = poster({ endpoint: capture.endpoint });
      await settle(clock!, lean.post('a=', Buffer.from('x')));
      await settle(clock!, lean.post('a=', Buffer.from('x')));
      const dates = capture.requests.map((request) => request.headers['x-amz-date']);
      expect(dates[0].slice(9, 11)).to.equal('21');
      expect(dates[1].slice(9, 11)).to.equal('22');
    });

    it('retries an InvalidSignatureException once the skew is corrected', async () => {
      const hourAhead = new Date(FIXED_NOW + 3_600_000).toUTCString();
      const capture = await server((res, attempt) => {
        res.setHeader('date', hourAhead);
        if (attempt === 1) res.writeHead(403, { 'x-amzn-ErrorType': 'InvalidSignatureException' });
        res.end(attempt === 1 ? '{"message":"Signature expired"}' : '');
      });
      fakeTime();
      await settle(clock!, poster({ endpoint: capture.endpoint }).post('a=', Buffer.from('x')));
      expect(capture.requests).to.have.length(2);
    });
  });

  describe('credentials', () => {
    it('are cached, and refreshed before they expire in the middle of a broadcast', async () => {
      const capture = await server();
      fakeTime();
      let issued = 0;
      const validity = new Map<string, number>();
      // Short-lived credentials: valid for 6 minutes; the SDK's cache refreshes them 5 minutes before expiry.
      const provider = sinon.spy(async () => {
        const accessKeyId = `AKIDSHORTLIVED${++issued}`;
        const expiration = new Date(Date.now() + 6 * 60_000);
        validity.set(accessKeyId, expiration.getTime());
        return { accessKeyId, secretAccessKey: `secret-${issued}`, sessionToken: `token-${issued}`, expiration };
      });
      const lean = poster({ endpoint: capture.endpoint, credentials: provider });

      // A broadcast of 40 posts, 10 at a time, while 30 s pass between rounds (20 minutes in all).
      for (let round = 0; round < 40; round++) {
        await settle(clock!, Promise.all(Array.from({ length: 10 }, (_, i) => lean.post(`c${round}-${i}=`, Buffer.from('x')))));
        await clock!.tickAsync(30_000);
      }

      expect(capture.requests).to.have.length(400);
      // Refreshed as they neared expiry (about every minute), once per refresh despite 10 posts in flight.
      expect(provider.callCount).to.be.within(15, 25);
      for (const request of capture.requests) {
        const accessKeyId = /Credential=([^/]+)\//.exec(request.headers.authorization)![1];
        const signedAt = Date.parse(request.headers['x-amz-date'].replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
        expect(validity.get(accessKeyId)! - signedAt, `${accessKeyId} used after expiry`).to.be.greaterThan(0);
        const n = accessKeyId.replace('AKIDSHORTLIVED', '');
        expect(request.headers['x-amz-security-token']).to.equal(`token-${n}`);
        expect(await verifies(request, { accessKeyId, secretAccessKey: `secret-${n}`, sessionToken: `token-${n}` })).to.equal(true);
      }
    });

    it('and the region come from the SDK’s default chains when none are given (here: the environment)', async () => {
      const capture = await server();
      const lean = new LeanPoster({ endpoint: capture.endpoint });
      posters.push(lean);
      await lean.post('a=', Buffer.from('x'));
      expect(capture.requests[0].headers.authorization).to.include(`Credential=${process.env.AWS_ACCESS_KEY_ID}/`);
      expect(capture.requests[0].headers.authorization).to.include(`/${process.env.AWS_REGION}/execute-api/aws4_request`);
    });
  });
});
