/**
 * npm start [-- --no-demo]
 *
 * The whole stack on this machine: PostgreSQL and Redis (configured or private), the
 * database migrated, intake, dispatcher and fulfilment, and the demo city unless
 * --no-demo. Ctrl-C stops everything it started. See docs/LOCAL-STACK.md.
 */
import { relative } from 'node:path';
import { onStopSignal, runCli } from '../src/stack/cli.ts';
import { loadSeedDemo, type SeedDemo, startDemoSimulation } from '../src/stack/demo-seed.ts';
import { loadDotEnv } from '../src/stack/dot-env.ts';
import { StackError } from '../src/stack/errors.ts';
import { localLayout, repoRoot } from '../src/stack/local-dir.ts';
import { say } from '../src/stack/say.ts';
import { type RunningStack, StackInterrupted, startStack } from '../src/stack/stack.ts';
import { redactUrl } from '../src/stack/urls.ts';

runCli(async () => {
  loadDotEnv();
  const flags = process.argv.slice(2).filter((arg) => arg !== '--');
  const unknown = flags.filter((flag) => flag !== '--no-demo');
  if (unknown.length)
    throw new StackError(`unknown option ${unknown.join(' ')}; usage: npm start [-- --no-demo]`);
  const withDemo = !flags.includes('--no-demo');

  const interrupted = new AbortController();
  onStopSignal(() => interrupted.abort());

  const seedDemo: SeedDemo | undefined = withDemo ? await loadSeedDemo() : undefined;

  say('starting the stack…');
  let stack: RunningStack;
  try {
    stack = await startStack({ env: process.env, seedDemo, signal: interrupted.signal });
  } catch (error) {
    if (!(error instanceof StackInterrupted)) throw error;
    say('interrupted while starting; stopped what had started');
    return 0;
  }
  printBanner(stack, seedDemo !== undefined);
  // Traffic on the demo city, after the seed; --no-demo has neither.
  const simulation =
    seedDemo && !interrupted.signal.aborted
      ? await startDemoSimulation({ baseUrl: stack.baseUrl, opsKey: stack.opsKey.key })
      : undefined;

  const outcome = await Promise.race([
    stack.firstExit.then((exit) => ({ exit })),
    new Promise<{ exit?: undefined }>((resolveStop) => {
      if (interrupted.signal.aborted) resolveStop({});
      interrupted.signal.addEventListener('abort', () => resolveStop({}), { once: true });
    }),
  ]);
  if (outcome.exit) {
    const how = outcome.exit.signal ? `signal ${outcome.exit.signal}` : `code ${outcome.exit.code}`;
    say(`${outcome.exit.name} exited unexpectedly (${how}); stopping the stack`);
  } else {
    say('stopping…');
  }
  // The simulation first, so it does not report the services going away as refusals.
  await simulation?.stop();
  await stack.stop();
  say('stopped');
  return outcome.exit ? 1 : 0;
});

function printBanner(stack: RunningStack, seeded: boolean): void {
  const keyOrigin = {
    environment: 'from OPS_API_KEY',
    file: `kept in ${relative(repoRoot, localLayout().opsKeyFile)}`,
    generated: `new, kept in ${relative(repoRoot, localLayout().opsKeyFile)}`,
  }[stack.opsKey.source];
  const lines = [
    '',
    `quarterhour is running${seeded ? ' with the demo city' : ' (no demo data)'}`,
    `  API         ${stack.baseUrl}`,
    `  ops key     ${stack.opsKey.key}   (${keyOrigin})`,
    `  PostgreSQL  ${redactUrl(stack.services.databaseUrl)}   (${stack.services.postgres})`,
    `  Redis       ${redactUrl(stack.services.redisUrl)}   (${stack.services.redis})`,
    ...(seeded ? ['  demo        simulated orders, couriers and lockers; a status line every 15 s'] : []),
    seeded
      ? `  try         curl -H "Authorization: Bearer ${stack.opsKey.key}" ${stack.baseUrl}/v1/sites/osm-node-33179114/orders`
      : `  try         curl ${stack.baseUrl}/readyz`,
    `  stop        Ctrl-C, or kill -TERM ${process.pid}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
