export { createTestDatabase, type TestDatabase } from './database.ts';
export { createTestRedis, type TestRedis } from './redis.ts';
export { testUrls } from './urls.ts';
