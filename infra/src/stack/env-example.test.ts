import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { intakeEnv, workerEnv } from '@quarterhour/config';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './local-dir.ts';

/** The settings each service parses: the object schema under its transform. */
function settingNames(): string[] {
  return [...new Set([...Object.keys(intakeEnv.in.shape), ...Object.keys(workerEnv.in.shape)])].sort();
}

describe('.env.example', () => {
  const text = readFileSync(join(repoRoot, '.env.example'), 'utf8');

  it('lists every setting of libs/config with a comment above it', () => {
    const lines = text.split('\n');
    for (const name of settingNames()) {
      const at = lines.findIndex((line) => line.startsWith(`# ${name}=`));
      expect(at, `${name} is missing`).toBeGreaterThan(0);
      expect(lines[at - 1], `${name} has no comment`).toMatch(/^# \S/);
      expect(lines[at - 1]).not.toMatch(/^# [A-Z_]+=/);
    }
  });

  it('shows the schema defaults', () => {
    const defaults = { ...intakeEnv.parse({}), ...workerEnv.parse({}) };
    expect(text).toContain(`# DATABASE_URL=${defaults.databaseUrl}\n`);
    expect(text).toContain(`# REDIS_URL=${defaults.redisUrl}\n`);
    expect(text).toContain(`# WORKER_CONCURRENCY=${defaults.workerConcurrency}\n`);
    expect(text).toContain(`# RATE_LIMIT_PER_SECOND=${defaults.rateLimitPerSecond}\n`);
  });
});
