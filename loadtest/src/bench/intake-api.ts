import type { CitySite } from '../city.ts';

const BULK_SITES = 5_000;

/** POST a JSON body with a bearer key; any status but the expected one is an error. */
export async function postJson(
  url: string,
  key: string,
  body: unknown,
  expected = 201,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

/** Every site through `POST /v1/sites/bulk`, at most 5,000 a call as API.md allows. */
export async function createSites(baseUrl: string, opsKey: string, sites: CitySite[]): Promise<void> {
  for (let start = 0; start < sites.length; start += BULK_SITES) {
    const { json } = await postJson(`${baseUrl}/v1/sites/bulk`, opsKey, {
      sites: sites.slice(start, start + BULK_SITES),
    });
    const created = (json as { created?: unknown }).created;
    const expected = Math.min(BULK_SITES, sites.length - start);
    if (created !== expected) throw new Error(`bulk create made ${String(created)} sites, not ${expected}`);
  }
}

export async function createPlatformKey(baseUrl: string, opsKey: string): Promise<string> {
  const { json } = await postJson(`${baseUrl}/v1/api-keys`, opsKey, { role: 'platform', name: 'bench' });
  const key = (json as { key?: unknown }).key;
  if (typeof key !== 'string') throw new Error('POST /v1/api-keys returned no key');
  return key;
}
