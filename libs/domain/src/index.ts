export { type Clock, ManualClock, systemClock } from './clock.ts';
export {
  AppError,
  conflict,
  ERROR_STATUS,
  type ErrorCode,
  forbidden,
  type Issue,
  invalid,
  issuePath,
  notFound,
  unavailable,
} from './errors.ts';
export { clientId, compareIds, type LatLng, latLng, quantity, sku } from './ids.ts';
export { apiKeyCreate, ROLES, type Role, SCOPED_ROLES } from './keys.ts';
export {
  FULFILMENTS,
  type Fulfilment,
  inboxQuery,
  type NewOrder,
  ORDER_STATUSES,
  type Order,
  type OrderEvent,
  type OrderStatus,
  orderActionBodies,
  orderCreate,
  PRIORITIES,
  type Priority,
  UNROUTABLE_REASONS,
  type UnroutableReasonCode,
} from './orders.ts';
export {
  DEFAULT_ACCEPTANCE_TIMEOUT_SECONDS,
  DEFAULT_CAPACITY,
  DEFAULT_TIMEZONE,
  type NewSite,
  type OpeningWindow,
  openingWindow,
  SITE_FORMATS,
  type Site,
  type SiteFormat,
  type SiteInput,
  type SitePatch,
  siteBulkCreate,
  siteCreate,
  sitePatch,
} from './sites.ts';
export { type StockLevel, stockAdjust, stockLevel, stockQuery, stockSet } from './stock.ts';
export { parseInput, requireObjectBody } from './validate.ts';
