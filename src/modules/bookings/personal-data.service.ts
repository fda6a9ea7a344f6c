import { cancelOpenBookingsOf, countInProgressBookingsOf, scrubCustomerBookings } from './bookings.repo.js';

/**
 * What erasure does to a user's bookings: in-progress ones block it, open ones are cancelled, the customer's free text
 * is scrubbed. Called by the erase-user flow in its transaction.
 */
export const bookingPersonalData = {
  cancelOpenOf: cancelOpenBookingsOf,
  countInProgressOf: countInProgressBookingsOf,
  scrubCustomer: scrubCustomerBookings,
};
