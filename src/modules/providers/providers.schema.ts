import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeName } from '../../platform/text.js';
import { workingHoursProblems } from './working-hours.js';

const HHMM = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'time must be HH:MM (00:00..24:00)');
const MAX_INTERVALS_PER_DAY = 6; // split shifts, not a timetable

export const WorkingHoursSchema = z
  .partialRecord(z.enum(['0', '1', '2', '3', '4', '5', '6']), z.array(z.tuple([HHMM, HHMM])).max(MAX_INTERVALS_PER_DAY))
  .superRefine((hours, ctx) => {
    for (const message of workingHoursProblems(hours)) ctx.addIssue({ code: 'custom', message });
  });

export const ProviderProfileRequest = z.object({
  serviceTypes: z.array(safeName(50)).min(1).max(20),
  workingHours: WorkingHoursSchema.optional(),
});

export const ProviderProfileSchema = named(
  'ProviderProfile',
  z.object({
    userId: z.uuid(),
    serviceTypes: z.array(z.string()),
    workingHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  }),
);

export type ProviderProfile = z.infer<typeof ProviderProfileSchema>;

export const ProviderIdParams = z.object({ id: z.uuid() });
