export { registerBookingRoutes } from './bookings.routes.js';
export { registerBookingTasks } from './bookings.tasks.js';
export { bookingReminderTask } from './reminder.task.js';
export { reminderJobKey } from './booking-notices.js';
export { createBooking, getVisibleBooking, changeBookingStatus, type BookingDeps } from './bookings.service.js';
export { BOOKING_MOVES, OPEN_STATUSES, canMoveBooking, type BookingActor } from './booking-rules.js';
export { cancelOpenBookingsOf, countInProgressBookingsOf, scrubCustomerBookings, type BookingRow } from './bookings.repo.js';
export { noticeTo } from './booking-notices.js';
export { BookingSchema, type BookingView, type BookingStatus } from './bookings.schema.js';
