/** Load through the local gateway: a connection storm, and a short soak. */
import { expect } from 'chai';
import { runSoak } from '../../scripts/load/soak.js';
import { Swarm } from '../../scripts/load/swarm.js';
import { eventually } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

const allStoredIds = (local: LocalGateway): Promise<string[]> => local.storedIds();

describe('load', function () {
  this.timeout(180_000);

  it('1,000 clients connecting and disconnecting in overlapping waves leave exactly the live connections in the table', async () => {
    const local = await startLocalGateway();
    const swarm = await Swarm.start();
    try {
      // Five waves of 200; while each wave connects, half of the previous one leaves.
      const waves = 5;
      const perWave = 200;
      let closing: Promise<unknown> = Promise.resolve();
      for (let wave = 0; wave < waves; wave++) {
        const opening = swarm.open(local.gateway.url, perWave, 50);
        await closing;
        const opened = await opening;
        expect(opened.failed).to.equal(0);
        const previous = Array.from({ length: perWave / 2 }, (_, i) => wave * perWave + i * 2);
        closing = swarm.close(previous);
      }
      const { open } = await (closing as Promise<{ open: number }>);
      expect(open).to.equal(waves * perWave - (waves * perWave) / 2);

      // The server sees each close a moment after the client does.
      await eventually(() => local.gateway.registry.size === open, 10_000);
      const live = [...local.gateway.registry.all()].map((connection) => connection.connectionId).sort();
      await eventually(async () => JSON.stringify(await allStoredIds(local)) === JSON.stringify(live), 30_000);
    } finally {
      await swarm.stop();
      await local.close();
    }
  });

  it('a short soak (100 clients, 20 broadcasts/s, 5 s): every client gets every broadcast exactly once', async () => {
    const result = await runSoak({ clients: 100, rate: 20, seconds: 5, drainSeconds: 60 });
    expect(result.messagesSent).to.equal(100);
    expect(result.clientsAtEnd).to.equal(100);
    expect(result.deliveriesSeen).to.equal(10_000);
    expect(result.lost).to.equal(0);
    expect(result.duplicated).to.equal(0);
    expect(result.failedInvocations).to.equal(0);
  });
});
