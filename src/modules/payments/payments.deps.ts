import type { Config } from '../../config.js';
import type { TaskDeps } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeHub } from '../../platform/realtime/emitter.js';

/** The settings payments read: Kashier's account and keys, and how far a driver wallet may owe. */
export type PaymentsConfig = Pick<
  Config,
  | 'kashierMerchantId'
  | 'kashierApiKeys'
  | 'KASHIER_MODE'
  | 'KASHIER_CHECKOUT_URL'
  | 'KASHIER_REDIRECT_URL'
  | 'KASHIER_WEBHOOK_URL'
  | 'KASHIER_PREVIOUS_KEY_UNTIL'
  | 'KASHIER_API_URL'
  | 'PROVIDER_TIMEOUT_MS'
  | 'DRIVER_CREDIT_LIMIT'
>;

/** Everything the payments services, routes and jobs use. */
export interface PaymentsDeps extends TaskDeps {
  log: Logger;
  /** Finance alerts to the admin room. */
  realtime: RealtimeHub;
  config: PaymentsConfig;
}
