import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StackError } from './errors.ts';

export interface OpsKey {
  key: string;
  source: 'environment' | 'file' | 'generated';
}

/** The intake's own rule (libs/config). */
const MIN_LENGTH = 16;

/**
 * OPS_API_KEY when the environment sets it; else the key kept in `.local/ops-key`,
 * generated on the first run so the key a developer copied keeps working across runs.
 */
export async function resolveOpsKey(env: NodeJS.ProcessEnv, file: string): Promise<OpsKey> {
  const fromEnv = env.OPS_API_KEY;
  if (fromEnv) {
    if (fromEnv.length < MIN_LENGTH)
      throw new StackError(`OPS_API_KEY must be at least ${MIN_LENGTH} characters`);
    return { key: fromEnv, source: 'environment' };
  }
  const stored = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (stored.length >= MIN_LENGTH) return { key: stored, source: 'file' };
  const key = `qh_ops_${randomBytes(24).toString('base64url')}`;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return { key, source: 'generated' };
}
