import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StackError } from './errors.ts';
import { localLayout } from './local-dir.ts';
import { freePort } from './ports.ts';
import { isAlive } from './processes.ts';
import { startStack } from './stack.ts';

/**
 * A stand-in service: answers /readyz on PORT or HEALTH_PORT with the environment it
 * was given, records its pid, exits on SIGTERM. `FAIL_AT_START` makes it exit at once.
 */
const standIn = `
import { createServer } from 'node:http';
if (process.env.FAIL_AT_START) process.exit(3);
const port = Number(process.env.HEALTH_PORT || process.env.PORT);
createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ pid: process.pid, env: process.env }));
}).listen(port, '127.0.0.1');
console.log('stand-in listening on', port);
process.on('SIGTERM', () => process.exit(0));
`;

let dir = '';
let databaseUrl = '';
const adminUrl = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
adminUrl.pathname = '/postgres';
const databaseName = `qh_stack_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qh-stack-run-'));
  await writeFile(join(dir, 'stand-in.mjs'), standIn);
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
});

afterAll(async () => {
  const sql = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists ${databaseName} with (force)`);
  await sql.end();
  await rm(dir, { recursive: true, force: true });
});

function options(extraEnv: NodeJS.ProcessEnv = {}) {
  const entry = join(dir, 'stand-in.mjs');
  return {
    layout: localLayout(join(dir, 'local')),
    entries: { intake: entry, dispatcher: entry, fulfilment: entry },
    readyTimeoutMs: 30_000,
    env: { ...process.env, DATABASE_URL: databaseUrl, OPS_API_KEY: '', ...extraEnv },
  };
}

async function envOf(url: string): Promise<{ pid: number; env: Record<string, string> }> {
  return (await fetch(url)).json() as Promise<{ pid: number; env: Record<string, string> }>;
}

describe('startStack', () => {
  it('migrates, starts the services with their settings, and stops them all', async () => {
    const port = await freePort();
    const stack = await startStack(options({ PORT: String(port), LOG_LEVEL: 'warn' }));
    const intake = await envOf(`${stack.baseUrl}/readyz`);
    expect(stack.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(intake.env).toMatchObject({
      DATABASE_URL: databaseUrl,
      OPS_API_KEY: stack.opsKey.key,
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
    });
    expect(stack.opsKey.source).toBe('generated');

    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const versions = await sql`select version from schema_migrations`;
    await sql.end();
    expect(versions.length).toBeGreaterThan(0);

    await stack.stop();
    expect(isAlive(intake.pid)).toBe(false);
    await expect(fetch(`${stack.baseUrl}/readyz`)).rejects.toThrow();
  }, 60_000);

  it('fails with the name of a service that exits while starting', async () => {
    const port = await freePort();
    const started = startStack(options({ PORT: String(port), FAIL_AT_START: 'yes' }));
    await expect(started).rejects.toThrow(StackError);
    await expect(started).rejects.toThrow(/exited while starting/);
  }, 60_000);

  it('reports a service that dies later through firstExit', async () => {
    const stack = await startStack(options({ PORT: String(await freePort()) }));
    try {
      const intake = await envOf(`${stack.baseUrl}/readyz`);
      process.kill(intake.pid, 'SIGKILL');
      expect(await stack.firstExit).toMatchObject({ name: 'intake', signal: 'SIGKILL' });
    } finally {
      await stack.stop();
    }
  }, 60_000);

  it('refuses a busy PORT before starting anything', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => busy.once('listening', resolve));
    const address = busy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startStack(options({ PORT: String(port) }))).rejects.toThrow(/already in use/);
    } finally {
      busy.close();
    }
  });
});
