import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort } from './ports.ts';
import { probePostgres, probeRedis } from './probe.ts';

describe('probes', () => {
  it('call a port nobody listens on absent', async () => {
    const port = await freePort();
    expect((await probePostgres(`postgres://postgres@127.0.0.1:${port}/x`)).state).toBe('absent');
    expect((await probeRedis(`redis://127.0.0.1:${port}/0`)).state).toBe('absent');
  });

  it('call a port where another program answers refused, so no private server hides the mix-up', async () => {
    const server = createServer((_request, response) => response.end('hello')).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      expect((await probeRedis(`redis://127.0.0.1:${port}/0`, 500)).state).toBe('refused');
      expect((await probePostgres(`postgres://postgres@127.0.0.1:${port}/x`, 500)).state).toBe('refused');
    } finally {
      server.close();
    }
  });
});
