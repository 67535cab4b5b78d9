export { cellOf, ORDER_CELL_RESOLUTION } from './cells.ts';
export {
  type CircleSettings,
  EARTH_RADIUS_M,
  haversineMeters,
  type Point,
  walkMinutes,
  walkRadiusMeters,
} from './distance.ts';
