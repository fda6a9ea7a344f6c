/** The few words every layer uses. Imports nothing from platform, modules or flows. */
export { EARTH_MEAN_RADIUS_M, haversineMeters, haversineTerm, termToMeters, type LatLng } from './geo.js';
export { VEHICLE_CLASSES, VehicleClassSchema, type VehicleClass } from './vehicle-class.js';
export { FRESH_POSITION_MS } from './freshness.js';
export { GeoLatitude, GeoLatitudeQuery, MAX_GEO_LAT } from './coordinates.js';
