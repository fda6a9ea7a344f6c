/** The few words every layer uses. Imports nothing from platform, modules or flows. */
export { EARTH_MEAN_RADIUS_M, haversineMeters, haversineTerm, termToMeters, type LatLng } from './geo.js';
export { VEHICLE_CLASSES, VehicleClassSchema, type VehicleClass } from './vehicle-class.js';
export { SERVICE_TYPES, ServiceTypeSchema, type ServiceType } from './service-type.js';
export { FRESH_POSITION_MS } from './freshness.js';
export { GeoLatitude, GeoLatitudeQuery, MAX_GEO_LAT } from './coordinates.js';
export {
  DEFAULT_LOCALE,
  LOCALES,
  LocaleSchema,
  SERVICE_TIME_ZONE,
  localeFromAcceptLanguage,
  type Locale,
} from './locale.js';
export { MAX_STOPS, MAX_STOP_DISTANCE_M, farStops } from './stops.js';
