import { Redis, ReplyError } from 'ioredis';
import { PortalLoginError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';

/**
 * One connection to the shared Redis, with bounds on every wait: a dead or
 * hung Redis fails a run in seconds (STORE_UNAVAILABLE), never hangs it.
 * ioredis' defaults retry a command on 20 reconnects and reconnect forever.
 */
const CONNECT_TIMEOUT_MS = 2_000;
/** Longer than any command we send takes; a Redis that stopped answering (SIGSTOP, a full network buffer) ends here. */
const COMMAND_TIMEOUT_MS = 5_000;
/** Reconnects tried after a drop (200, 400, 600 ms apart) before the connection is given up for this run. */
const RECONNECTS = 3;

export interface RedisConnection {
  client: Redis;
  /** `host:port`, for messages and store addresses: never the password. */
  address: string;
  /**
   * Runs `run`; a failure of Redis itself (refused, dropped, timed out,
   * wrong password) becomes STORE_UNAVAILABLE saying what was being done.
   */
  call<T>(what: string, run: (client: Redis) => Promise<T>): Promise<T>;
  /** Ends the connection (politely when it is up); never fails. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** The environment variable the URL came from (store.redis.urlEnv), for messages. */
  urlEnv: string;
  /** The URL's password is registered with it before anything can print it. */
  redactor: Redactor;
}

/** Connects to the Redis at `url` (redis:// or rediss://) and checks that it answers; STORE_UNAVAILABLE when it does not. */
export async function connectRedis(url: string, options: ConnectOptions): Promise<RedisConnection> {
  const parsed = parseRedisUrl(url, options);
  const address = `${parsed.hostname}:${parsed.port || '6379'}`;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => (times > RECONNECTS ? null : 200 * times),
  });
  // Without a listener ioredis prints every reconnect failure itself. The socket's own error (ECONNREFUSED,
  // WRONGPASS) arrives only here; a command then fails with a bare "Connection is closed", so the reason is kept.
  let lastSocketError: Error | undefined;
  client.on('error', (error: Error) => void (lastSocketError = error));
  client.on('ready', () => void (lastSocketError = undefined));
  const call = async <T>(what: string, run: (client: Redis) => Promise<T>): Promise<T> => {
    try {
      return await run(client);
    } catch (error) {
      throw unavailable(error, lastSocketError, { address, what, ...options });
    }
  };
  const connection: RedisConnection = { client, address, call, close: () => closeQuietly(client) };
  try {
    await call('connecting', async (c) => {
      await c.connect();
      await c.ping();
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

function parseRedisUrl(url: string, options: ConnectOptions): URL {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed) {
    options.redactor.add(parsed.password);
    options.redactor.add(decodeURIComponent(parsed.password));
  } else {
    // Unparsable: the whole value may be a password typed into the wrong place.
    options.redactor.add(url);
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    // Not echoed: it holds a password.
    throw new PortalLoginError('SECRET_INVALID', `${options.urlEnv} (store.redis.urlEnv) is not a redis:// or rediss:// URL with a host.`, {
      hint: `Set ${options.urlEnv} to redis://:PASSWORD@HOST:6379 (rediss:// for TLS; add /DB for another database), in .env or the environment.`,
    });
  }
  return parsed;
}

/** Redis' own answer to a bad password; any other reply error is a bug in our commands, not an outage. */
const AUTH_REPLY = /^(WRONGPASS|NOAUTH|NOPERM)/;

function unavailable(error: unknown, socketError: Error | undefined, facts: ConnectOptions & { address: string; what: string }): unknown {
  if (error instanceof PortalLoginError) return error;
  if (error instanceof ReplyError && !AUTH_REPLY.test(firstLine(error))) return error;
  // The command's own error first when it says something ("Command timed out"); else why the socket went.
  const generic = error instanceof Error && /Connection is closed|max retries per request/i.test(error.message);
  const message = firstLine(generic && socketError ? socketError : error).replace(/\.$/, '');
  const auth = AUTH_REPLY.test(message);
  return new PortalLoginError('STORE_UNAVAILABLE', facts.redactor.redact(`Redis at ${facts.address} (store.redis, ${facts.urlEnv}) ${auth ? 'refused the password' : 'is unavailable'} while ${facts.what}: ${message}.`), {
    hint: auth
      ? `Check the password in ${facts.urlEnv} (redis://:PASSWORD@${facts.address}). Nothing was written.`
      : `Check that Redis is running and reachable from this machine (redis-cli -h ${facts.address.replace(/:(\d+)$/, ' -p $1')} ping), then run again. The last good session is unchanged: a session is written to Redis in one step or not at all.`,
    cause: error,
  });
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

async function closeQuietly(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => undefined);
  client.disconnect();
}
