import { z } from 'zod';

/**
 * Redis GEOADD refuses latitudes beyond the Web-Mercator limit and the memory
 * geo index mirrors it, so no driver can be stored or searched past it. Every
 * point that reaches the driver index is refused at the edge (400) instead of
 * failing inside it (500).
 */
export const MAX_GEO_LAT = 85.05112878;

const LAT_MESSAGE = { message: `lat must be within ±${MAX_GEO_LAT} (the Web-Mercator limit of the driver index)` };

/** A latitude in a JSON body that is used to place or find drivers. */
export const GeoLatitude = z.number().min(-MAX_GEO_LAT, LAT_MESSAGE).max(MAX_GEO_LAT, LAT_MESSAGE);
/** The same, from a query string. */
export const GeoLatitudeQuery = z.coerce.number().min(-MAX_GEO_LAT, LAT_MESSAGE).max(MAX_GEO_LAT, LAT_MESSAGE);
