import type { Logger } from './logger.ts';

export interface ShutdownOptions {
  logger: Logger;
  /** How long `stop` may take before the process gives up and exits 1. */
  deadlineMs: number;
  signals?: NodeJS.Signals[];
}

/**
 * Stops the process cleanly on SIGTERM or SIGINT: runs `stop` once, then exits 0. A second
 * signal, an error in `stop`, or `stop` outliving the deadline exits 1 at once, so a stuck
 * connection never keeps a pod in Terminating. Returns a function that removes the handlers.
 */
export function onShutdownSignal(
  stop: (signal: NodeJS.Signals) => Promise<void>,
  options: ShutdownOptions,
): () => void {
  const { logger } = options;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;

  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal while stopping; exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutdown requested', { signal });
    const deadline = setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting', { deadlineMs: options.deadlineMs });
      process.exit(1);
    }, options.deadlineMs);
    deadline.unref();
    stop(signal).then(
      () => {
        logger.info('shutdown complete; exiting');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed; exiting', { error });
        process.exit(1);
      },
    );
  };

  for (const signal of signals) process.on(signal, handle);
  return () => {
    for (const signal of signals) process.off(signal, handle);
  };
}
