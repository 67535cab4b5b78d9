import { loadConfig, migrateEnv } from '@quarterhour/config';
import { createDb } from '../client.ts';
import { ensureDatabase } from '../database.ts';
import { migrate } from '../migrate.ts';

const config = loadConfig(migrateEnv);
await ensureDatabase(config.databaseUrl);
const sql = createDb(config.databaseUrl, { max: 1, applicationName: 'quarterhour-migrate' });
try {
  const applied = await migrate(sql);
  console.log(applied.length ? `applied migrations ${applied.join(', ')}` : 'database is up to date');
} finally {
  await sql.end();
}
