import { expect } from 'chai';
import { ConnectionRegistry } from '../../../src/api-gateway/connection-registry.js';
import { fakeConnection } from './fakes.js';

describe('ConnectionRegistry', () => {
  it('finds an added connection by its id, and counts it', () => {
    const registry = new ConnectionRegistry();
    const a = fakeConnection({ connectionId: 'a=' });
    const b = fakeConnection({ connectionId: 'b=' });
    registry.add(a);
    registry.add(b);
    expect(registry.get('a=')).to.equal(a);
    expect(registry.get('b=')).to.equal(b);
    expect(registry.size).to.equal(2);
    expect([...registry.all()]).to.deep.equal([a, b]);
  });

  it('forgets a removed connection; the others stay', () => {
    const registry = new ConnectionRegistry();
    registry.add(fakeConnection({ connectionId: 'a=' }));
    registry.add(fakeConnection({ connectionId: 'b=' }));
    registry.remove('a=');
    expect(registry.get('a=')).to.equal(undefined);
    expect(registry.size).to.equal(1);
    expect([...registry.all()].map((connection) => connection.connectionId)).to.deep.equal(['b=']);
  });

  it('finds nothing for an id it never held, and removing one is harmless', () => {
    const registry = new ConnectionRegistry();
    registry.add(fakeConnection({ connectionId: 'a=' }));
    for (const id of ['', 'A=', 'a', 'a= ', '../a=', '__proto__', 'constructor', 'toString']) {
      expect(registry.get(id), JSON.stringify(id)).to.equal(undefined);
      registry.remove(id);
    }
    expect(registry.size).to.equal(1);
  });

  it('keeps one entry an id: adding the same id again replaces it', () => {
    const registry = new ConnectionRegistry();
    const first = fakeConnection({ connectionId: 'a=' });
    const second = fakeConnection({ connectionId: 'a=', sourceIp: '192.0.2.1' });
    registry.add(first);
    registry.add(second);
    expect(registry.size).to.equal(1);
    expect(registry.get('a=')).to.equal(second);
  });

  it('starts empty', () => {
    const registry = new ConnectionRegistry();
    expect(registry.size).to.equal(0);
    expect([...registry.all()]).to.deep.equal([]);
  });
});
