export { cellOf, ORDER_CELL_RESOLUTION } from './cells.ts';
export {
  circleCells,
  coverK,
  maxCellCircumradius,
  minCellCentreSpacing,
  minDistanceToRing,
} from './cover.ts';
export {
  type CircleSettings,
  EARTH_RADIUS_M,
  haversineMeters,
  type Point,
  walkMinutes,
  walkRadiusMeters,
} from './distance.ts';
