import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiRefusal } from './api-client.ts';
import { buildDemoCity, type DemoCity } from './city.ts';
import { loadEdinburghCity } from './edinburgh.ts';
import type { OsmRow } from './osm.ts';
import { SEED_CONCURRENCY, seedCity, seedDemo } from './seed.ts';

const OPS_KEY = 'ops-key-for-the-seed-test';

interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * A stand-in for the intake service, answering the site and stock calls as API.md writes
 * them: the real service is another team's, and to the seeder it is an outside peer.
 */
class FakeSiteApi {
  readonly sites = new Map<string, Record<string, unknown>>();
  readonly stock = new Map<string, Map<string, number>>();
  readonly requests: Recorded[] = [];
  /** Lets a test refuse a request before the normal handling; undefined lets it through. */
  intercept: (request: Recorded) => Answer | undefined = () => undefined;
  maxInFlight = 0;
  private inFlight = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  calls(method: string, pattern: RegExp): Recorded[] {
    return this.requests.filter((request) => request.method === method && pattern.test(request.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: Recorded = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : {},
    };
    this.requests.push(request);
    // Answer on a later turn so concurrent requests really overlap.
    await new Promise((resolve) => setImmediate(resolve));
    const answer = this.intercept(request) ?? this.answer(request);
    this.inFlight -= 1;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private answer({ method, path, authorization, body }: Recorded): Answer {
    if (authorization !== `Bearer ${OPS_KEY}`) return error(401, 'unauthenticated', 'unknown key');
    const stockPath = /^\/v1\/sites\/([^/]+)\/stock$/.exec(path);
    const sitePath = /^\/v1\/sites\/([^/]+)$/.exec(path);
    if (method === 'POST' && path === '/v1/sites/bulk') {
      const sites = body.sites as Record<string, unknown>[];
      if (sites.length > 5000) return error(400, 'invalid_request', 'at most 5000 sites');
      const existing = sites.filter((site) => this.sites.has(site.id as string));
      if (existing.length > 0) return error(409, 'conflict', `sites already exist: ${existing[0]!.id}`);
      for (const site of sites) this.sites.set(site.id as string, site);
      return {
        status: 201,
        body: { created: sites.length, apiKeys: Object.fromEntries(sites.map((s) => [s.id, `key-${s.id}`])) },
      };
    }
    if (method === 'POST' && path === '/v1/sites') {
      if (this.sites.has(body.id as string)) return error(409, 'conflict', `site ${body.id} already exists`);
      this.sites.set(body.id as string, body);
      return { status: 201, body: { site: body, apiKey: `key-${body.id}` } };
    }
    if (method === 'PATCH' && sitePath) {
      const id = decodeURIComponent(sitePath[1]!);
      const current = this.sites.get(id);
      if (!current) return error(404, 'not_found', `site ${id}`);
      if ('id' in body || 'kind' in body)
        return error(400, 'invalid_request', 'the seeder sends neither id nor kind');
      this.sites.set(id, { ...current, ...body });
      return { status: 200, body: this.sites.get(id) };
    }
    if (method === 'PUT' && stockPath) {
      const id = decodeURIComponent(stockPath[1]!);
      if (!this.sites.has(id)) return error(404, 'not_found', `site ${id}`);
      const shelf = this.stock.get(id) ?? new Map<string, number>();
      for (const { sku, onHand } of body.items as { sku: string; onHand: number }[]) shelf.set(sku, onHand);
      this.stock.set(id, shelf);
      return { status: 200, body: { items: [...shelf].map(([sku, onHand]) => ({ sku, onHand })) } };
    }
    return error(404, 'not_found', `${method} ${path}`);
  }
}

function error(status: number, code: string, message: string): Answer {
  return { status, body: { error: { code, message } } };
}

function bakeries(count: number): OsmRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `node/${100 + i}`,
    latitude: String(55.95 + i / 1000),
    longitude: '-3.19',
    shop: 'bakery',
    name: `Bakery ${i}`,
  }));
}

let edinburgh: DemoCity;
let api: FakeSiteApi;

beforeAll(async () => {
  edinburgh = await loadEdinburghCity();
});

afterEach(async () => {
  await api?.stop();
});

async function startApi(): Promise<string> {
  api = new FakeSiteApi();
  return api.start();
}

