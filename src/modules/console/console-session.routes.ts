import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { currentUser, holdsGrant, STAFF_ROLES } from '../../platform/http/route-config.js';
import { type AuthService, LoginRequest } from '../auth/index.js';
import { StaffRoleSchema, UserSchema } from '../users/index.js';

/** The refresh token rides only to this path, so no other request (and no page script) ever carries it. */
export const CONSOLE_SESSION_PATH = '/api/v1/console/session';
export const REFRESH_COOKIE = 'sl_console_refresh';
const STAFF = ['admin', ...STAFF_ROLES] as const;

const ConsoleSession = envelopeOf(
  z.object({ user: UserSchema, staffRoles: z.array(StaffRoleSchema), accessToken: z.string() }),
);

export interface ConsoleSessionDeps {
  auth: AuthService;
  /** Secure cookies in production (HTTPS); a developer's http://localhost keeps working. */
  secureCookie: boolean;
  refreshTtlS: number;
}

/**
 * Console sign-in (issue 19.2): the access token goes to the page (kept in memory only), the refresh token into an
 * httpOnly SameSite=Strict cookie scoped to CONSOLE_SESSION_PATH. Only staff may sign in here.
 */
export function registerConsoleSessionRoutes(app: HttpApp, deps: ConsoleSessionDeps) {
  const tags = ['console'];
  const answer = async (reply: FastifyReply, tokens: { accessToken: string; refreshToken: string; user: unknown }) => {
    const user = await deps.auth.verifyAccessToken(tokens.accessToken);
    if (!holdsGrant(user, STAFF)) {
      await deps.auth.logout(user);
      throw new AppError(ErrorCode.FORBIDDEN, 'The console is for staff');
    }
    setRefreshCookie(reply, deps, tokens.refreshToken);
    const data = { user: tokens.user, staffRoles: user.staffRoles ?? [], accessToken: tokens.accessToken };
    return sendOk(reply, data as z.infer<typeof ConsoleSession>['data']);
  };
  app.post(
    CONSOLE_SESSION_PATH,
    {
      schema: { summary: 'Sign in to the console', tags, body: LoginRequest, response: { 200: ConsoleSession } },
      config: { rateLimit: 'login' },
    },
    async (request, reply) => answer(reply, await deps.auth.login(request.body)),
  );
  app.post(
    `${CONSOLE_SESSION_PATH}/refresh`,
    { schema: { summary: "Refresh the console's access token", tags, response: { 200: ConsoleSession } }, config: {} },
    async (request, reply) => answer(reply, await deps.auth.refresh(refreshCookieOf(request))),
  );
  app.delete(
    CONSOLE_SESSION_PATH,
    { schema: { summary: 'Sign out of the console', tags }, config: { auth: 'any' } },
    async (request, reply) => {
      await deps.auth.logout(currentUser(request));
      void reply.clearCookie(REFRESH_COOKIE, cookieOptions(deps));
      return reply.code(204).send();
    },
  );
}

function refreshCookieOf(request: FastifyRequest): string {
  const token = request.cookies[REFRESH_COOKIE];
  if (!token || token.length > 200) throw new AppError(ErrorCode.UNAUTHENTICATED, 'No console session');
  return token;
}

const cookieOptions = (deps: ConsoleSessionDeps) => ({
  path: CONSOLE_SESSION_PATH,
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: deps.secureCookie,
});

function setRefreshCookie(reply: FastifyReply, deps: ConsoleSessionDeps, token: string) {
  void reply.setCookie(REFRESH_COOKIE, token, { ...cookieOptions(deps), maxAge: deps.refreshTtlS });
}
