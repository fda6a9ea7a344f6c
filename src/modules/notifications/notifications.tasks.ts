import type { Config } from '../../config.js';
import type { TaskDeps } from '../../platform/jobs/queue.js';
import type { FeatureFlags } from '../../platform/flags.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeHub } from '../../platform/realtime/emitter.js';
import { breakers, type MessagingProviders } from '../../platform/providers/index.js';
import { deleteUserPushDevices } from './deliveries.repo.js';
import { sendDelivery } from './delivery.js';
import { configureDeliveryPolicy, deliverNotificationTask, sendDeliveryTask } from './delivery.task.js';
import { fanOutNotification } from './notifications.service.js';

/** Retry policy, breaker thresholds and the provider timeout. */
export type NotificationSettings = Pick<
  Config,
  | 'BREAKER_RESET_MS'
  | 'BREAKER_VOLUME_THRESHOLD'
  | 'BREAKER_ERROR_PERCENT'
  | 'NOTIFY_MAX_ATTEMPTS'
  | 'NOTIFY_RETRY_BASE_MS'
  | 'NOTIFY_RETRY_MAX_MS'
  | 'PROVIDER_TIMEOUT_MS'
>;

export interface NotificationTaskDeps extends TaskDeps {
  realtime: RealtimeHub;
  flags: FeatureFlags;
  log: Logger;
  providers: MessagingProviders;
  config: NotificationSettings;
}

/** Registers the fan-out and per-channel send jobs. */
export function registerNotificationTasks(deps: NotificationTaskDeps) {
  const { config, providers } = deps;
  breakers.configure({
    resetTimeoutMs: config.BREAKER_RESET_MS,
    volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
    errorThresholdPercentage: config.BREAKER_ERROR_PERCENT,
  });
  configureDeliveryPolicy({
    maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
    baseMs: config.NOTIFY_RETRY_BASE_MS,
    maxMs: config.NOTIFY_RETRY_MAX_MS,
  });
  const delivery = {
    db: deps.db,
    jobs: deps.jobs,
    realtime: deps.realtime,
    flags: deps.flags,
    providers,
    log: deps.log.child({ module: 'notifications' }),
    providerTimeoutMs: config.PROVIDER_TIMEOUT_MS,
  };
  deps.jobs.register(deliverNotificationTask, async ({ notificationId }) =>
    fanOutNotification(delivery, notificationId),
  );
  deps.jobs.register(sendDeliveryTask, async ({ deliveryId }) => sendDelivery(delivery, deliveryId));
  // An erased account keeps no device tokens (its inbox rows go with the retention job).
  deps.bus.on('user.erased', async ({ payload }) => deleteUserPushDevices(deps.db, payload.userId));
}
