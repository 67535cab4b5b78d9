import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './local-dir.ts';

/**
 * Reads `.env` at the repository root when there is one (copy `.env.example`). Variables
 * already set in the shell win, so `PORT=4000 npm start` still means 4000.
 */
export function loadDotEnv(file = join(repoRoot, '.env')): boolean {
  if (!existsSync(file)) return false;
  process.loadEnvFile(file);
  return true;
}
