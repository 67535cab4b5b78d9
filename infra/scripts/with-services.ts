/**
 * with-services [--keep] -- <command...>
 *
 * Runs a command with PostgreSQL and Redis available: the configured DATABASE_URL and
 * REDIS_URL when they answer, else private servers under .local/ (see docs/LOCAL-STACK.md).
 * The command gets the URLs in its environment; its exit code becomes ours.
 * --keep  leave private servers this run started running for later commands
 *         (`npm run services:down` stops them).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ensureDatabase } from '@quarterhour/db';
import { runCli, splitArgs } from '../src/stack/cli.ts';
import { loadDotEnv } from '../src/stack/dot-env.ts';
import { StackError } from '../src/stack/errors.ts';
import { say } from '../src/stack/say.ts';
import { ensureServices } from '../src/stack/services.ts';

runCli(async () => {
  loadDotEnv();
  const { flags, command } = splitArgs(process.argv.slice(2));
  const unknown = flags.filter((flag) => flag !== '--keep');
  if (unknown.length || command.length === 0) {
    throw new StackError(
      `usage: with-services [--keep] -- <command...>${unknown.length ? ` (unknown: ${unknown})` : ''}`,
    );
  }
  const [program = '', ...args] = command;

  const services = await ensureServices({ keep: flags.includes('--keep') });
  try {
    // Commands may expect the configured database itself to exist, not just the server.
    await ensureDatabase(services.databaseUrl).catch((error: Error) =>
      say(`could not create the database of DATABASE_URL (${error.message}); continuing`),
    );
    return await run(program, args, {
      ...process.env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
    });
  } finally {
    await services.release();
  }
});

/**
 * The command shares our terminal and process group, so Ctrl-C reaches it directly and
 * we only wait. SIGTERM and SIGHUP usually target one process (a CI runner, a closed
 * session), so those are passed on.
 */
function run(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolveCode) => {
    const child = spawn(program, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    process.on('SIGINT', () => {});
    process.on('SIGTERM', forward('SIGTERM'));
    process.on('SIGHUP', forward('SIGHUP'));
    child.on('error', (error) => {
      say(`could not run ${program}: ${error.message}`);
      resolveCode(127);
    });
    child.on('exit', (code, signal) => resolveCode(code ?? 128 + (signal ? constants.signals[signal] : 1)));
  });
}
