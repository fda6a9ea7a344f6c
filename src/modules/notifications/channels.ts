import type { Channel, Priority } from './notifications.repo.js';

/**
 * Channels per priority when the caller does not choose: everything lands in
 * the inbox and on the user's sockets; push for all but LOW; SMS (it costs
 * money and wakes people) only for CRITICAL. Email needs an address from the caller.
 */
export const DEFAULT_CHANNELS: Record<Priority, Channel[]> = {
  CRITICAL: ['socket', 'push', 'sms'],
  HIGH: ['socket', 'push'],
  NORMAL: ['socket', 'push'],
  LOW: ['socket'],
};

export function channelsFor(priority: Priority, requested: Channel[] | null | undefined): Channel[] {
  const wanted = requested && requested.length > 0 ? requested : DEFAULT_CHANNELS[priority];
  return [...new Set<Channel>(['socket', ...wanted])];
}
