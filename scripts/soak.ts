/**
 * npm run soak -- [--clients N] [--rate M] [--seconds S] [--out FILE]: N clients, M broadcasts
 * a second for S seconds; every client must receive every broadcast exactly once. Writes the
 * result as JSON (`npm run docs:figures -- soak --from FILE` puts it into docs/performance.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SOAK, runSoak } from './load/soak.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: String(DEFAULT_SOAK.clients) },
    rate: { type: 'string', default: String(DEFAULT_SOAK.rate) },
    seconds: { type: 'string', default: String(DEFAULT_SOAK.seconds) },
    drain: { type: 'string', default: String(DEFAULT_SOAK.drainSeconds) },
    out: { type: 'string', default: 'bench-results/soak.json' },
  },
});
const options = { clients: Number(values.clients), rate: Number(values.rate), seconds: Number(values.seconds), drainSeconds: Number(values.drain) };
for (const [name, value] of Object.entries(options)) {
  if (!(value > 0)) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
}
console.log(`soak: ${options.clients} clients, ${options.rate} broadcasts/s for ${options.seconds} s on Node.js ${process.version} …`);
const loadAverageAtStart = loadavg();
const date = new Date().toISOString();
const result = await runSoak(options);
const rows: [string, string | number][] = [
  ['clients', result.clients],
  ['broadcasts/s', result.rate],
  ['seconds', result.seconds],
  ['messages sent', result.messagesSent],
  ['deliveries expected', result.deliveriesExpected],
  ['deliveries seen', result.deliveriesSeen],
  ['lost', result.lost],
  ['duplicated', result.duplicated],
  ['clients connected at the end', result.clientsAtEnd],
  ['first send to last delivery (s)', result.elapsedSeconds],
  ['send to last delivery, p50 (ms)', result.latencyP50Ms],
  ['send to last delivery, max (ms)', result.latencyMaxMs],
  ['gateway memory at start (MB)', result.memoryStartMb],
  ['gateway memory at end (MB)', result.memoryEndMb],
  ['failed invocations', result.failedInvocations],
];
for (const [name, value] of rows) console.log(`${name.padEnd(34)} ${value}`);
const saved = {
  command: ['npm run soak', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  date,
  machine: { cores: cpus().length, cpu: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadAverageAtStart, loadAverageAtEnd: loadavg() },
  ...result,
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify(saved, null, 2));
console.log(JSON.stringify(saved));
process.exitCode = result.lost === 0 && result.duplicated === 0 ? 0 : 1;
