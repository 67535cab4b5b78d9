/** Where the test servers are: the environment's URLs, else the local defaults. */
export function testUrls(): { databaseUrl: string; redisUrl: string } {
  return {
    databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379/0',
  };
}
