import autocannon from 'autocannon';

export interface LoadResult {
  title: string;
  durationS: number;
  requests: number;
  /** Completed responses a second, over the whole run. */
  rps: number;
  ok2xx: number;
  non2xx: number;
  /** Connection errors and timeouts (autocannon counts timeouts among errors). */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

/**
 * One bounded autocannon run: `connections` keep-alive connections for `durationS`
 * seconds, each request a fresh body from `nextBody` (so every order has its own
 * externalId). autocannon runs in this process, on the same cores as the server.
 */
export async function runLoad(options: {
  title: string;
  url: string;
  path: string;
  key?: string;
  connections: number;
  durationS: number;
  nextBody: () => string;
}): Promise<LoadResult> {
  const result = await autocannon({
    title: options.title,
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    headers: {
      'content-type': 'application/json',
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
    },
    requests: [
      {
        method: 'POST',
        path: options.path,
        setupRequest: (request) => ({ ...request, body: options.nextBody() }),
      },
    ],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stats.count ?? 0;
  const responses = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    title: options.title,
    durationS: result.duration,
    requests: responses,
    rps: result.duration > 0 ? responses / result.duration : 0,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
  };
}
