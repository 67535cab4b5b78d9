import { z } from 'zod';
import { clientId, latLng } from './ids.ts';

export const SITE_FORMATS = [
  'convenience',
  'supermarket',
  'fresh_market',
  'breakfast',
  'restaurant',
  'bakery',
  'fruit',
  'pharmacy',
  'repair',
  'housekeeping',
  'laundry',
  'tailoring',
  'barber',
  'parcel_station',
  'elderly_care',
  'childcare',
  'fitness',
  'bookstore',
] as const;
export type SiteFormat = (typeof SITE_FORMATS)[number];

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const DEFAULT_CAPACITY = 50;
export const DEFAULT_ACCEPTANCE_TIMEOUT_SECONDS = 90;

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM between 00:00 and 23:59');
const closingTime = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM between 00:00 and 24:00');

export const openingWindow = z.object({
  days: z
    .array(z.number().int().min(0, 'must be 0 (Sunday) to 6').max(6, 'must be 0 (Sunday) to 6'))
    .min(1, 'must name at least one day')
    .refine((days) => new Set(days).size === days.length, 'must not repeat a day'),
  open: timeOfDay,
  close: closingTime,
});
export type OpeningWindow = z.infer<typeof openingWindow>;

const timezone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/London');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}

const formats = z
  .array(z.enum(SITE_FORMATS))
  .min(1, 'must name at least one format')
  .refine((list) => new Set(list).size === list.length, 'must not repeat a format');

const serviceType = z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'must match ^[a-z0-9_.-]{1,64}$');

const acceptance = z.object({
  mode: z.enum(['auto', 'manual']).default('manual'),
  timeoutSeconds: z
    .number()
    .int('must be an integer')
    .min(10, 'must be >= 10')
    .max(3600, 'must be <= 3600')
    .default(DEFAULT_ACCEPTANCE_TIMEOUT_SECONDS),
});

/** Fields a site may change after creation: everything but `id` and `kind`. */
const mutableSiteFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  formats,
  chain: z.boolean(),
  location: latLng,
  timezone,
  openingHours: z.array(openingWindow).max(100, 'must have at most 100 windows').nullable(),
  capacity: z.number().int('must be an integer').min(1, 'must be >= 1').max(100_000, 'must be <= 100000'),
  acceptance,
  services: z
    .array(serviceType)
    .max(100, 'must have at most 100 services')
    .refine((list) => new Set(list).size === list.length, 'must not repeat a service'),
  status: z.enum(['open', 'paused']),
};

export const siteCreate = z
  .object({
    id: clientId,
    kind: z.enum(['store', 'provider']),
    ...mutableSiteFields,
    chain: mutableSiteFields.chain.default(false),
    timezone: mutableSiteFields.timezone.default(DEFAULT_TIMEZONE),
    openingHours: mutableSiteFields.openingHours.optional().transform((hours) => hours ?? null),
    capacity: mutableSiteFields.capacity.default(DEFAULT_CAPACITY),
    acceptance: acceptance.default({ mode: 'manual', timeoutSeconds: DEFAULT_ACCEPTANCE_TIMEOUT_SECONDS }),
    services: mutableSiteFields.services.default([]),
    status: mutableSiteFields.status.default('open'),
  })
  .superRefine((site, ctx) => {
    if (site.kind === 'provider' && site.services.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['services'],
        message: 'a provider must offer at least one service',
      });
    }
  });
export type SiteInput = z.input<typeof siteCreate>;
export type NewSite = z.output<typeof siteCreate>;

export const siteBulkCreate = z.object({
  sites: z.array(siteCreate).min(1, 'must hold at least one site').max(5000, 'must hold at most 5000 sites'),
});

/**
 * PATCH body. `id` and `kind` are accepted only when they repeat the current value, so a
 * client may send back the resource it read; the route checks that.
 */
export const sitePatch = z.object({
  id: clientId.optional(),
  kind: z.enum(['store', 'provider']).optional(),
  name: mutableSiteFields.name.optional(),
  formats: mutableSiteFields.formats.optional(),
  chain: mutableSiteFields.chain.optional(),
  location: mutableSiteFields.location.optional(),
  timezone: mutableSiteFields.timezone.optional(),
  openingHours: mutableSiteFields.openingHours.optional(),
  capacity: mutableSiteFields.capacity.optional(),
  acceptance: z
    .object({
      mode: z.enum(['auto', 'manual']).optional(),
      timeoutSeconds: z
        .number()
        .int('must be an integer')
        .min(10, 'must be >= 10')
        .max(3600, 'must be <= 3600')
        .optional(),
    })
    .optional(),
  services: mutableSiteFields.services.optional(),
  status: mutableSiteFields.status.optional(),
});
export type SitePatch = z.output<typeof sitePatch>;

/** A site as the API returns it. */
export interface Site {
  id: string;
  name: string;
  kind: 'store' | 'provider';
  formats: SiteFormat[];
  chain: boolean;
  location: { lat: number; lng: number };
  timezone: string;
  openingHours: OpeningWindow[] | null;
  capacity: number;
  acceptance: { mode: 'auto' | 'manual'; timeoutSeconds: number };
  services: string[];
  status: 'open' | 'paused';
  cell: string;
  createdAt: string;
  updatedAt: string;
}
