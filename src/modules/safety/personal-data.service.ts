import { eraseSafetyDataOf } from './contacts.repo.js';

/** Erasure drops the user's emergency contacts and share links. Called by the erase-user flow in its transaction. */
export const safetyPersonalData = {
  eraseOf: eraseSafetyDataOf,
};
