import { loadConfig, workerEnv } from '@quarterhour/config';
import { runService } from '@quarterhour/telemetry';

await runService({
  name: 'dispatcher',
  loadConfig: () => loadConfig(workerEnv),
  // Imported only now, so the telemetry SDK is running before the app's modules load.
  start: async (config) => (await import('./service.ts')).startDispatcher(config),
});
