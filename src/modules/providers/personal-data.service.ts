import { deleteProviderProfile } from './providers.repo.js';

/**
 * Erasure drops the user's provider profile (bookings keep their rows). Called by the erase-user flow in its
 * transaction.
 */
export const providerPersonalData = {
  deleteProfileOf: deleteProviderProfile,
};
