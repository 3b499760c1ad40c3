import { expect } from 'chai';
import { formatLogLine } from '../../../src/lambda/emf.js';

/** An EMF line as Powertools' Metrics writes it for one broadcast. */
const EMF = {
  _aws: {
    Timestamp: 1796000000000,
    CloudWatchMetrics: [
      {
        Namespace: 'ServerlessWebSocket',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'Delivered', Unit: 'Count' },
          { Name: 'TimedOut', Unit: 'Count' },
          { Name: 'FanOutMs', Unit: 'Milliseconds' },
        ],
      },
    ],
  },
  service: 'my-stack',
  Delivered: 3,
  TimedOut: 0,
  FanOutMs: 12,
};

describe('formatLogLine (EMF lines in the gateway output)', () => {
  it('shows an EMF line as its namespace, dimensions and metrics with their units', () => {
    expect(formatLogLine(JSON.stringify(EMF))).to.equal('metrics ServerlessWebSocket {service=my-stack} Delivered=3 TimedOut=0 FanOutMs=12ms');
  });

  it('leaves log lines, plain text and broken JSON as they are', () => {
    for (const line of ['{"level":"INFO","message":"broadcast complete"}', 'plain text', '{"_aws": broken', '', '[1,2]', 'null']) {
      expect(formatLogLine(line)).to.equal(line);
    }
  });

  it('shows a unit it has no short form for by name, and a missing value as undefined', () => {
    const line = { ...EMF, _aws: { ...EMF._aws, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [], Metrics: [{ Name: 'Rate', Unit: 'Count/Second' }] }] } };
    expect(formatLogLine(JSON.stringify(line))).to.equal('metrics N {} Rate=undefined Count/Second');
  });
});
