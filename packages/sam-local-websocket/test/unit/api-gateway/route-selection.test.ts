import { expect } from 'chai';
import { apiKeySelector, parseSelectionExpression, routeSelector } from '../../../src/api-gateway/route-selection.js';

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

  it('refuses an expression API Gateway does not evaluate for messages', () => {
    for (const expression of ['${request.header.x}', '$context.routeKey', '$default', 'a$', '${request.body}']) {
      expect(() => routeSelector(expression, new Set()), expression).to.throw(/not one API Gateway evaluates/);
    }
  });
});

describe('routeSelector: the examples of "Create routes for WebSocket APIs" and "WebSocket selection expressions"', () => {
  const body = '{"service":"chat","action":"join","data":{"room":"room1234"}}';
  const keys = new Set(['join', 'chat/join', 'join-', 'action', '$default', 'v2-beta', '[a, b]', '7', 'true', '${request.body.service}']);
  const cases: [string, string, string][] = [
    ['$request.body.action', body, 'join'],
    ['${request.body.action}', body, 'join'],
    ['${request.body.service}/${request.body.action}', body, 'chat/join'],
    ['${request.body.action}-${request.body.invalidPath}', body, 'join-'],
    ['action', body, 'action'],
    ['\\$default', body, '$default'],
    ['${request.body.version}-beta', '{"version":"v2"}', 'v2-beta'],
    ['$request.body.list', '{"list":["a","b"]}', '[a, b]'],
    ['$request.body.n', '{"n":7}', '7'],
    ['$request.body.b', '{"b":true}', 'true'],
    ['$request.body.items[1].kind', '{"items":[{"kind":"x"},{"kind":"join"}]}', 'join'],
    // Evaluated once: a value that looks like a variable stays as it is.
    ['$request.body.action', '{"action":"${request.body.service}","service":"chat"}', '${request.body.service}'],
    // A static expression needs no JSON.
    ['action', 'not json', 'action'],
    ['$request.body.action', '{"action":"nope"}', '$default'],
  ];
  for (const [expression, message, route] of cases) {
    it(`${expression} on ${message} selects ${route}`, () => expect(routeSelector(expression, keys)(message)).to.equal(route));
  }

  it('sends a value too deeply nested to write out to $default, never throwing', () => {
    const depth = 60_000;
    const body = `{"action":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(routeSelector('$request.body.action', keys)(body)).to.equal('$default');
  });

  it('splits static text and variables, with \\$ as a literal dollar', () => {
    expect(parseSelectionExpression('\\$x-${request.body.a.b}$request.body.c')).to.deep.equal([{ text: '$x-' }, { path: ['a', 'b'] }, { path: ['c'] }]);
  });
});

describe('apiKeySelector', () => {
  it('reads the x-api-key header or the authorizer usageIdentifierKey, and refuses anything else', () => {
    expect(apiKeySelector('$request.header.x-api-key')({ headers: { 'x-api-key': 'k1' } })).to.equal('k1');
    expect(apiKeySelector('$context.authorizer.usageIdentifierKey')({ headers: {}, authorizer: { usageIdentifierKey: 'k2' } })).to.equal('k2');
    expect(apiKeySelector('$context.authorizer.usageIdentifierKey')({ headers: {} })).to.equal(undefined);
    expect(() => apiKeySelector('$request.header.authorization')).to.throw(/not supported by API Gateway/);
  });
});
