import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LuaScript } from '@quarterhour/routing';

const logisticsLuaDir = join(dirname(fileURLToPath(import.meta.url)), 'lua');

/** A script of this package's `lua/` folder, loaded and called like routing's (by SHA). */
export function logisticsScript(name: string): LuaScript {
  return new LuaScript(name, logisticsLuaDir);
}
