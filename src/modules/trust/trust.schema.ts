import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeName, safeText } from '../../platform/text.js';

export const REPORT_CATEGORIES = [
  'unsafe_driving',
  'harassment',
  'fraud',
  'wrong_vehicle',
  'no_show',
  'rude',
  'other',
] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** Issue 16: whole stars 1..5, a comment of at most 500 characters, a few short tags. */
export const RatingRequest = z.strictObject({
  stars: z.number().int().min(1).max(5),
  comment: safeText({ max: 500, multiline: true }).optional(),
  tags: z.array(safeName(40)).max(10).optional(),
});

export const RatingSchema = named(
  'Rating',
  z.object({
    tripId: z.uuid(),
    raterId: z.uuid(),
    rateeId: z.uuid(),
    raterRole: z.enum(['rider', 'driver']),
    stars: z.number().int(),
    comment: z.string().nullable(),
    tags: z.array(z.string()),
    createdAt: z.string(),
  }),
);

export const ReportRequest = z.strictObject({
  category: z.enum(REPORT_CATEGORIES),
  text: safeText({ min: 1, max: 2000, multiline: true }),
});

export const UserReportSchema = named(
  'UserReport',
  z.object({
    id: z.uuid(),
    tripId: z.uuid(),
    reporterId: z.uuid(),
    reportedId: z.uuid(),
    category: z.enum(REPORT_CATEGORIES),
    text: z.string(),
    status: z.enum(['open', 'resolved']),
    resolutionNote: z.string().nullable(),
    resolvedBy: z.uuid().nullable(),
    resolvedAt: z.string().nullable(),
    createdAt: z.string(),
  }),
);

export const BlockSchema = named(
  'Block',
  z.object({
    userId: z.uuid(),
    name: z.string(),
    source: z.enum(['rating', 'report', 'manual']),
    tripId: z.uuid().nullable(),
    createdAt: z.string(),
  }),
);

export const BlockRequest = z.strictObject({ userId: z.uuid() });
export const BlockParams = z.object({ userId: z.uuid() });
export const ReportIdParams = z.object({ id: z.uuid() });

export const ListReportsQuery = z.object({
  status: z.enum(['open', 'resolved']).optional(),
  /** Reports about one user (the console's driver page). */
  reportedId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const ResolveReportRequest = z.strictObject({ note: safeText({ min: 1, max: 1000, multiline: true }) });
