import { eraseNotificationDataOf } from './notifications.repo.js';

/** Erasure drops the user's devices and inbox. Called by the erase-user flow in its transaction. */
export const notificationPersonalData = {
  eraseOf: eraseNotificationDataOf,
};
