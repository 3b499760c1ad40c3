import { expect } from 'chai';
import { ACCOUNT_THROTTLE, stageThrottling, Throttle } from '../../../src/api-gateway/throttle.js';
import type { Template } from '../../../src/template/template.js';

const values = { refs: { Burst: '3', Rate: '2', StageName: 'dev' }, getAtt: () => '' };
const template = (properties: Record<string, unknown>): Template =>
  ({ Resources: { Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { StageName: { Ref: 'StageName' }, ...properties } } } }) as unknown as Template;

describe('the stage throttle', () => {
  it('reads DefaultRouteSettings and RouteSettings, intrinsics resolved; a route without limits has only the account’s', () => {
    const throttling = stageThrottling(
      template({
        DefaultRouteSettings: { ThrottlingBurstLimit: { Ref: 'Burst' }, ThrottlingRateLimit: { Ref: 'Rate' } },
        RouteSettings: { broadcast: { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 1 }, echo: { DataTraceEnabled: false } },
      }),
      'dev',
      values,
    );
    expect(throttling.defaultRoute).to.deep.equal({ burst: 3, rate: 2 });
    expect([...throttling.routes]).to.deep.equal([['broadcast', { burst: 1, rate: 1 }]]);
    expect(stageThrottling(template({}), 'dev', values)).to.deep.equal({ defaultRoute: undefined, routes: new Map() });
    expect(stageThrottling(template({ DefaultRouteSettings: { ThrottlingRateLimit: 5 } }), 'other', values).defaultRoute).to.equal(undefined);
  });

  it('admits a burst, refuses the next, and refills at the rate (each route its own bucket)', () => {
    let now = 0;
    const throttle = new Throttle({ defaultRoute: { burst: 3, rate: 2 }, routes: new Map([['broadcast', { burst: 1, rate: 1 }]]) }, () => now);
    expect([1, 2, 3, 4].map(() => throttle.admit('$default'))).to.deep.equal([true, true, true, false]);
    expect([throttle.admit('broadcast'), throttle.admit('broadcast')]).to.deep.equal([true, false]);
    now += 500; // 2 per second: one token back
    expect([throttle.admit('$default'), throttle.admit('$default')]).to.deep.equal([true, false]);
    now += 1000;
    expect(throttle.admit('broadcast')).to.equal(true);
  });

  it('holds every route to the account’s bucket (5,000 burst, 10,000 per second)', () => {
    const now = 0;
    const throttle = new Throttle({ routes: new Map() }, () => now);
    let admitted = 0;
    for (let i = 0; i < ACCOUNT_THROTTLE.burst + 10; i++) if (throttle.admit(i % 2 ? 'a' : 'b')) admitted++;
    expect(admitted).to.equal(ACCOUNT_THROTTLE.burst);
  });
});
