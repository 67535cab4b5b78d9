import { z } from 'zod';
import { quantity, sku } from './ids.ts';

function uniqueSkus(items: { sku: string }[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    if (seen.has(item.sku)) {
      ctx.addIssue({
        code: 'custom',
        path: ['items', index, 'sku'],
        message: `repeats items.${seen.get(item.sku)}.sku`,
      });
    }
    seen.set(item.sku, index);
  });
}

export const stockSet = z
  .object({
    items: z
      .array(z.object({ sku, onHand: quantity }))
      .min(1, 'must hold at least one item')
      .max(10_000, 'must hold at most 10000 items'),
  })
  .superRefine((body, ctx) => uniqueSkus(body.items, ctx));

export const stockAdjust = z
  .object({
    items: z
      .array(
        z.object({
          sku,
          delta: z
            .number()
            .int('must be an integer')
            .min(-1_000_000, 'must be >= -1000000')
            .max(1_000_000, 'must be <= 1000000')
            .refine((delta) => delta !== 0, 'must not be 0'),
        }),
      )
      .min(1, 'must hold at least one item')
      .max(10_000, 'must hold at most 10000 items'),
  })
  .superRefine((body, ctx) => uniqueSkus(body.items, ctx));

export const stockQuery = z.object({
  sku: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',') : undefined))
    .pipe(z.array(sku).max(1000, 'must name at most 1000 SKUs').optional()),
});

export interface StockLevel {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

export function stockLevel(sku: string, onHand: number, reserved: number): StockLevel {
  return { sku, onHand, reserved, available: Math.max(0, onHand - reserved) };
}
