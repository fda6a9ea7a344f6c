import { markDeliverySent } from './deliveries.repo.js';

/** A channel that delivered outside the job queue (SOS's first fan-out) records its receipt here. */
export const deliveryReceipts = { markSent: markDeliverySent };
