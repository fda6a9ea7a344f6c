import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { getUser, toPublicUser, UserSchema } from '../users/index.js';
import { AuthResponse, LoginRequest, RefreshRequest, SignupRequest } from './auth.schema.js';
import type { AuthService } from './auth.service.js';

const tags = ['auth'];

export function registerAuthRoutes(app: HttpApp, { auth, db }: { auth: AuthService; db: Db }) {
  app.post(
    '/api/v1/auth/signup',
    // Not idempotent on purpose: a stored reply would keep a live token pair in clear for 24 h and hand the same
    // refresh token to anyone replaying the key. A retried signup gets 409 (phone registered) and logs in instead.
    {
      schema: { tags, body: SignupRequest, response: { 201: envelopeOf(AuthResponse) } },
      config: { rateLimit: 'signup' },
    },
    async (request, reply) => sendOk(reply, await auth.signup(request.body), { status: 201 }),
  );
  app.post(
    '/api/v1/auth/login',
    {
      schema: { tags, body: LoginRequest, response: { 200: envelopeOf(AuthResponse) } },
      config: { rateLimit: 'login' },
    },
    async (request, reply) => sendOk(reply, await auth.login(request.body)),
  );
  app.post(
    '/api/v1/auth/refresh',
    // API.md's table limits login, not refresh: refreshes fall under the default limit.
    { schema: { tags, body: RefreshRequest, response: { 200: envelopeOf(AuthResponse) } }, config: {} },
    async (request, reply) => sendOk(reply, await auth.refresh(request.body.refreshToken)),
  );
  app.post('/api/v1/auth/logout', { schema: { tags }, config: { auth: 'any' } }, async (request, reply) => {
    await auth.logout(currentUser(request));
    return reply.code(204).send();
  });
  app.get(
    '/api/v1/me',
    { schema: { tags: ['users'], response: { 200: envelopeOf(UserSchema) } }, config: { auth: 'any' } },
    async (request, reply) => {
      const me = currentUser(request);
      return sendOk(reply, toPublicUser(await getUser(db, me.id), me));
    },
  );
}
