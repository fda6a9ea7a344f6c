import type { FareItemCode } from '../fare-items.js';

/** English labels of quote and receipt lines. */
export const en: Readonly<Record<FareItemCode, string>> = {
  base: 'Base fare',
  distance: 'Distance',
  time: 'Time',
  time_multiplier: 'Busy-hours adjustment',
  surge: 'High demand',
  minimum_fare: 'Minimum fare top-up',
  rounding: 'Rounding',
  bid_adjustment: "Driver's offer",
  cancellation_fee: 'Cancellation fee',
  stop_waiting: 'Waiting at stops',
  previous_dues: 'Owed from earlier trips',
};
