import { createLogger, type LogLevel } from './logger.ts';
import { startTelemetry, type TelemetryOptions } from './sdk.ts';
import { onShutdownSignal } from './shutdown.ts';

/** The part of a service's settings this runner reads (every settings schema has it). */
export interface ServiceSettings {
  log: { level: LogLevel };
  telemetry: Omit<TelemetryOptions, 'serviceName'> & { serviceName?: string | undefined };
  shutdownTimeoutMs: number;
}

export interface RunningService {
  close(): Promise<void>;
}

export interface RunServiceOptions<C extends ServiceSettings> {
  /** Short name: `dispatcher`, `fulfilment`, `intake`. */
  name: string;
  /** Reads and validates the settings; a throw is printed and the process exits 1. */
  loadConfig: () => C;
  /** Starts the service. Import the application inside it, so it loads after telemetry. */
  start: (config: C) => Promise<RunningService>;
}

/** Time allowed, past the drain timeout, for closing servers and connections and flushing spans. */
const CLOSE_MARGIN_MS = 5000;

/**
 * What a service's main.ts does: settings, then telemetry, then the app, then waiting for
 * SIGTERM/SIGINT to close it all and exit 0. Shared so no service carries its own copy.
 */
export async function runService<C extends ServiceSettings>(options: RunServiceOptions<C>): Promise<void> {
  let config: C;
  try {
    config = options.loadConfig();
  } catch (error) {
    process.stderr.write(`${options.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }

  const telemetry = startTelemetry({
    ...config.telemetry,
    serviceName: config.telemetry.serviceName ?? `quarterhour-${options.name}`,
  });
  const logger = createLogger({ service: options.name, level: config.log.level });

  let service: RunningService;
  try {
    service = await options.start(config);
  } catch (error) {
    logger.error('failed to start', { error });
    await telemetry.shutdown().catch(() => {});
    process.exit(1);
  }

  onShutdownSignal(
    async () => {
      await service.close();
      await telemetry.shutdown();
    },
    { logger, deadlineMs: config.shutdownTimeoutMs + CLOSE_MARGIN_MS },
  );
}
