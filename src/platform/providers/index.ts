import type { Config } from '../../config.js';
import { FcmPushSender } from './fcm-push.js';
import { RecordingEmailSender, RecordingPushSender, RecordingSmsSender, RecordingVoiceCaller } from './recording.js';
import { SmtpEmailSender } from './smtp-email.js';
import { TwilioSmsSender, TwilioVoiceCaller } from './twilio.js';
import type { MessagingProviders } from './types.js';

export type * from './types.js';
export {
  BREAKER_DEFAULTS,
  BreakerRegistry,
  breakers,
  withBreaker,
  type BreakerSettings,
  type BreakerState,
} from './breaker.js';
export { backoffDelayMs, retryWithBackoff, type BackoffOptions } from './retry.js';
export {
  ProviderError,
  PermanentProviderError,
  ProviderTimeoutError,
  isBreakerOpenError,
  isPermanentProviderError,
  isRecipientGoneError,
  RecipientGoneError,
  errorMessage,
} from './errors.js';
export { RecordingEmailSender, RecordingPushSender, RecordingSmsSender, RecordingVoiceCaller } from './recording.js';
export { SmtpEmailSender } from './smtp-email.js';
export { FcmPushSender } from './fcm-push.js';
export { TwilioSmsSender, TwilioVoiceCaller } from './twilio.js';

type ProviderConfig = Pick<
  Config,
  | 'SMTP_URL'
  | 'EMAIL_FROM'
  | 'PUSH_URL'
  | 'PUSH_PROJECT_ID'
  | 'PUSH_ACCESS_TOKEN'
  | 'SMS_URL'
  | 'SMS_ACCOUNT_SID'
  | 'SMS_AUTH_TOKEN'
  | 'SMS_FROM'
  | 'VOICE_URL'
  | 'PROVIDER_TIMEOUT_MS'
>;

/**
 * Real adapters where a URL is configured, recording fakes elsewhere (dev/test only; production config requires URLs).
 */
export function createMessagingProviders(config: ProviderConfig): MessagingProviders {
  const smtp = config.SMTP_URL
    ? new SmtpEmailSender({ url: config.SMTP_URL, from: config.EMAIL_FROM, timeoutMs: config.PROVIDER_TIMEOUT_MS })
    : undefined;
  const twilio = { accountSid: config.SMS_ACCOUNT_SID, authToken: config.SMS_AUTH_TOKEN, from: config.SMS_FROM };
  const voiceUrl = config.VOICE_URL ?? config.SMS_URL;
  return {
    email: smtp ?? new RecordingEmailSender(),
    push: config.PUSH_URL
      ? new FcmPushSender({
          baseUrl: config.PUSH_URL,
          projectId: config.PUSH_PROJECT_ID,
          accessToken: config.PUSH_ACCESS_TOKEN,
        })
      : new RecordingPushSender(),
    sms: config.SMS_URL ? new TwilioSmsSender({ baseUrl: config.SMS_URL, ...twilio }) : new RecordingSmsSender(),
    voice: voiceUrl ? new TwilioVoiceCaller({ baseUrl: voiceUrl, ...twilio }) : new RecordingVoiceCaller(),
    close: async () => {
      await smtp?.close();
    },
  };
}