describe('seedDemo', () => {
  // Thousands of requests to a local server: seconds, more on a busy two-core machine.
  const WHOLE_CITY = { timeout: 60_000 };

  it(
    'seeds the Edinburgh city into an empty API: one bulk call, then every store’s stock',
    WHOLE_CITY,
    async () => {
      const baseUrl = await startApi();
      const lines: string[] = [];
      const result = await seedDemo({ baseUrl, opsKey: OPS_KEY, log: (line) => lines.push(line) });

      const { report } = edinburgh;
      expect(result).toEqual({
        sites: report.sites,
        stores: report.stores,
        providers: report.providers,
        skipped: report.skipped,
        stockLines: report.stockLines,
      });
      expect(api.calls('POST', /^\/v1\/sites\/bulk$/)).toHaveLength(1);
      expect(api.calls('POST', /^\/v1\/sites$/)).toHaveLength(0);
      expect(api.calls('PUT', /\/stock$/)).toHaveLength(report.stores);
      expect(api.requests.every((request) => request.authorization === `Bearer ${OPS_KEY}`)).toBe(true);
      expect([...api.sites.values()]).toEqual(edinburgh.sites);
      for (const { siteId, items } of edinburgh.stock) {
        expect(Object.fromEntries(api.stock.get(siteId)!)).toEqual(
          Object.fromEntries(items.map((item) => [item.sku, item.onHand])),
        );
      }
      expect(api.maxInFlight).toBeGreaterThan(1);
      expect(api.maxInFlight).toBeLessThanOrEqual(SEED_CONCURRENCY);
      expect(lines.join('\n')).toMatch(/1449 sites .*634 stores/);
      expect(lines.join('\n')).not.toMatch(/key-/);
    },
  );

  it(
    'seeds again over a seeded city: creates what is missing, patches what exists, overwrites stock',
    WHOLE_CITY,
    async () => {
      const baseUrl = await startApi();
      await seedDemo({ baseUrl, opsKey: OPS_KEY });
      const [renamed, removed] = edinburgh.sites;
      api.sites.set(renamed!.id, { ...renamed, name: 'Renamed by hand', capacity: 1 });
      api.sites.delete(removed!.id);
      const firstStore = edinburgh.stock[0]!;
      api.stock.get(firstStore.siteId)!.set(firstStore.items[0]!.sku, 999);
      api.requests.length = 0;

      const result = await seedDemo({ baseUrl, opsKey: OPS_KEY });

      expect(result.sites).toBe(edinburgh.report.sites);
      expect(api.calls('POST', /^\/v1\/sites\/bulk$/)).toHaveLength(1);
      expect(api.calls('POST', /^\/v1\/sites$/)).toHaveLength(edinburgh.sites.length);
      const patches = api.calls('PATCH', /^\/v1\/sites\/[^/]+$/);
      expect(patches).toHaveLength(edinburgh.sites.length - 1);
      expect(patches.every(({ body }) => !('id' in body) && !('kind' in body))).toBe(true);
      expect(api.sites.get(renamed!.id)).toEqual(renamed);
      expect(api.sites.get(removed!.id)).toEqual(removed);
      expect(api.stock.get(firstStore.siteId)!.get(firstStore.items[0]!.sku)).toBe(
        firstStore.items[0]!.onHand,
      );
    },
  );
});

describe('seedCity', () => {
  it('sends at most the bulk size per call', async () => {
    const baseUrl = await startApi();
    await seedCity(buildDemoCity(bakeries(12)), { baseUrl, opsKey: OPS_KEY, bulkSize: 5 });
    const sizes = api.calls('POST', /\/bulk$/).map(({ body }) => (body.sites as unknown[]).length);
    expect(sizes).toEqual([5, 5, 2]);
    expect(api.sites.size).toBe(12);
  });

  it('retries a request the API asks to retry later', async () => {
    const baseUrl = await startApi();
    let refused = 0;
    api.intercept = ({ path }) => {
      if (!path.endsWith('/stock') || refused >= 2) return undefined;
      refused += 1;
      return { ...error(503, 'unavailable', 'Redis is down'), headers: { 'retry-after': '0' } };
    };
    const result = await seedCity(buildDemoCity(bakeries(3)), { baseUrl, opsKey: OPS_KEY });
    expect(refused).toBe(2);
    expect(result.stores).toBe(3);
    expect(api.stock.size).toBe(3);
  });

  it('fails with the status and body when the API refuses the sites', async () => {
    const baseUrl = await startApi();
    const seeding = seedCity(buildDemoCity(bakeries(2)), { baseUrl, opsKey: 'wrong-key' });
    await expect(seeding).rejects.toThrow(ApiRefusal);
    await expect(seeding).rejects.toThrow(/POST \/v1\/sites\/bulk answered 401: .*unauthenticated/);
  });

  it('fails with the status and body when the API refuses a store’s stock', async () => {
    const baseUrl = await startApi();
    api.intercept = ({ path }) =>
      path === '/v1/sites/osm-node-101/stock'
        ? error(400, 'invalid_request', 'items.3.sku is odd')
        : undefined;
    await expect(seedCity(buildDemoCity(bakeries(3)), { baseUrl, opsKey: OPS_KEY })).rejects.toThrow(
      /PUT \/v1\/sites\/osm-node-101\/stock answered 400: .*items\.3\.sku is odd/,
    );
  });

  it('fails with the status and body when a site cannot be patched', async () => {
    const baseUrl = await startApi();
    const city = buildDemoCity(bakeries(2));
    await seedCity(city, { baseUrl, opsKey: OPS_KEY });
    api.intercept = ({ method }) => (method === 'PATCH' ? error(403, 'forbidden', 'not yours') : undefined);
    await expect(seedCity(city, { baseUrl, opsKey: OPS_KEY })).rejects.toThrow(
      /PATCH \/v1\/sites\/osm-node-10\d answered 403: .*not yours/,
    );
  });

  it('says plainly when nothing listens at the base URL', async () => {
    const baseUrl = await startApi();
    await api.stop();
    await expect(seedCity(buildDemoCity(bakeries(1)), { baseUrl, opsKey: OPS_KEY })).rejects.toThrow(
      /cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); is the stack running\?/,
    );
  });
});
