import { expect } from 'chai';
import { routeSelector } from '../../../src/api-gateway/route-selection.js';

describe('routeSelector ($request.body.action)', () => {
  const select = routeSelector('$request.body.action', new Set(['$connect', '$disconnect', '$default', 'broadcast']));
  const cases: [string, string][] = [
    ['{"action":"broadcast","data":"x"}', 'broadcast'],
    ['{"action":"Broadcast"}', '$default'],
    ['{"action":" broadcast "}', '$default'],
    ['{"action":"unknown"}', '$default'],
    ['{"action":7}', '$default'],
    ['{"action":null}', '$default'],
    ['{"data":"x"}', '$default'],
    ['{"action":"$connect"}', '$default'],
    ['"broadcast"', '$default'],
    ['["broadcast"]', '$default'],
    ['not json', '$default'],
    ['', '$default'],
  ];
  for (const [body, route] of cases) {
    it(`sends ${JSON.stringify(body)} to ${route}`, () => expect(select(body)).to.equal(route));
  }

  it('finds nothing when there is no $default route', () => {
    const strict = routeSelector('$request.body.action', new Set(['broadcast']));
    expect(strict('{"action":"broadcast"}')).to.equal('broadcast');
    expect(strict('{"action":"other"}')).to.equal(undefined);
    expect(strict('nope')).to.equal(undefined);
  });

  it('follows a nested path', () => {
    const nested = routeSelector('$request.body.message.type', new Set(['chat']));
    expect(nested('{"message":{"type":"chat"}}')).to.equal('chat');
    expect(nested('{"message":"chat"}')).to.equal(undefined);
  });

  it('refuses an expression it cannot evaluate', () => {
    expect(() => routeSelector('${request.header.x}', new Set())).to.throw(/not supported/);
  });
});
