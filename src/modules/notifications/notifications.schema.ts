import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';

export const NotificationSchema = named(
  'Notification',
  z.object({
    id: z.uuid(),
    template: z.string(),
    data: z.record(z.string(), z.unknown()),
    priority: z.enum(['CRITICAL', 'HIGH', 'NORMAL', 'LOW']),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  }),
);

export const ListNotificationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const NotificationIdParams = z.object({ id: z.uuid() });

export const PushDeviceRequest = z.object({
  token: z.string().min(1).max(4096),
  platform: z.enum(['android', 'ios', 'web']),
});

export const PushTokenParams = z.object({ token: z.string().min(1).max(4096) });
