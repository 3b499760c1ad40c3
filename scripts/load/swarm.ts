import { fork, type ChildProcess } from 'node:child_process';

/** What the parent asks of the swarm. */
export type SwarmCommand =
  | { type: 'open'; url: string; count: number; batch: number }
  | { type: 'close'; indexes: number[] }
  | { type: 'send'; index: number; text: string }
  | { type: 'report'; seqs?: number[] }
  | { type: 'exit' };

/** Delivery counts of one `m:<seq>` message across the swarm's clients. */
export interface MessageStats {
  seq: number;
  /** Clients that got it at least once. */
  delivered: number;
  /** Extra copies beyond the first, over all clients. */
  duplicates: number;
  /** Clients still open that have not got it. */
  missing: number;
  /** Epoch ms (fractional) of the last copy's arrival. */
  lastAt: number;
}

export type SwarmReply =
  | { type: 'ready' }
  | { type: 'opened'; open: number; failed: number }
  | { type: 'closed'; open: number }
  | { type: 'report'; open: number; messages: MessageStats[] };

/**
 * Many WebSocket clients in a child process of their own (this machine allows 20,000 open
 * files per process), for load tests, the soak and the benchmark.
 */
export class Swarm {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<Swarm> {
    const child = fork(new URL('./swarm-worker.js', import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // The clients are the load, not the code under test: no coverage (c8) slows them down.
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_V8_COVERAGE')),
    });
    const swarm = new Swarm(child);
    await swarm.next('ready');
    return swarm;
  }

  /** Opens `count` more clients, `batch` handshakes at a time. */
  async open(url: string, count: number, batch = 100): Promise<{ open: number; failed: number }> {
    this.child.send({ type: 'open', url, count, batch } satisfies SwarmCommand);
    return this.next('opened');
  }

  async close(indexes: number[]): Promise<{ open: number }> {
    this.child.send({ type: 'close', indexes } satisfies SwarmCommand);
    return this.next('closed');
  }

  /** Sends a frame from client `index`. */
  send(index: number, text: string): void {
    this.child.send({ type: 'send', index, text } satisfies SwarmCommand);
  }

  /** Open clients, and delivery counts of every message (or only of `seqs`: cheaper with many clients). */
  async report(seqs?: number[]): Promise<{ open: number; messages: MessageStats[] }> {
    this.child.send({ type: 'report', seqs } satisfies SwarmCommand);
    return this.next('report');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'exit' } satisfies SwarmCommand);
    await exited;
  }

  private next<T extends SwarmReply['type']>(type: T): Promise<Extract<SwarmReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: SwarmReply) => {
        if (message.type !== type) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(message as Extract<SwarmReply, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the swarm exited (${code}) while waiting for "${type}"`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }
}
