import type { Redis } from 'ioredis';
import { backendPids } from './bench-db.ts';
import { redisCpuSeconds } from './bench-redis.ts';
import { allProcessesCpu, machineCpuSeconds, processCpuSeconds, sumCpuSeconds } from './cpu.ts';

/** Who may spend CPU on a request: the server, its database backends, Redis, the load generator. */
export interface CpuParties {
  serverPid: number;
  postgres?: { url: string; database: string };
  redis?: Redis;
}

interface Snapshot {
  server: number | null;
  postgres: Map<number, number>;
  redis: number | null;
  generator: number;
  machine: { busy: number; total: number } | null;
  everyone: Map<number, { command: string; seconds: number }>;
}

/** Milliseconds of CPU per request for each party, and how busy the machine was. */
export interface CpuUse {
  serverMs: number | null;
  postgresMs: number | null;
  redisMs: number | null;
  generatorMs: number;
  /** Busy share of all cores over the phase, 0..1. */
  machineBusy: number | null;
  /** The share of all cores busy with anything but the parties above (other processes), 0..1. */
  othersBusy: number | null;
  /** The other processes' share by command name (`node`, `postgres`, ...), biggest first. */
  othersByCommand: Array<{ command: string; busy: number }>;
}

/** Counted already, through INFO: Redis (the parties' own pids are left out by pid). */
const COUNTED_COMMANDS = new Set(['redis-server']);

export async function cpuSnapshot(parties: CpuParties): Promise<Snapshot> {
  const pids = parties.postgres ? await backendPids(parties.postgres.url, parties.postgres.database) : [];
  const usage = process.cpuUsage();
  return {
    server: processCpuSeconds(parties.serverPid),
    postgres: sumCpuSeconds(pids),
    redis: parties.redis ? await redisCpuSeconds(parties.redis) : null,
    generator: (usage.user + usage.system) / 1e6,
    machine: machineCpuSeconds(),
    everyone: allProcessesCpu(),
  };
}

export function cpuUse(before: Snapshot, after: Snapshot, requests: number, parties: CpuParties): CpuUse {
  const perRequest = (seconds: number | null) =>
    seconds === null || requests === 0 ? null : (seconds * 1000) / requests;
  // A backend that appeared during the phase counts from zero; one that left is not counted.
  let postgres: number | null = null;
  if (after.postgres.size > 0) {
    postgres = 0;
    for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  }
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  const server = delta(before.server, after.server);
  const redis = delta(before.redis, after.redis);
  const generator = after.generator - before.generator;
  let machine: number | null = null;
  let others: number | null = null;
  if (before.machine && after.machine) {
    const total = after.machine.total - before.machine.total;
    const busy = after.machine.busy - before.machine.busy;
    const counted = (server ?? 0) + (postgres ?? 0) + (redis ?? 0) + generator;
    machine = busy / total;
    others = Math.max(0, busy - counted) / total;
  }
  const ours = new Set([parties.serverPid, process.pid, ...after.postgres.keys()]);
  const byCommand = new Map<string, number>();
  for (const [pid, now] of after.everyone) {
    if (ours.has(pid) || COUNTED_COMMANDS.has(now.command)) continue;
    const used = now.seconds - (before.everyone.get(pid)?.seconds ?? 0);
    if (used > 0) byCommand.set(now.command, (byCommand.get(now.command) ?? 0) + used);
  }
  const total = before.machine && after.machine ? after.machine.total - before.machine.total : 0;
  const othersByCommand = [...byCommand]
    .map(([command, seconds]) => ({ command, busy: total > 0 ? seconds / total : 0 }))
    .filter((entry) => entry.busy >= 0.01)
    .sort((a, b) => b.busy - a.busy);
  return {
    serverMs: perRequest(server),
    postgresMs: perRequest(postgres),
    redisMs: perRequest(redis),
    generatorMs: perRequest(generator) ?? 0,
    machineBusy: machine,
    othersBusy: others,
    othersByCommand,
  };
}
