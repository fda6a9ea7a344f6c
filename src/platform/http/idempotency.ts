import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../errors.js';
import type { Db } from '../db/database.js';
import { claimKey, completeKey, releaseKey } from './idempotency.repo.js';

export const IDEMPOTENCY_TTL_S = 24 * 3600; // API.md: replays within 24 h
const STALE_IN_FLIGHT_S = 60; // a claim whose owner died is free again after a minute
const MAX_KEY_LENGTH = 255;
/** Waits between further tries to release a key after a 5xx whose first release failed (~15 s in all). */
const RELEASE_RETRY_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];

interface Claim {
  scope: string;
  key: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: Claim;
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

function readKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = String(raw);
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new AppError(ErrorCode.VALIDATION_ERROR, `Idempotency-Key must be 1..${MAX_KEY_LENGTH} characters`);
  }
  return key;
}

/**
 * Stripe semantics: the first request with a key runs; a replay gets the stored
 * status and body with `Idempotent-Replay: true`; a different body under the
 * same key is 422; a replay while the first is still running is 409.
 * Server errors (5xx) release the key so the client may retry.
 */
export function installIdempotency(app: FastifyInstance, mainDb: Db, criticalDb: Db = mainDb) {
  // A safety-critical route (SOS) keeps its key on the reserved pool too: a saturated main pool must not delay it.
  const dbFor = (request: FastifyRequest) => (request.routeOptions.config?.critical ? criticalDb : mainDb);
  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config?.idempotent) return;
    const db = dbFor(request);
    const key = readKey(request);
    if (!key) return;
    const scope = request.user ? `user:${request.user.id}` : `ip:${request.ip}`;
    const hash = requestHash(request);
    const existing = await claimKey(db, {
      scope,
      key,
      requestHash: hash,
      staleAfterS: STALE_IN_FLIGHT_S,
      ttlS: IDEMPOTENCY_TTL_S,
    });
    if (!existing) {
      request.idempotencyClaim = { scope, key };
      return;
    }
    if (existing.request_hash !== hash) {
      throw new AppError(ErrorCode.IDEMPOTENCY_MISMATCH, 'Idempotency-Key was used with a different request');
    }
    if (existing.state === 'in_flight') {
      throw new AppError(
        ErrorCode.IDEMPOTENCY_KEY_IN_USE,
        'A request with this Idempotency-Key is still being processed',
      );
    }
    void reply.header('idempotent-replay', 'true').header('content-type', 'application/json; charset=utf-8');
    return reply.code(existing.response_status ?? 200).send(existing.response_body ?? '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    const db = dbFor(request);
    request.idempotencyClaim = undefined;
    if (reply.statusCode >= 500) await releaseAfterFailure(db, claim, request);
    else
      await completeKey(db, { ...claim, status: reply.statusCode, body: typeof payload === 'string' ? payload : '' });
    return payload;
  });
}

/**
 * A 5xx frees its key so the client's retry runs. The commonest 5xx is a 503 for a pool that had no connection to
 * give within its timeout, and the release needs one too: if that first try fails, it goes on trying in the
 * background (the response is not held), so a key is not left in flight for STALE_IN_FLIGHT_S, answering the
 * client's retries with 409, after a request that wrote nothing.
 */
async function releaseAfterFailure(db: Db, claim: Claim, request: FastifyRequest) {
  const release = () =>
    releaseKey(db, claim).then(
      () => true,
      () => false,
    );
  if (await release()) return;
  void (async () => {
    for (const wait of RELEASE_RETRY_MS) {
      await sleep(wait);
      if (await release()) return;
    }
    request.log.warn('idempotency key still in flight after a 5xx; it frees itself when stale');
  })();
}
