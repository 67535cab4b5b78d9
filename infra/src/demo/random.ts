/**
 * The demo city and its traffic use the same seeded source as the benchmark city, so a
 * seed means the same thing everywhere. Not for anything secret.
 */
export { type Random, seededRandom } from '@quarterhour/loadtest/random';
