import type { Queryable, Sql } from '@quarterhour/db';
import { AppError, type Issue, notFound } from '@quarterhour/domain';
import type { HotStock } from '@quarterhour/routing';

const MAX_ON_HAND = 1_000_000;

/**
 * Durable on-hand in PostgreSQL, mirrored to the hot copy in Redis while the rows are
 * locked, so both agree on the last committed value. A failed Redis write rolls the
 * transaction back: nothing is half-written.
 */
export class StockStore {
  constructor(
    private readonly sql: Sql,
    private readonly hot: HotStock,
  ) {}

  async set(siteId: string, items: { sku: string; onHand: number }[]): Promise<void> {
    await this.sql.begin(async (tx) => {
      await this.lockSite(tx, siteId);
      const rows = items.map((item) => ({ site_id: siteId, sku: item.sku, on_hand: item.onHand }));
      await tx`
        insert into stock ${tx(rows, 'site_id', 'sku', 'on_hand')}
        on conflict (site_id, sku) do update set on_hand = excluded.on_hand, updated_at = now()`;
      await this.hot.writeOnHand(siteId, items);
    });
  }

  /** Applies every delta or none: a result outside 0..1,000,000 is 409 naming the line. */
  async adjust(siteId: string, items: { sku: string; delta: number }[]): Promise<void> {
    await this.sql.begin(async (tx) => {
      await this.lockSite(tx, siteId);
      const skus = items.map((item) => item.sku);
      const current = new Map(
        (
          await tx<{ sku: string; on_hand: number }[]>`
            select sku, on_hand from stock where site_id = ${siteId} and sku = any(${skus}) for update`
        ).map((row) => [row.sku, row.on_hand]),
      );
      const issues: Issue[] = [];
      const levels = items.map((item, index) => {
        const onHand = (current.get(item.sku) ?? 0) + item.delta;
        if (onHand < 0 || onHand > MAX_ON_HAND) {
          issues.push({
            path: `items.${index}.delta`,
            message: `would make onHand of ${item.sku} ${onHand}; it must stay within 0..${MAX_ON_HAND}`,
          });
        }
        return { sku: item.sku, onHand };
      });
      if (issues.length)
        throw new AppError('conflict', 'the adjustment would leave stock out of range', { issues });
      const rows = levels.map((level) => ({ site_id: siteId, sku: level.sku, on_hand: level.onHand }));
      await tx`
        insert into stock ${tx(rows, 'site_id', 'sku', 'on_hand')}
        on conflict (site_id, sku) do update set on_hand = excluded.on_hand, updated_at = now()`;
      await this.hot.writeOnHand(siteId, levels);
    });
  }

  private async lockSite(tx: Queryable, siteId: string): Promise<void> {
    const [site] = await tx`select id from sites where id = ${siteId} for share`;
    if (!site) throw notFound(`site ${siteId}`);
  }
}
