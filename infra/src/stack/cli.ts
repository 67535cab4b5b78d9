import { ConfigError } from '@quarterhour/config';
import { StackError } from './errors.ts';

/**
 * Runs a script's main function. Problems the user can fix (StackError, bad settings)
 * print as one message; anything else keeps its stack trace.
 */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof StackError || error instanceof ConfigError) {
        process.stderr.write(`\nerror: ${error.message}\n`);
      } else {
        process.stderr.write(
          `\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
      }
      process.exit(1);
    },
  );
}

/**
 * Calls `handler` once on the first SIGINT, SIGTERM or SIGHUP. Later signals are ignored:
 * a terminal's Ctrl-C reaches npm, tsx and this process together, so duplicates are
 * normal, and every stop step has its own timeout.
 */
export function onStopSignal(handler: (signal: NodeJS.Signals) => void): void {
  let seen = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (seen) return;
      seen = true;
      handler(signal);
    });
  }
}

/** Splits `[--flag ...] [--] command...`: leading flags for the script, the rest for the command. */
export function splitArgs(argv: string[]): { flags: string[]; command: string[] } {
  const separator = argv.indexOf('--');
  if (separator >= 0) return { flags: argv.slice(0, separator), command: argv.slice(separator + 1) };
  const firstCommand = argv.findIndex((arg) => !arg.startsWith('--'));
  return firstCommand < 0
    ? { flags: argv, command: [] }
    : { flags: argv.slice(0, firstCommand), command: argv.slice(firstCommand) };
}
