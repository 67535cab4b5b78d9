import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { repoRoot } from './local-dir.ts';
import { prefixLines } from './prefix-lines.ts';

export interface ServiceSpec {
  name: string;
  /** The entry file, run as `node --import tsx <entry>` from the repository root. */
  entry: string;
  env: NodeJS.ProcessEnv;
}

export interface ServiceExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The services of a local stack as child processes: their output prefixed with their
 * name, the first exit reported (a service that stops on its own is a failure), and an
 * orderly stop: SIGTERM, then SIGKILL for any that outlive the timeout.
 */
export class ServiceProcesses {
  private readonly children = new Map<string, ChildProcess>();
  private readonly exited = new Set<string>();
  private reportExit: (exit: ServiceExit) => void = () => {};
  /** Resolves when the first service exits, for whatever reason. */
  readonly firstExit = new Promise<ServiceExit>((resolveExit) => {
    this.reportExit = resolveExit;
  });

  start(spec: ServiceSpec): void {
    const child = spawn(process.execPath, ['--import', 'tsx', spec.entry], {
      cwd: repoRoot,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches only the supervisor, which
      // then stops the services in order instead of all at once.
      detached: true,
    });
    this.children.set(spec.name, child);
    const prefix = `${spec.name.padEnd(10)} | `;
    void prefixLines(child.stdout, prefix, process.stdout);
    void prefixLines(child.stderr, prefix, process.stderr);
    child.on('error', (error) => {
      process.stderr.write(`${prefix}could not start: ${error.message}\n`);
    });
    child.on('exit', (code, signal) => {
      this.exited.add(spec.name);
      this.reportExit({ name: spec.name, code, signal });
    });
  }

  hasExited(name: string): boolean {
    return this.exited.has(name);
  }

  async stop(timeoutMs: number): Promise<void> {
    await Promise.all(
      [...this.children].map(async ([name, child]) => {
        if (this.exited.has(name)) return;
        const gone = once(child, 'exit');
        signalGroup(child, 'SIGTERM');
        const timer = setTimeout(() => {
          process.stderr.write(`${name.padEnd(10)} | did not stop within ${timeoutMs} ms; killing it\n`);
          signalGroup(child, 'SIGKILL');
        }, timeoutMs);
        await gone;
        clearTimeout(timer);
      }),
    );
  }
}

/** The whole group, so anything a service started goes too. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
