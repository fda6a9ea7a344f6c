import { redactMessagesOf } from './chat.repo.js';

/**
 * Erasure replaces the user's chat words; the rows stay for the other party's records. Called by the erase-user flow in
 * its transaction.
 */
export const chatPersonalData = {
  redactMessagesOf,
};
