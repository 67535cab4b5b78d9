/** Compartment and parcel sizes, smallest first: a parcel fits its size and every larger one. */
export const SIZES = ['S', 'M', 'L'] as const;
export type Size = (typeof SIZES)[number];
export const TEMPERATURES = ['ambient', 'chilled', 'frozen'] as const;
export type Temperature = (typeof TEMPERATURES)[number];
export const COMPARTMENT_STATES = ['free', 'reserved', 'occupied'] as const;
export type CompartmentState = (typeof COMPARTMENT_STATES)[number];

export interface ParcelSpec {
  size: Size;
  temperature: Temperature;
}

/**
 * The Lua scripts keep one zset of free compartments per locker and find a kind by score
 * range: category = 3 × size rank + temperature rank, score = category × 10000 + number.
 */
export const MAX_COMPARTMENTS_PER_LOCKER = 9999;

export function category(spec: ParcelSpec): number {
  return SIZES.indexOf(spec.size) * 3 + TEMPERATURES.indexOf(spec.temperature);
}

export function freeScore(spec: ParcelSpec, number: number): number {
  return category(spec) * 10_000 + number;
}

/** The categories a parcel fits, smallest size first, same temperature only. */
export function fittingCategories(parcel: ParcelSpec): number[] {
  return SIZES.slice(SIZES.indexOf(parcel.size)).map((size) =>
    category({ size, temperature: parcel.temperature }),
  );
}
