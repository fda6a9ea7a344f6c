import type { Platform } from '../../platform/runtime.js';
import { breakers, createMessagingProviders, type MessagingProviders } from '../../platform/providers/index.js';
import { deleteUserPushDevices } from './deliveries.repo.js';
import { sendDelivery } from './delivery.js';
import { configureDeliveryPolicy, deliverNotificationTask, sendDeliveryTask } from './delivery.tasks.js';
import { fanOutNotification } from './notifications.service.js';

const providersByPlatform = new WeakMap<Platform, MessagingProviders>();

/** The messaging providers of a platform, created once from its config (tests read the recording fakes here). */
export function messagingProvidersFor(platform: Platform): MessagingProviders {
  let providers = providersByPlatform.get(platform);
  if (!providers) {
    providers = createMessagingProviders(platform.config);
    providersByPlatform.set(platform, providers);
  }
  return providers;
}

/** Registers the fan-out and per-channel send jobs; providers default to the platform's. */
export function registerNotificationTasks(platform: Platform, providers: MessagingProviders = messagingProvidersFor(platform)) {
  const { config } = platform;
  breakers.configure({
    resetTimeoutMs: config.BREAKER_RESET_MS,
    volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
    errorThresholdPercentage: config.BREAKER_ERROR_PERCENT,
  });
  configureDeliveryPolicy({ maxAttempts: config.NOTIFY_MAX_ATTEMPTS, baseMs: config.NOTIFY_RETRY_BASE_MS, maxMs: config.NOTIFY_RETRY_MAX_MS });
  const deps = {
    db: platform.database.db,
    jobs: platform.jobs,
    realtime: platform.realtime,
    flags: platform.flags,
    providers,
    log: platform.log.child({ module: 'notifications' }),
    providerTimeoutMs: config.PROVIDER_TIMEOUT_MS,
  };
  platform.jobs.register(deliverNotificationTask, async ({ notificationId }) => fanOutNotification(deps, notificationId));
  platform.jobs.register(sendDeliveryTask, async ({ deliveryId }) => sendDelivery(deps, deliveryId));
  // An erased account keeps no device tokens (its inbox rows go with the retention job).
  platform.bus.on('user.erased', async ({ payload }) => deleteUserPushDevices(platform.database.db, payload.userId));
}
