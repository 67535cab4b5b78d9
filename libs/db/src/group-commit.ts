/**
 * Batches writes from concurrent requests into one transaction: while a flush runs, new
 * writes queue up and go together in the next one. There is no timer, so a lone write
 * is never delayed; under load, one commit (one fsync) serves many requests.
 *
 * When a batch fails, its writes are retried one by one, so one bad write fails alone.
 */
export class GroupCommitter<T, R> {
  private queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 200,
  ) {}

  write(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.writeBatch(batch.map((entry) => entry.item));
        for (const [i, entry] of batch.entries()) entry.resolve(results[i]!);
      } catch (error) {
        if (batch.length === 1) {
          batch[0]!.reject(error);
          continue;
        }
        await Promise.all(
          batch.map(async (entry) => {
            try {
              const [result] = await this.writeBatch([entry.item]);
              entry.resolve(result!);
            } catch (single) {
              entry.reject(single);
            }
          }),
        );
      }
    }
    this.flushing = false;
  }
}
