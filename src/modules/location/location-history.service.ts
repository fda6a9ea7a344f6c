import { dropPartition, listLocationHistoryPartitions, onlineSecondsBetween } from './location.repo.js';

/** Daily partitions of location_history: the lifecycle module's retention job drops the expired ones. */
export const locationHistory = { listPartitions: listLocationHistoryPartitions, dropPartition, onlineSecondsBetween };
