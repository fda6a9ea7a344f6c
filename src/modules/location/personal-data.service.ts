import { eraseLocationDataOf } from './location.repo.js';

/**
 * Erasure drops the user's last-known position and location history. Called by the erase-user flow in its transaction.
 */
export const locationPersonalData = {
  eraseOf: eraseLocationDataOf,
};
