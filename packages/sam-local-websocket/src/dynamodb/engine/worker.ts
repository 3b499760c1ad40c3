/**
 * The engine's thread: dynalite and everything the engine adds, behind its own HTTP server.
 * Nothing here runs on the thread that serves sockets; the parent (../store.ts) starts it,
 * and pauses, resumes and closes it by message.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { loadDynalite } from './dynalite.js';
import { engineHandler } from './http.js';
import { EngineGate } from './gate.js';
import { addedOperations } from './operations.js';
import type { EngineCommand, EngineMessage, EngineOptions } from './protocol.js';

/** Opens the database, serves it, and obeys the store's commands. */
function serveEngine(): void {
  const options = workerData.options as EngineOptions;
  const port = parentPort!;
  const post = (message: EngineMessage) => port.postMessage(message);

  const dynalite = loadDynalite({ path: options.path });
  const gate = new EngineGate();
  const added = addedOperations(dynalite, gate, { ttlIntervalMs: options.ttlIntervalMs });
  const server: Server = createServer(engineHandler(dynalite, gate, added.operations));

  const listen = (listenPort: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, options.host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const closeDatabase = () => new Promise<void>((resolve) => dynalite.store.lifecycleManager.gracefulClose(() => resolve()));

  let boundPort = 0;
  const commands: Record<EngineCommand['type'], () => Promise<unknown>> = {
    pause: stopListening,
    resume: async () => {
      if (!server.listening) await listen(boundPort);
    },
    refuse: async () => {
      gate.refuse();
      server.closeIdleConnections();
    },
    idle: () => gate.idle(),
    close: async () => {
      gate.refuse();
      added.stop();
      await stopListening();
      await closeDatabase();
    },
  };

  port.on('message', (command: EngineCommand) => {
    commands[command.type]()
      .then(() => post({ id: command.id, ok: true }))
      .catch((error: NodeJS.ErrnoException) => post({ id: command.id, ok: false, error: { message: error.message, code: error.code } }));
  });

  listen(options.port)
    .then((listening) => {
      boundPort = listening;
      added.start();
      post({ type: 'listening', port: listening });
    })
    .catch((error: NodeJS.ErrnoException) => post({ type: 'failed', error: { message: error.message, code: error.code } }));
}

serveEngine();
