export { registerBookingRoutes } from './bookings.routes.js';
export { registerBookingTasks } from './bookings.tasks.js';
export { bookingReminderTask } from './reminder.task.js';
export { reminderJobKey } from './booking-notices.js';

export { bookingPersonalData } from './personal-data.service.js';
export { noticeTo } from './booking-notices.js';
