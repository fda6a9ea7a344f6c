import { isUniqueViolation } from '../platform/db/transaction.js';
import { conflict } from '../platform/errors.js';

/**
 * Migration 0043: one active job per provider across rides and service requests. Whichever flow assigns a job
 * maps the violation to this 409.
 */
export function providerBusyConflict(err: unknown) {
  return isUniqueViolation(err, 'provider_active_jobs_one_per_provider')
    ? conflict('The provider is already on another job (ride or service request)')
    : undefined;
}
