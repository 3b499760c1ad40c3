import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { mockSdk } from '../helpers/mocks.js';
import { functionsOf, loadTemplate } from 'sam-local-websocket';
import { broadcast, fanOutWorker } from '../helpers/handlers.js';
import { handler as connect } from '../../functions/connect/app.js';
import { handler as defaultRoute } from '../../functions/default/app.js';
import { handler as disconnect } from '../../functions/disconnect/app.js';
import { AUTHORIZER_SAMPLE, SAMPLE_EVENTS, sampleEvent, sampleEventFiles, WORKER_SAMPLE } from '../helpers/events.js';

/** The handler each function of the template runs. */
const HANDLERS = { ConnectFunction: connect, DisconnectFunction: disconnect, DefaultFunction: defaultRoute, BroadcastFunction: broadcast } as const;

describe('events/ (sam local invoke samples)', () => {
  const sdk = mockSdk();
  beforeEach(() => {
    sdk.dynamo.on(PutItemCommand).resolves({});
    sdk.dynamo.on(DeleteItemCommand).resolves({});
    sdk.dynamo.on(ScanCommand).resolves({ Items: [{ connectionId: { S: 'L0SM9cOFvHcCIhw=' } }] });
    sdk.api.on(PostToConnectionCommand).resolves({});
  });

  it('has an expectation for every file in events/', () => {
    expect(sampleEventFiles()).to.deep.equal([...Object.keys(SAMPLE_EVENTS), AUTHORIZER_SAMPLE.file, WORKER_SAMPLE.file].sort());
  });
  // authorizer.json is fed to the authorizer in tests/unit/functions/authorizer.test.ts.

  it('has an event for every function of template.yaml, whatever its Condition', () => {
    const { template, baseDir } = loadTemplate('template.yaml');
    const covered = new Set([...Object.values(SAMPLE_EVENTS).map((sample) => sample.function), AUTHORIZER_SAMPLE.function, WORKER_SAMPLE.function]);
    expect(
      functionsOf(template, baseDir)
        .map((fn) => fn.logicalId)
        .sort(),
    ).to.deep.equal([...covered].sort());
  });

  it(`${WORKER_SAMPLE.file} is a job the worker runs: it posts the message to its segment`, async () => {
    sdk.dynamo.on(ScanCommand).resolves({ Items: [{ connectionId: { S: 'a' } }, { connectionId: { S: 'b' } }] });
    await fanOutWorker(JSON.parse(readFileSync(`events/${WORKER_SAMPLE.file}`, 'utf8')), { getRemainingTimeInMillis: () => 60_000 });
    const scans = sdk.dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(scans.every((scan) => scan.Segment === 0 && scan.TotalSegments === 1)).to.equal(true);
    expect(sdk.api.commandCalls(PostToConnectionCommand).map((call) => Buffer.from(call.args[0].input.Data as Uint8Array).toString())).to.deep.equal([
      'Tervehdys kaikille!',
      'Tervehdys kaikille!',
    ]);
  });

  for (const [file, { function: name, status }] of Object.entries(SAMPLE_EVENTS)) {
    it(`${file} answers ${status}`, async () => {
      const result = await HANDLERS[name](sampleEvent(file));
      expect(result.statusCode).to.equal(status);
    });
  }
});

/**
 * The API Gateway events in events/ against events captured on AWS (tests/fixtures/aws-events,
 * copied verbatim from public repositories; see its SOURCES.md): the same fields, none that AWS
 * omits, and the request time given twice as one instant.
 */
describe('events/ against events captured on AWS', () => {
  const captured = (file: string) => JSON.parse(readFileSync(`tests/fixtures/aws-events/${file}`, 'utf8'));
  const awsFiles = readdirSync('tests/fixtures/aws-events').filter((file) => file.endsWith('.json'));
  /** The captured events of one kind: CONNECT, MESSAGE, DISCONNECT, or the REQUEST authorizer's. */
  const kindOf = (event: Record<string, any>): string => (event.type === 'REQUEST' ? 'AUTHORIZER' : event.requestContext?.eventType);
  const references = (kind: string) => awsFiles.map(captured).filter((event) => kindOf(event) === kind);

  /** Every field's path; the names inside headers and query strings are the client's, not AWS's. */
  function paths(node: unknown, prefix = ''): string[] {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
    return Object.entries(node).flatMap(([key, value]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      if (/^(headers|multiValueHeaders|queryStringParameters|multiValueQueryStringParameters|stageVariables)$/.test(key)) return [path];
      return [path, ...paths(value, path)];
    });
  }

  /** `29/Nov/2025:08:00:01 +0000` as epoch ms. */
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function parseRequestTime(text: string): number {
    const match = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000$/.exec(text);
    expect(match, text).to.not.equal(null);
    const [, day, month, year, hours, minutes, seconds] = match!;
    return Date.UTC(Number(year), MONTHS.indexOf(month), Number(day), Number(hours), Number(minutes), Number(seconds));
  }

  it('reads the captured events’ own request times as the instants of their requestTimeEpoch', () => {
    for (const file of awsFiles) {
      const { requestContext } = captured(file);
      expect(parseRequestTime(requestContext.requestTime), file).to.equal(Math.floor(requestContext.requestTimeEpoch / 1000) * 1000);
    }
  });

  const samples = sampleEventFiles().filter((file) => kindOf(sampleEvent(file) as never) !== undefined);

  it('covers every kind of captured event', () => {
    expect(new Set(samples.map((file) => kindOf(sampleEvent(file) as never)))).to.deep.equal(new Set(['CONNECT', 'MESSAGE', 'DISCONNECT', 'AUTHORIZER']));
  });

  for (const file of samples) {
    const event = sampleEvent(file) as unknown as Record<string, any>;
    const kind = kindOf(event);

    it(`${file}: requestTime and requestTimeEpoch are the same instant`, () => {
      expect(parseRequestTime(event.requestContext.requestTime)).to.equal(Math.floor(event.requestContext.requestTimeEpoch / 1000) * 1000);
    });

    it(`${file}: has no field a captured ${kind} event lacks, and every field they all have`, () => {
      const known = references(kind).map((reference) => new Set(paths(reference)));
      expect(known, `captured ${kind} events`).to.have.length.greaterThan(0);
      const extra = paths(event).filter((path) => !known.some((fields) => fields.has(path)));
      expect(extra, 'fields AWS omits').to.deep.equal([]);
      const everywhere = [...known[0]].filter((path) => known.every((fields) => fields.has(path)));
      // A connect without a query has no query fields; a sample may leave out the optional body of none.
      const missing = everywhere.filter((path) => !paths(event).includes(path));
      expect(missing, 'fields every captured event has').to.deep.equal([]);
    });
  }
});
