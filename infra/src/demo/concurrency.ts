/**
 * Runs `task` on every item with at most `limit` running at once, so a seeder can keep the
 * API busy without opening a connection per store. Rejects with the first failure, after the
 * tasks already running have settled.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next]!;
      next += 1;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejection = results.find((result) => result.status === 'rejected');
  if (rejection) throw (rejection as PromiseRejectedResult).reason;
}
