/** Private servers are only started in place of servers that were meant to run on this machine. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The URL with its password masked, for printing. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** A private PostgreSQL: superuser `postgres`, trust on loopback, the configured database name. */
export function privatePostgresUrl(configured: string, port: number): string {
  const database = new URL(configured).pathname.slice(1) || 'postgres';
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

/** A private Redis keeps the configured logical database number. */
export function privateRedisUrl(configured: string, port: number): string {
  const database = new URL(configured).pathname.slice(1) || '0';
  return `redis://127.0.0.1:${port}/${database}`;
}
