import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';

/** The built console (vite build of console/ into console/dist). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));
/** OpenStreetMap's tile usage policy asks for this attribution beside its tiles. */
const OSM_ATTRIBUTION = '© OpenStreetMap contributors';

/** The tile server's origin for CSP img-src; none when the map runs without a basemap. */
export function tileOrigin(tileUrl: string): string | null {
  if (!tileUrl) return null;
  const url = new URL(tileUrl.replace(/\{s\}\./, '').replaceAll(/\{[a-z]\}/g, '0'));
  return url.origin;
}

/**
 * CSP for the console's pages (issue 19.2; the API's own JSON needs none): scripts and styles only from this
 * origin — no inline script, no eval — images from here and the tile server, sockets to this host. `blob:` images
 * are the job trace's proof photos, fetched with the bearer token and shown through an object URL.
 */
export function consoleCsp(tileUrl: string): string {
  const tiles = tileOrigin(tileUrl);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tiles ? ` ${tiles}` : ''}`,
    "connect-src 'self'",
    "media-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

const ConsoleConfig = envelopeOf(z.object({ tileUrl: z.string(), attribution: z.string() }));

/** Serves console/dist at /console/ with its CSP, and what the page needs to know before sign-in. */
export async function registerConsolePages(app: HttpApp, opts: { tileUrl: string }) {
  app.get(
    '/api/v1/console/config',
    { schema: { summary: "Get the console's configuration", tags: ['console'], response: { 200: ConsoleConfig } } },
    async (_request, reply) =>
      sendOk(reply, {
        tileUrl: opts.tileUrl,
        attribution: opts.tileUrl.includes('openstreetmap') ? OSM_ATTRIBUTION : '',
      }),
  );
  if (!existsSync(CONSOLE_DIST)) {
    app.log.warn('console/dist is missing: /console is not served (npm start builds it)');
    return;
  }
  const csp = consoleCsp(opts.tileUrl);
  await app.register(async (scope) => {
    // Static files, outside the envelope and the API's limits: an overloaded node still serves the page its
    // operators watch it from (its API calls are shed like any other).
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, plain: true };
    });
    scope.addHook('onSend', async (_request, reply, payload) => {
      void reply.header('content-security-policy', csp);
      return payload;
    });
    await scope.register(fastifyStatic, { root: CONSOLE_DIST, prefix: '/console/', index: false });
    // The page itself at /console/ (and /console: the router ignores trailing slashes).
    scope.get('/console/', { schema: { hide: true } }, async (_request, reply) => reply.sendFile('index.html'));
  });
}
