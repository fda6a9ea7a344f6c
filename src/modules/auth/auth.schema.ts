import { z } from 'zod';
import { safeName } from '../../platform/text.js';
import { LocaleSchema } from '../../shared/index.js';
import { UserSchema } from '../users/index.js';

export const PhoneInput = z.string().min(8).max(20);

export const SignupRequest = z.object({
  phone: PhoneInput,
  password: z.string().min(8).max(128),
  name: safeName(100),
  role: z.enum(['rider', 'driver']),
  locale: LocaleSchema.optional().describe('ar or en; default from Accept-Language, else en'),
});

export const LoginRequest = z.object({
  phone: PhoneInput,
  password: z.string().min(1).max(128),
});

export const RefreshRequest = z.object({ refreshToken: z.string().min(10).max(200) });

export const AuthResponse = z.object({
  user: UserSchema,
  accessToken: z.string(),
  refreshToken: z.string(),
});

export type SignupRequest = z.infer<typeof SignupRequest>;
