import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.ts';
import { intakeEnv, workerEnv } from './schema.ts';

describe('loadConfig', () => {
  it('applies defaults and turns strings into numbers and booleans', () => {
    const config = loadConfig(intakeEnv, { PORT: '8080', ALLOW_PRIVATE_WEBHOOKS: 'true' });
    expect(config.http.port).toBe(8080);
    expect(config.allowPrivateWebhooks).toBe(true);
    expect(config.circle).toEqual({ walkSpeedMPerMin: 80, detourFactor: 1.3 });
    expect(config.redisPrefix).toBe('qh');
  });

  it('names every bad variable', () => {
    expect(() => loadConfig(intakeEnv, { PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrowError(
      ConfigError,
    );
    try {
      loadConfig(intakeEnv, { PORT: 'eighty', DATABASE_URL: 'mysql://x', DETOUR_FACTOR: '0.5' });
    } catch (error) {
      const names = (error as ConfigError).problems.map((p) => p.variable).sort();
      expect(names).toEqual(['DATABASE_URL', 'DETOUR_FACTOR', 'PORT']);
      expect((error as Error).message).toContain('PORT');
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(workerEnv, { HEALTH_PORT: '', WORKER_CONCURRENCY: '4' })).toMatchObject({
      http: { port: 0 },
      workerConcurrency: 4,
    });
  });

  it('refuses a short ops key', () => {
    expect(() => loadConfig(intakeEnv, { OPS_API_KEY: 'short' })).toThrowError(/OPS_API_KEY/);
  });
});
