/** The messages between the engine's thread (./worker.ts) and the store that started it (../store.ts). */

/** What the engine is started with. */
export interface EngineOptions {
  port: number;
  host: string;
  /** Folder of the database; in memory when unset. */
  path?: string;
  /** How often expired items are deleted (TTL), in ms. */
  ttlIntervalMs: number;
}

/** A command from the store; answered by a {@link EngineReply} with the same id. */
export interface EngineCommand {
  id: number;
  type: 'pause' | 'resume' | 'refuse' | 'idle' | 'close';
}

export interface EngineFailure {
  message: string;
  code?: string;
}

export type EngineReply = { id: number; ok: true } | { id: number; ok: false; error: EngineFailure };

/** What the engine says of itself once started. */
export type EngineStarted = { type: 'listening'; port: number } | { type: 'failed'; error: EngineFailure };

export type EngineMessage = EngineReply | EngineStarted;
