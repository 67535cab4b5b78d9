import { ConfigError, intakeEnv, loadConfig } from '@quarterhour/config';
import { createLogger, startTelemetry } from '@quarterhour/telemetry';

/**
 * The intake's entry point: settings first (a bad one stops here, named), then the
 * OpenTelemetry SDK, and only then the app, so instrumentation sees it load.
 */
let config: ReturnType<typeof loadConfig<typeof intakeEnv>>;
try {
  config = loadConfig(intakeEnv);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`intake: ${error.message}`);
  process.exit(1);
}

const telemetry = startTelemetry({
  ...config.telemetry,
  serviceName: config.telemetry.serviceName ?? 'quarterhour-intake',
});
const log = createLogger({ service: 'intake', level: config.log.level });
const { startIntake } = await import('./server.ts');

try {
  const intake = await startIntake(config, { log, metricsHandler: telemetry.metricsHandler });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    await intake.close();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
} catch (error) {
  log.error('intake failed to start', { error: error instanceof Error ? error.message : String(error) });
  await telemetry.shutdown();
  process.exit(1);
}
