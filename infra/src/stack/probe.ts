import { Redis } from 'ioredis';
import postgres from 'postgres';

/**
 * What a configured URL told us: a server answered and accepts us, nothing listens there
 * (so a private server may take its place), or something answered and refused us (a
 * wrong password, another program on the port), which only the person running it can fix.
 */
export type Probe =
  | { state: 'ready' }
  | { state: 'absent'; reason: string }
  | { state: 'refused'; reason: string };

const unreachable = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
]);

function errorCode(error: unknown): string {
  return String((error as { code?: unknown } | undefined)?.code ?? '');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class ProbeTimeout extends Error {}

/** postgres.js waits forever when the peer speaks another protocol, so the probe has its own deadline. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export async function probePostgres(url: string, timeoutMs = 2_000): Promise<Probe> {
  const sql = postgres(url, { max: 1, connect_timeout: Math.ceil(timeoutMs / 1000), onnotice: () => {} });
  try {
    await withDeadline(sql`select 1`, timeoutMs + 500);
    return { state: 'ready' };
  } catch (error) {
    const code = errorCode(error);
    // A missing database still means the server answers; start.ts creates it.
    if (code === '3D000') return { state: 'ready' };
    if (unreachable.has(code)) return { state: 'absent', reason: code };
    if (error instanceof ProbeTimeout)
      return { state: 'refused', reason: 'the port answers but not as PostgreSQL' };
    return { state: 'refused', reason: errorText(error) };
  } finally {
    void sql.end({ timeout: 0 }).catch(() => {});
  }
}

export async function probeRedis(url: string, timeoutMs = 2_000): Promise<Probe> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The awaited calls only say "Connection is closed."; the cause arrives as an event.
  let cause: unknown;
  redis.on('error', (error) => {
    cause ??= error;
  });
  try {
    await withDeadline(
      redis.connect().then(() => redis.ping()),
      timeoutMs + 500,
    );
    return { state: 'ready' };
  } catch (error) {
    const code = errorCode(cause) || errorCode(error);
    if (unreachable.has(code)) return { state: 'absent', reason: code };
    if (error instanceof ProbeTimeout)
      return { state: 'refused', reason: 'the port answers but not as Redis' };
    return { state: 'refused', reason: errorText(cause ?? error) };
  } finally {
    redis.disconnect();
  }
}
