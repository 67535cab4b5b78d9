import type { CityOrder } from '../city.ts';

/**
 * Order bodies for the load generator, cheap to make at thousands a second: everything
 * after the externalId is rendered once per order, and each request gets the next order
 * (round robin) under a new externalId, so the intake routes every request afresh.
 */
export class OrderBodies {
  private readonly tails: string[];
  private made = 0;

  constructor(
    orders: readonly CityOrder[],
    private readonly idPrefix: string,
  ) {
    if (orders.length === 0) throw new Error('no orders to send');
    this.tails = orders.map(({ externalId: _, ...rest }) => JSON.stringify(rest).slice(1));
  }

  /** How many bodies were handed out so far. */
  get count(): number {
    return this.made;
  }

  next(): string {
    const tail = this.tails[this.made % this.tails.length]!;
    this.made += 1;
    return `{"externalId":"${this.idPrefix}-${this.made}",${tail}`;
  }
}
