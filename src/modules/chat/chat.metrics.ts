import { Counter } from 'prom-client';
import { metricsRegistry } from '../../platform/observability/metrics.js';

export const chatMessages = new Counter({
  name: 'smartline_chat_messages_total',
  help: 'Trip chat messages stored (replays not counted), by whether moderation flagged them',
  labelNames: ['flagged'] as const,
  registers: [metricsRegistry],
});
