/** The POST /trips body of the HTTP benches (a short ride in central Cairo). */
export const TRIP_BODY = JSON.stringify({
  pickup: { lat: 30.0444, lng: 31.2357 },
  dropoff: { lat: 30.0626, lng: 31.2497 },
  vehicleClass: 'economy',
  paymentMethod: 'cash',
});
