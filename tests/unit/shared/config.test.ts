import { expect } from 'chai';
import { readConfig } from '../../../functions/shared/config.js';
import { DEFAULTS } from '../../../functions/shared/constants.js';
import { ConfigError } from '../../../functions/shared/errors.js';

describe('readConfig', () => {
  it('reads the table, region, endpoint override and concurrency', () => {
    const config = readConfig({
      TABLE_NAME: 'connections',
      AWS_REGION: 'eu-north-1',
      MANAGEMENT_API_ENDPOINT: 'http://127.0.0.1:3001/dev',
      BROADCAST_CONCURRENCY: '25',
      BROADCAST_CLIENT: 'sdk',
    });
    expect(config).to.deep.equal({
      tableName: 'connections',
      region: 'eu-north-1',
      managementEndpoint: 'http://127.0.0.1:3001/dev',
      broadcastConcurrency: 25,
      broadcastClient: 'sdk',
    });
  });

  it('defaults the concurrency and leaves the endpoint to the event', () => {
    const config = readConfig({ TABLE_NAME: 'connections' });
    expect(config.broadcastConcurrency).to.equal(DEFAULTS.broadcastConcurrency);
    expect(config.managementEndpoint).to.equal(undefined);
  });

  it('defaults BROADCAST_CLIENT to the lean poster and reads sdk', () => {
    expect(readConfig({ TABLE_NAME: 't' }).broadcastClient).to.equal('lean');
    expect(readConfig({ TABLE_NAME: 't', BROADCAST_CLIENT: ' lean ' }).broadcastClient).to.equal('lean');
    expect(readConfig({ TABLE_NAME: 't', BROADCAST_CLIENT: 'sdk' }).broadcastClient).to.equal('sdk');
  });

  for (const bad of ['SDK', 'fast', 'lean,sdk']) {
    it(`refuses BROADCAST_CLIENT=${bad}, naming the choices`, () => {
      expect(() => readConfig({ TABLE_NAME: 't', BROADCAST_CLIENT: bad })).to.throw(ConfigError, /BROADCAST_CLIENT must be one of lean, sdk/);
    });
  }

  it('fails fast, naming the variable, when TABLE_NAME is missing or blank', () => {
    expect(() => readConfig({})).to.throw(ConfigError, /TABLE_NAME/);
    expect(() => readConfig({ TABLE_NAME: '  ' })).to.throw(ConfigError, /TABLE_NAME/);
  });

  it('reads BROADCAST_CONCURRENCY=unbounded as no bound (the benchmark’s comparison setting)', () => {
    expect(readConfig({ TABLE_NAME: 't', BROADCAST_CONCURRENCY: 'unbounded' }).broadcastConcurrency).to.equal(Number.POSITIVE_INFINITY);
  });

  for (const bad of ['0', '-3', '2.5', 'many']) {
    it(`refuses BROADCAST_CONCURRENCY=${bad}`, () => {
      expect(() => readConfig({ TABLE_NAME: 't', BROADCAST_CONCURRENCY: bad })).to.throw(ConfigError, /BROADCAST_CONCURRENCY/);
    });
  }
});
