import { clientId, type LatLng, latLng } from '@quarterhour/domain';
import { z } from 'zod';
import {
  type CompartmentState,
  MAX_COMPARTMENTS_PER_LOCKER,
  SIZES,
  type Size,
  TEMPERATURES,
  type Temperature,
} from '../compartments.ts';

export const DEFAULT_HOLD_HOURS = 48;

const compartmentGroup = z.object({
  size: z.enum(SIZES),
  temperature: z.enum(TEMPERATURES).default('ambient'),
  count: z.number().int('must be an integer').min(1, 'must be >= 1').max(1000, 'must be <= 1000'),
});

/** `POST /v1/lockers`. Compartments are numbered from 1 in the order of the groups. */
export const lockerCreate = z
  .object({
    id: clientId,
    location: latLng,
    compartments: z
      .array(compartmentGroup)
      .min(1, 'must hold at least one group')
      .max(100, 'must hold at most 100 groups'),
    holdHours: z
      .number()
      .int('must be an integer')
      .min(1, 'must be >= 1')
      .max(720, 'must be <= 720')
      .default(DEFAULT_HOLD_HOURS),
  })
  .superRefine((locker, ctx) => {
    const total = locker.compartments.reduce((sum, group) => sum + group.count, 0);
    if (total > MAX_COMPARTMENTS_PER_LOCKER) {
      ctx.addIssue({
        code: 'custom',
        path: ['compartments'],
        message: `must hold at most ${MAX_COMPARTMENTS_PER_LOCKER} compartments in all, not ${total}`,
      });
    }
  });
export type NewLocker = z.output<typeof lockerCreate>;

/** A compartment as the API shows it: never its code or its order. */
export interface CompartmentView {
  number: number;
  size: Size;
  temperature: Temperature;
  state: CompartmentState;
}

/** A locker as the API returns it. */
export interface Locker {
  id: string;
  location: LatLng;
  holdHours: number;
  compartments: CompartmentView[];
  createdAt: string;
  updatedAt: string;
}
