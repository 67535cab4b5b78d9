export { ConfigError, loadConfig } from './load.ts';
export {
  type CommonConfig,
  type IntakeConfig,
  intakeEnv,
  migrateEnv,
  type WorkerConfig,
  workerEnv,
} from './schema.ts';
