import { named } from '../../platform/http/openapi.js';
import { z } from 'zod';
import { safeName } from '../../platform/text.js';
import { LocaleSchema } from '../../shared/index.js';

export const RoleSchema = z.enum(['rider', 'driver', 'admin']);
export const StaffRoleSchema = z.enum(['dispatcher', 'finance', 'support']);

export const UserSchema = named(
  'User',
  z.object({
    id: z.uuid(),
    phone: z.string(),
    name: z.string(),
    role: RoleSchema,
    locale: LocaleSchema.optional().describe(
      'the language of push, SMS and e-mail texts; shown to the user and admins',
    ),
    createdAt: z.string(),
  }),
);

export const UpdateMeRequest = z
  .strictObject({ name: safeName(100).optional(), locale: LocaleSchema.optional() })
  .refine((b) => b.name !== undefined || b.locale !== undefined, { message: 'name or locale is required' });

/** GET /me: the User plus the rating others gave the caller (a new account shows the 5.0 prior). */
export const MeSchema = UserSchema.extend({ rating: z.number(), ratingsCount: z.number().int() });
