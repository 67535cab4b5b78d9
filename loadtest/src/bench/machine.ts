import { availableParallelism, cpus, release, totalmem, type } from 'node:os';
import postgres from 'postgres';
import { withDatabase } from './bench-db.ts';
import { connectRedis } from './bench-redis.ts';

export interface MachineNotes {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  os: string;
  postgres: string | null;
  redis: string | null;
}

/** What the figures depend on, without anything that names this checkout's location. */
export async function machineNotes(databaseUrl?: string, redisUrl?: string): Promise<MachineNotes> {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${type()} ${release()}`,
    postgres: databaseUrl ? await postgresVersion(databaseUrl).catch(() => null) : null,
    redis: redisUrl ? await redisVersion(redisUrl).catch(() => null) : null,
  };
}

async function postgresVersion(url: string): Promise<string> {
  const sql = postgres(withDatabase(url, 'postgres'), { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`;
    return row?.server_version.split(' ')[0] ?? 'unknown';
  } finally {
    await sql.end();
  }
}

async function redisVersion(url: string): Promise<string> {
  const redis = connectRedis(url);
  try {
    await redis.connect();
    return (await redis.info('server')).match(/^redis_version:(\S+)/m)?.[1] ?? 'unknown';
  } finally {
    redis.disconnect();
  }
}
