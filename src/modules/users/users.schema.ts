import { z } from 'zod';

export const RoleSchema = z.enum(['rider', 'driver', 'admin']);

export const UserSchema = z.object({
  id: z.uuid(),
  phone: z.string(),
  name: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
});
