import { expect } from 'chai';
import { readableLogLine } from '../../../src/lambda/log-line.js';

/** A line as the functions' Powertools Logger writes it. */
const RECORD = {
  level: 'INFO',
  message: 'broadcast complete',
  timestamp: '2026-11-29T23:48:34.280Z',
  service: 'local',
  cold_start: true,
  function_arn: 'arn:aws:lambda:local:000000000000:function:BroadcastFunction',
  function_memory_size: '512',
  function_name: 'BroadcastFunction',
  function_request_id: 'f917b674',
  sampling_rate: 0,
  connectionId: 'abc=',
  delivered: 2,
};

describe('readableLogLine (npm run invoke)', () => {
  it('shows a Powertools record as time, level, message and its own keys, without the fields every line repeats', () => {
    expect(readableLogLine(JSON.stringify(RECORD))).to.equal(
      '2026-11-29T23:48:34.280Z INFO  broadcast complete  cold_start=true connectionId="abc=" delivered=2',
    );
  });

  it('puts an error’s stack on the lines below, indented', () => {
    const error = { name: 'Error', message: 'boom', stack: 'Error: boom\n    at x (app.mjs:1:1)' };
    const line = readableLogLine(JSON.stringify({ level: 'ERROR', message: 'failed', error }));
    expect(line.split('\n')).to.deep.equal(['ERROR failed  error={"name":"Error","message":"boom"}', '    Error: boom', '        at x (app.mjs:1:1)']);
  });

  it('shows an EMF line as its metrics (emf.ts), and anything else unchanged', () => {
    const emf = {
      _aws: { CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['service']], Metrics: [{ Name: 'Delivered', Unit: 'Count' }] }] },
      service: 's',
      Delivered: 1,
    };
    expect(readableLogLine(JSON.stringify(emf))).to.equal('metrics N {service=s} Delivered=1');
    for (const line of ['plain text', '{"broken', '{"level":"INFO"}', '[1,2]']) expect(readableLogLine(line)).to.equal(line);
  });
});
