/**
 * A child process holding many WebSocket clients (a process may open only so many files),
 * driven by its parent over IPC: see swarm.ts. Every frame of the form `m:<seq>` is counted
 * per message and per client, so losses and duplicates can be told apart.
 */
import WebSocket from 'ws';
import type { SwarmCommand, SwarmReply, MessageStats } from './swarm.js';

const clients: (WebSocket | undefined)[] = [];
/** Per message: how often each client got it, and when the last copy arrived. */
const received = new Map<number, { perClient: Uint8Array; lastAt: number }>();
const now = () => performance.timeOrigin + performance.now();
const reply = (message: SwarmReply) => process.send!(message);

function track(index: number, frame: string): void {
  if (!frame.startsWith('m:')) return;
  const seq = Number(frame.slice(2, frame.indexOf(':', 2) === -1 ? undefined : frame.indexOf(':', 2)));
  let entry = received.get(seq);
  if (!entry) {
    entry = { perClient: new Uint8Array(Math.max(clients.length, 1)), lastAt: 0 };
    received.set(seq, entry);
  }
  if (index >= entry.perClient.length) {
    const grown = new Uint8Array(clients.length);
    grown.set(entry.perClient);
    entry.perClient = grown;
  }
  entry.perClient[index] = Math.min(255, entry.perClient[index] + 1);
  entry.lastAt = now();
}

function openOne(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const index = clients.length;
    const socket = new WebSocket(url);
    clients.push(socket);
    socket.on('message', (data) => track(index, data.toString()));
    socket.once('open', () => resolve(true));
    socket.once('error', () => {
      clients[index] = undefined;
      resolve(false);
    });
    socket.once('close', () => {
      clients[index] = undefined;
    });
  });
}

async function open(url: string, count: number, batch: number): Promise<number> {
  let failed = 0;
  for (let done = 0; done < count; done += batch) {
    const results = await Promise.all(Array.from({ length: Math.min(batch, count - done) }, () => openOne(url)));
    failed += results.filter((ok) => !ok).length;
  }
  return failed;
}

function stats(seqs?: number[]): MessageStats[] {
  const open = clients.map((client) => client?.readyState === WebSocket.OPEN);
  const entries = seqs ? seqs.flatMap((seq) => (received.has(seq) ? [[seq, received.get(seq)!] as const] : [])) : [...received];
  return entries.map(([seq, entry]) => {
    let delivered = 0;
    let duplicates = 0;
    let missing = 0;
    for (let i = 0; i < clients.length; i++) {
      const copies = entry.perClient[i] ?? 0;
      if (copies > 0) delivered++;
      if (copies > 1) duplicates += copies - 1;
      if (copies === 0 && open[i]) missing++;
    }
    return { seq, delivered, duplicates, missing, lastAt: entry.lastAt };
  });
}

process.on('message', async (command: SwarmCommand) => {
  switch (command.type) {
    case 'open': {
      const failed = await open(command.url, command.count, command.batch);
      reply({ type: 'opened', open: clients.filter(Boolean).length, failed });
      break;
    }
    case 'close': {
      const victims = command.indexes.map((index) => clients[index]).filter((client): client is WebSocket => Boolean(client));
      await Promise.all(
        victims.map(
          (client) =>
            new Promise((resolve) => {
              client.once('close', resolve);
              client.close();
            }),
        ),
      );
      reply({ type: 'closed', open: clients.filter(Boolean).length });
      break;
    }
    case 'send':
      clients[command.index]?.send(command.text);
      break;
    case 'report':
      reply({ type: 'report', open: clients.filter((client) => client?.readyState === WebSocket.OPEN).length, messages: stats(command.seqs) });
      break;
    case 'exit':
      for (const client of clients) client?.terminate();
      process.exit(0);
  }
});
reply({ type: 'ready' });
