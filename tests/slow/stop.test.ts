/**
 * Stopping `npm start` every way a user or a process manager does, with clients connected
 * and a broadcast under way: the gateway exits within its bound, frees its ports, and leaves
 * no record behind (checked by opening its --db-path again).
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Swarm } from '../../scripts/load/swarm.js';
import { eventually } from 'websocket-test-clients';
import { storedIdsAt } from '../helpers/stored.js';
import { parseReadyLine } from 'sam-local-websocket';

const CLIENTS = 300;
/** The gateway's default --shutdown-timeout (30 s) plus the store's drain (10 s), with room to spare. */
const STOP_BOUND_MS = 45_000;

interface Way {
  name: string;
  stop(npm: ChildProcess, gatewayPid: number): void;
}

const WAYS: Way[] = [
  { name: 'Ctrl-C (SIGINT to the process group; npm relays it too)', stop: (npm) => process.kill(-npm.pid!, 'SIGINT') },
  { name: 'SIGTERM to the process group (a process manager)', stop: (npm) => process.kill(-npm.pid!, 'SIGTERM') },
  {
    name: 'the terminal closing (SIGHUP to the group, output gone)',
    stop: (npm) => {
      process.kill(-npm.pid!, 'SIGHUP');
      npm.stdout?.destroy(); // later writes fail with EPIPE (a closed terminal: EIO)
    },
  },
  { name: 'SIGTERM to npm alone', stop: (npm) => npm.kill('SIGTERM') },
  { name: 'SIGHUP to npm alone (npm dies, the gateway sees its parent go)', stop: (npm) => npm.kill('SIGHUP') },
  { name: 'SIGTERM to the gateway alone', stop: (_npm, gatewayPid) => process.kill(gatewayPid, 'SIGTERM') },
];

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

describe('stopping npm start', function () {
  this.timeout(180_000);

  for (const way of WAYS) {
    it(`${way.name}: no record left, ports freed`, async () => {
      const dbPath = mkdtempSync(join(tmpdir(), 'stop-db-'));
      // stderr goes to a file, kept whatever the way: why a gateway exited early is written there.
      const errorsFile = join(dbPath, '..', `${dbPath.split('/').pop()}-stderr.txt`);
      const errors = openSync(errorsFile, 'w');
      const { AUTH_TOKEN: _, ...env } = process.env; // an open API
      // npm start as a user runs it, in a process group of its own (as a terminal's job).
      const npm = spawn('npm', ['start', '--', '--port', '0', '--db-port', '0', '--no-watch', '--db-path', dbPath, '--ready-json'], {
        detached: true,
        stdio: ['ignore', 'pipe', errors],
        env,
      });
      closeSync(errors);
      let output = '';
      npm.stdout!.on('data', (chunk) => (output += chunk));
      const npmExited = new Promise((resolve) => npm.once('exit', resolve));
      const swarm = await Swarm.start();
      let gatewayPid = 0;
      try {
        // The ready line (--ready-json): the ports, and the process serving them (the script execs it).
        await eventually(() => output.split('\n').some((line) => parseReadyLine(line)), 60_000);
        const ready = output.split('\n').map(parseReadyLine).find(Boolean)!;
        const [url, gatewayPort, dbPort] = [ready.url, ready.port, ready.dbPort];
        gatewayPid = ready.pid;
        // The script execs the command: npm's only child is the gateway itself.
        expect(readFileSync(`/proc/${npm.pid}/task/${npm.pid}/children`, 'utf8').trim()).to.equal(String(gatewayPid));

        const opened = await swarm.open(url, CLIENTS, 100);
        expect(opened.failed).to.equal(0);
        swarm.send(0, JSON.stringify({ action: 'broadcast', data: 'm:0' }));
        await eventually(async () => (await swarm.report()).messages.some((message) => message.delivered > 0), 30_000);

        const stopAt = Date.now();
        way.stop(npm, gatewayPid);
        await eventually(() => !alive(gatewayPid), STOP_BOUND_MS);
        await npmExited;
        expect(Date.now() - stopAt).to.be.below(STOP_BOUND_MS);
        expect((await swarm.report()).open).to.equal(0);
        expect(await portIsFree(gatewayPort)).to.equal(true);
        expect(await portIsFree(dbPort)).to.equal(true);
        const left = await storedIdsAt(dbPath);
        const printed = output
          .split('\n')
          .filter((line) => !/^[$[]|^broadcast /.test(line))
          .slice(-15)
          .join('\n');
        expect(left.length, `records left; stderr:\n${readFileSync(errorsFile, 'utf8')}\nstdout (gateway lines):\n${printed}`).to.equal(0);
      } finally {
        await swarm.stop();
        if (gatewayPid && alive(gatewayPid)) process.kill(gatewayPid, 'SIGKILL');
        if (npm.exitCode === null && npm.signalCode === null) process.kill(-npm.pid!, 'SIGKILL');
        rmSync(dbPath, { recursive: true, force: true });
        rmSync(errorsFile, { force: true });
      }
    });
  }
});
