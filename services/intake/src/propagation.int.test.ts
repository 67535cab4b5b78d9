import { intakeEnv, loadConfig } from '@quarterhour/config';
import { createLogger } from '@quarterhour/telemetry';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type IntakeHandle, startIntake } from './server.ts';
import { startTestIntake, storeBody, type TestIntake } from './test-support.ts';

const customer = { lat: 31.2304, lng: 121.4737 };

/** Two intake processes on one database and Redis: a change made through one is routed by the other. */
describe('site changes reach every intake within a second', () => {
  let a: TestIntake;
  let b: IntakeHandle;
  let platform: string;

  beforeAll(async () => {
    a = await startTestIntake();
    b = await startIntake(loadConfig(intakeEnv, a.env), {
      log: createLogger({ service: 'b', level: 'silent' }),
    });
    platform = (await a.request('POST', '/v1/api-keys', { body: { role: 'platform' } })).body.key;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  async function orderThroughB(externalId: string) {
    const res = await fetch(`${b.url}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId, customer, service: { type: 'key_cutting' } }),
    });
    return (await res.json()) as { site?: { id: string }; error?: { reason: string } };
  }

  /** Polls B until `check` holds, for at most one second from the change. */
  async function withinOneSecond(check: () => Promise<boolean>) {
    const deadline = performance.now() + 1000;
    while (!(await check())) {
      if (performance.now() > deadline) throw new Error('not seen within 1 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('sees a site created, moved, paused and reopened through the other process', async () => {
    const provider = (id: string, lng: number) => ({
      ...storeBody(id, { location: { lat: customer.lat, lng } }),
      kind: 'provider',
      formats: ['repair'],
      services: ['key_cutting'],
    });
    let n = 0;
    await a.request('POST', '/v1/sites', { body: provider('p-far', customer.lng + 0.005) });
    await withinOneSecond(async () => (await orderThroughB(`c-${n++}`)).site?.id === 'p-far');

    await a.request('POST', '/v1/sites', { body: provider('p-near', customer.lng + 0.001) });
    await withinOneSecond(async () => (await orderThroughB(`c-${n++}`)).site?.id === 'p-near');

    await a.request('PATCH', '/v1/sites/p-near', { body: { status: 'paused' } });
    await withinOneSecond(async () => (await orderThroughB(`c-${n++}`)).site?.id === 'p-far');

    await a.request('PATCH', '/v1/sites/p-far', { body: { location: { lat: 40, lng: 116 } } });
    await withinOneSecond(async () => (await orderThroughB(`c-${n++}`)).error?.reason === 'no_open_site');

    await a.request('PATCH', '/v1/sites/p-near', { body: { status: 'open' } });
    await withinOneSecond(async () => (await orderThroughB(`c-${n++}`)).site?.id === 'p-near');
  });
});
