import { expect } from 'chai';
import { readAuthConfig, readConfig } from '../../../functions/shared/config.js';
import { DEFAULTS } from '../../../functions/shared/constants.js';
import { ConfigError } from '../../../functions/shared/errors.js';

describe('readConfig', () => {
  it('reads the table, region, endpoint override and concurrency', () => {
    const config = readConfig({
      TABLE_NAME: 'connections',
      AWS_REGION: 'eu-north-1',
      MANAGEMENT_API_ENDPOINT: 'http://127.0.0.1:3001/dev',
      BROADCAST_CONCURRENCY: '25',
    });
    expect(config).to.deep.equal({
      tableName: 'connections',
      region: 'eu-north-1',
      managementEndpoint: 'http://127.0.0.1:3001/dev',
      broadcastConcurrency: 25,
      broadcastIncludesSender: false,
      fanOutWorkerFunction: undefined,
      fanOutThreshold: DEFAULTS.fanOutThreshold,
      fanOutWorkers: DEFAULTS.fanOutWorkers,
    });
  });

  it('reads the fan-out worker, threshold and most workers, and refuses a threshold that is no whole number', () => {
    const config = readConfig({ TABLE_NAME: 'c', FAN_OUT_WORKER_FUNCTION: ' stack-FanOutWorker-1 ', FAN_OUT_THRESHOLD: '500', FAN_OUT_WORKERS: '4' });
    expect(config).to.deep.include({ fanOutWorkerFunction: 'stack-FanOutWorker-1', fanOutThreshold: 500, fanOutWorkers: 4 });
    expect(() => readConfig({ TABLE_NAME: 'c', FAN_OUT_THRESHOLD: '0' })).to.throw(ConfigError, /FAN_OUT_THRESHOLD/);
    expect(() => readConfig({ TABLE_NAME: 'c', FAN_OUT_WORKERS: '2.5' })).to.throw(ConfigError, /FAN_OUT_WORKERS/);
  });

  it('defaults the concurrency and leaves the endpoint to the event', () => {
    const config = readConfig({ TABLE_NAME: 'connections' });
    expect(config.broadcastConcurrency).to.equal(DEFAULTS.broadcastConcurrency);
    expect(config.managementEndpoint).to.equal(undefined);
  });

  it('fails fast, naming the variable, when TABLE_NAME is missing or blank', () => {
    expect(() => readConfig({})).to.throw(ConfigError, /TABLE_NAME/);
    expect(() => readConfig({ TABLE_NAME: '  ' })).to.throw(ConfigError, /TABLE_NAME/);
  });

  // unbounded: production has no such mode (the benchmark builds its own handler for it, scripts/load/bench-posting.ts).
  for (const bad of ['0', '-3', '2.5', 'many', 'unbounded']) {
    it(`refuses BROADCAST_CONCURRENCY=${bad}`, () => {
      expect(() => readConfig({ TABLE_NAME: 't', BROADCAST_CONCURRENCY: bad })).to.throw(ConfigError, /BROADCAST_CONCURRENCY/);
    });
  }
});

describe('readAuthConfig', () => {
  const jwtEnv = { AUTH_MODE: 'jwt', JWT_ISSUER: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_Abc', JWT_AUDIENCE: ' app-1, app-2 ,' };

  it('reads token mode (the default) and jwt mode', () => {
    expect(readAuthConfig({ AUTH_TOKEN: 's' })).to.deep.equal({ mode: 'token', token: 's' });
    expect(readAuthConfig(jwtEnv)).to.deep.equal({
      mode: 'jwt',
      issuer: jwtEnv.JWT_ISSUER,
      audience: ['app-1', 'app-2'],
      requiredScope: undefined,
      tokenUse: 'access',
    });
    expect(readAuthConfig({ ...jwtEnv, JWT_REQUIRED_SCOPE: 'chat/connect', JWT_TOKEN_USE: 'any' })).to.include({
      requiredScope: 'chat/connect',
      tokenUse: 'any',
    });
    expect(readAuthConfig({ ...jwtEnv, JWT_ISSUER: 'http://127.0.0.1:3001/local-issuer' })).to.include({ issuer: 'http://127.0.0.1:3001/local-issuer' });
  });

  const invalid: [string, NodeJS.ProcessEnv][] = [
    ['an unknown mode', { AUTH_MODE: 'magic' }],
    ['token mode without a token', { AUTH_MODE: 'token' }],
    ['no issuer', { ...jwtEnv, JWT_ISSUER: '' }],
    ['an issuer that is not a URL', { ...jwtEnv, JWT_ISSUER: 'cognito' }],
    ['a plain-http issuer off this machine', { ...jwtEnv, JWT_ISSUER: 'http://issuer.example.com' }],
    ['no audience', { ...jwtEnv, JWT_AUDIENCE: ' , ' }],
    ['an unknown token use', { ...jwtEnv, JWT_TOKEN_USE: 'refresh' }],
  ];
  for (const [what, env] of invalid) {
    it(`fails fast on ${what}`, () => {
      expect(() => readAuthConfig(env)).to.throw(ConfigError);
    });
  }

  it('reads BROADCAST_INCLUDE_SENDER (default false)', () => {
    expect(readConfig({ TABLE_NAME: 't' }).broadcastIncludesSender).to.equal(false);
    expect(readConfig({ TABLE_NAME: 't', BROADCAST_INCLUDE_SENDER: 'true' }).broadcastIncludesSender).to.equal(true);
    expect(() => readConfig({ TABLE_NAME: 't', BROADCAST_INCLUDE_SENDER: 'yes' })).to.throw(ConfigError);
  });
});
