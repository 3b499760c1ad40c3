import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway } from 'sam-local-websocket';
import { Swarm } from './swarm.js';

export interface SoakOptions {
  /** Clients connected throughout. Default 1,000. */
  clients: number;
  /** Broadcasts sent per second, from the clients in turn. Default 20. */
  rate: number;
  /** How long broadcasts are sent. Default 60. */
  seconds: number;
  /** After sending stops, the longest to wait for deliveries still under way (it also stops after 10 s without progress). Default 900 s. */
  drainSeconds: number;
}

export const DEFAULT_SOAK: SoakOptions = { clients: 1000, rate: 20, seconds: 60, drainSeconds: 900 };

export interface SoakResult {
  clients: number;
  rate: number;
  seconds: number;
  messagesSent: number;
  deliveriesExpected: number;
  deliveriesSeen: number;
  lost: number;
  duplicated: number;
  /** Clients that stayed connected to the end. */
  clientsAtEnd: number;
  /** From the first send to the last delivery. */
  elapsedSeconds: number;
  /** Per broadcast, from its send to its last delivery: median and worst, in ms. */
  latencyP50Ms: number;
  latencyMaxMs: number;
  /** The gateway process's resident memory (gateway, functions and store; the clients live apart). */
  memoryStartMb: number;
  memoryEndMb: number;
  /** Invocation lines that were not a 200 (timeouts, errors). */
  failedInvocations: number;
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

/**
 * N clients, M broadcasts a second for S seconds: every client that stayed connected must
 * receive every broadcast exactly once. Runs the local gateway in this process and the
 * clients in a child process.
 */
export async function runSoak(overrides: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const options = { ...DEFAULT_SOAK, ...overrides };
  let failedInvocations = 0;
  const gateway = await startGateway({
    port: 0,
    dbPort: 0,
    // One line per invocation would be millions of lines: count the failures only.
    log: () => {},
    onInvocation: (outcome) => {
      if (outcome.kind === 'route' && outcome.status !== 200) failedInvocations++;
    },
  });
  const swarm = await Swarm.start();
  try {
    const opened = await swarm.open(gateway.url, options.clients);
    if (opened.failed > 0) throw new Error(`${opened.failed} of ${options.clients} clients could not connect`);
    const memoryStartMb = rssMb();

    const total = Math.round(options.rate * options.seconds);
    const sentAt: number[] = [];
    const started = performance.timeOrigin + performance.now();
    for (let seq = 0; seq < total; seq++) {
      // Keep to the schedule: the n-th broadcast leaves at n / rate seconds.
      const due = started + (seq * 1000) / options.rate;
      const wait = due - (performance.timeOrigin + performance.now());
      if (wait > 0) await sleep(wait);
      sentAt[seq] = performance.timeOrigin + performance.now();
      swarm.send(seq % options.clients, JSON.stringify({ action: 'broadcast', data: `m:${seq}` }));
    }

    // Drain: until every message reached every open client, or no progress for a while.
    let report = await swarm.report();
    let lastSeen = -1;
    let stalledSince = Date.now();
    const drainUntil = Date.now() + options.drainSeconds * 1000;
    for (;;) {
      const seen = report.messages.reduce((sum, message) => sum + message.delivered, 0);
      const complete = report.messages.length === total && report.messages.every((message) => message.missing === 0);
      if (complete || Date.now() > drainUntil) break;
      if (seen !== lastSeen) {
        lastSeen = seen;
        stalledSince = Date.now();
      } else if (Date.now() - stalledSince > 10_000) break;
      await sleep(250);
      report = await swarm.report();
    }

    const deliveriesSeen = report.messages.reduce((sum, message) => sum + message.delivered, 0);
    const deliveriesExpected = total * report.open;
    const lastAt = Math.max(started, ...report.messages.map((message) => message.lastAt));
    const latencies = report.messages.map((message) => message.lastAt - sentAt[message.seq]).sort((a, b) => a - b);
    return {
      clients: options.clients,
      rate: options.rate,
      seconds: options.seconds,
      messagesSent: total,
      deliveriesExpected,
      deliveriesSeen,
      lost: deliveriesExpected - Math.min(deliveriesExpected, deliveriesSeen),
      duplicated: report.messages.reduce((sum, message) => sum + message.duplicates, 0),
      clientsAtEnd: report.open,
      elapsedSeconds: Math.round(lastAt - started) / 1000,
      latencyP50Ms: Math.round(latencies[Math.floor(latencies.length / 2)] ?? 0),
      latencyMaxMs: Math.round(latencies.at(-1) ?? 0),
      memoryStartMb,
      memoryEndMb: rssMb(),
      failedInvocations,
    };
  } finally {
    await swarm.stop();
    await gateway.close();
  }
}
