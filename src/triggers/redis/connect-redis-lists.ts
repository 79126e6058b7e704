// The Redis connection of the trigger consumer: node-redis on a connection of its own (a blocking BLMOVE holds a
// connection for as long as it waits), reconnecting with a growing delay, reporting each change of state.
import { createClient, RESP_TYPES } from 'redis';
import { reconnectDelayMs } from '../reconnect-delay-ms.ts';
import type { ConnectionState } from '../trigger-states.ts';
import type { TriggerListStore } from './trigger-list-store.ts';

export interface RedisListsOptions {
  url: string;
  /** From PASSWORD_FILE; wins over a password in the URL. */
  password?: string;
  /** Shown by CLIENT LIST, so an operator can tell which service holds which connection. */
  clientName: string;
  /** Called on each change of state; `detail` says why a connection was lost or refused. */
  onStateChange(state: ConnectionState, detail?: string): void;
  /** Errors that change no state (a failed retry while reconnecting). */
  onQuietError(message: string): void;
}

export interface RedisLists extends TriggerListStore {
  readonly state: ConnectionState;
  /** Drops the connection at once: a blocked BLMOVE fails, nothing reconnects. */
  close(): void;
}

/** A health PING when the connection is idle; a dead peer (no answer, no TCP reset) is given up after the timeout. */
const PING_INTERVAL_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 5_000;

/** Starts connecting at once; commands given before the connection is ready wait for it. */
export function connectRedisLists(options: RedisListsOptions): RedisLists {
  let state: ConnectionState = 'connecting';
  let closed = false;
  const setState = (next: ConnectionState, detail?: string): void => {
    if (next === state) return;
    state = next;
    options.onStateChange(next, detail);
  };
  const client = createClient({
    url: options.url,
    ...(options.password === undefined ? {} : { password: options.password }),
    name: options.clientName,
    pingInterval: PING_INTERVAL_MS,
    // NOTE: no command timeout (node-redis gives 5 s by default): a BLMOVE waits as long as it was told, and while
    // Redis is away commands wait for the reconnection instead of failing in a loop. The socket timeout and the
    // PING find a dead connection.
    commandOptions: { timeout: 0 },
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => reconnectDelayMs(retries),
    },
    // NOTE: messages as bytes: a message that is not valid UTF-8 must be removed with exactly the bytes it has.
  }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });

  client.on('ready', () => setState('connected'));
  client.on('error', (error: unknown) => {
    const message = error instanceof Error ? error.message || error.name : String(error);
    if (closed) return;
    if (state === 'reconnecting') options.onQuietError(message);
    else setState('reconnecting', message);
  });
  client.on('end', () => setState('off'));
  // The first attempt's failure and every later one are retried by reconnectStrategy; connect() settles on the first
  // success, or fails when the client is closed before.
  client.connect().catch(() => {});

  return {
    get state() {
      return state;
    },
    async takeOldest(from, to, timeoutS) {
      return (await client.blMove(from, to, 'RIGHT', 'LEFT', timeoutS)) as Buffer | null;
    },
    async peekOldest(list) {
      return (await client.lIndex(list, -1)) as Buffer | null;
    },
    async removeOldest(list, message) {
      await client.lRem(list, -1, message);
    },
    async moveToDeadLetter(from, dead, message, keep) {
      await client
        .multi()
        .lPush(dead, message)
        .lTrim(dead, 0, keep - 1)
        .lRem(from, -1, message)
        .exec();
    },
    close() {
      if (closed) return;
      closed = true;
      client.destroy();
      setState('off');
    },
  };
}
