import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const READY_POLL_MS = 200;
const STOP_GRACE_MS = 15_000;
const TAIL_LINES = 40;

/** A server the bench started as its own child process, on loopback. */
export interface ChildService {
  name: string;
  pid: number;
  url: string;
  /** The last lines it wrote, for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

/** A free loopback port: bound once by us, then released for the child to take. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * Starts `node <args>` in `cwd` and waits until GET <url><readyPath> answers 200. Its
 * output is kept (and echoed with a prefix when `echo` is set) so a failed start says why.
 */
export async function startChild(options: {
  name: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  port: number;
  readyPath: string;
  readyTimeoutMs: number;
  echo?: (line: string) => void;
}): Promise<ChildService> {
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      options.echo?.(`[${options.name}] ${line}`);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${options.port}`;
  const service: ChildService = {
    name: options.name,
    pid: child.pid ?? -1,
    url,
    tail: () => lines.join('\n'),
    stop: () => stopChild(child, exited),
  };
  try {
    await waitReady(`${url}${options.readyPath}`, exited, options.readyTimeoutMs);
  } catch (error) {
    await service.stop();
    throw new Error(`${options.name} did not become ready: ${(error as Error).message}\n${service.tail()}`);
  }
  return service;
}

async function waitReady(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`it exited with code ${exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`no 200 from ${url} within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
