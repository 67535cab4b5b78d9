import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes and of the machine from /proc (Linux), so a load phase can say
 * what one request cost each party: the server, PostgreSQL, Redis, the load generator.
 * Elsewhere every reading is null and the report says "n/a".
 */

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU seconds a process has used, or null when it cannot be read. */
export function processCpuSeconds(pid: number): number | null {
  return readStat(pid)?.seconds ?? null;
}

function readStat(pid: number): { command: string; seconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    if (!Number.isFinite(user + system)) return null;
    return { command: stat.slice(stat.indexOf('(') + 1, close), seconds: (user + system) / clockTicks() };
  } catch {
    return null;
  }
}

/** CPU seconds and command name of every process we may read, by pid. */
export function allProcessesCpu(): Map<number, { command: string; seconds: number }> {
  const all = new Map<number, { command: string; seconds: number }>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return all;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) all.set(Number(entry), stat);
  }
  return all;
}

/** Busy and total CPU seconds of the whole machine, all cores together. */
export function machineCpuSeconds(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: (total - idle) / clockTicks(), total: total / clockTicks() };
  } catch {
    return null;
  }
}

/** CPU seconds of many processes together; processes that vanished count as nothing. */
export function sumCpuSeconds(pids: readonly number[]): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    const value = processCpuSeconds(pid);
    if (value !== null) seconds.set(pid, value);
  }
  return seconds;
}
