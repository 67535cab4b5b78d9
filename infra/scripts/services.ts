/**
 * services up [--embedded]   make PostgreSQL and Redis available and leave any private
 *                            ones running; prints the URLs to use
 * services down              stop the private servers (once no running command uses them)
 */

import { runCli } from '../src/stack/cli.ts';
import { loadDotEnv } from '../src/stack/dot-env.ts';
import { StackError } from '../src/stack/errors.ts';
import { localLayout } from '../src/stack/local-dir.ts';
import { ensureServices, releaseKeptServices } from '../src/stack/services.ts';

runCli(async () => {
  loadDotEnv();
  const [action, ...flags] = process.argv.slice(2);
  if (action === 'up') {
    const services = await ensureServices({
      keep: true,
      forceEmbeddedPostgres: flags.includes('--embedded'),
    });
    await services.release(); // drops this command's lease; the keep lease holds them
    process.stdout.write(`DATABASE_URL=${services.databaseUrl}\nREDIS_URL=${services.redisUrl}\n`);
    return 0;
  }
  if (action === 'down') {
    const holders = await releaseKeptServices(localLayout());
    if (holders.length) {
      process.stderr.write(
        `still in use by running commands (pids ${holders.map((h) => h.split('.')[0]).join(', ')}); `,
      );
      process.stderr.write('they stop when the last of those ends\n');
    }
    return 0;
  }
  throw new StackError('usage: services up [--embedded] | services down');
});
