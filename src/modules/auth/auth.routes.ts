import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { localeFromAcceptLanguage } from '../../shared/index.js';
import { getUser, MeSchema, toMe, updateProfile, UpdateMeRequest } from '../users/index.js';
import { AuthResponse, LoginRequest, RefreshRequest, SignupRequest } from './auth.schema.js';
import type { AuthService } from './auth.service.js';

const tags = ['auth'];

export function registerAuthRoutes(app: HttpApp, { auth, db }: { auth: AuthService; db: Db }) {
  app.post(
    '/api/v1/auth/signup',
    // Not idempotent on purpose: a stored reply would keep a live token pair in clear for 24 h and hand the same
    // refresh token to anyone replaying the key. A retried signup gets 409 (phone registered) and logs in instead.
    {
      schema: {
        summary: 'Sign up a rider or driver',
        tags,
        body: SignupRequest,
        response: { 201: envelopeOf(AuthResponse) },
      },
      config: { rateLimit: 'signup' },
    },
    async (request, reply) => {
      const locale = request.body.locale ?? localeFromAcceptLanguage(request.headers['accept-language']);
      return sendOk(reply, await auth.signup({ ...request.body, locale }), { status: 201 });
    },
  );
  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        summary: 'Log in with phone and password',
        tags,
        body: LoginRequest,
        response: { 200: envelopeOf(AuthResponse) },
      },
      config: { rateLimit: 'login' },
    },
    async (request, reply) => sendOk(reply, await auth.login(request.body)),
  );
  app.post(
    '/api/v1/auth/refresh',
    // API.md's table limits login, not refresh: refreshes fall under the default limit.
    {
      schema: {
        summary: 'Exchange a refresh token for a new pair',
        tags,
        body: RefreshRequest,
        response: { 200: envelopeOf(AuthResponse) },
      },
      config: {},
    },
    async (request, reply) => sendOk(reply, await auth.refresh(request.body.refreshToken)),
  );
  app.get(
    '/api/v1/me',
    {
      schema: { summary: "Get the caller's profile", tags: ['users'], response: { 200: envelopeOf(MeSchema) } },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      const me = currentUser(request);
      return sendOk(reply, toMe(await getUser(db, me.id), me));
    },
  );
  app.patch(
    '/api/v1/me',
    {
      schema: {
        summary: "Update the caller's name or locale",
        tags: ['users'],
        body: UpdateMeRequest,
        response: { 200: envelopeOf(MeSchema) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      const me = currentUser(request);
      return sendOk(reply, toMe(await updateProfile(db, { userId: me.id, ...request.body }), me));
    },
  );
}
