import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../errors.js';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

export function compareVersions(a: string, b: string): number {
  const pa = SEMVER.exec(a)!.slice(1).map(Number);
  const pb = SEMVER.exec(b)!.slice(1).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/** `X-Client-Version` below the minimum ⇒ 426 on every /api/v1 route; absent ⇒ allowed. */
export function installClientVersionCheck(app: FastifyInstance, minClientVersion: string) {
  app.addHook('onRequest', (request, _reply, done) => done(versionProblem(request, minClientVersion)));
}

/** Why this request's client version is refused, if it is. */
function versionProblem(request: FastifyRequest, minClientVersion: string): AppError | undefined {
  if (!request.url.startsWith('/api/v1/')) return undefined;
  const raw = request.headers['x-client-version'];
  if (raw === undefined) return undefined;
  const version = String(raw).trim();
  if (!SEMVER.test(version))
    return new AppError(ErrorCode.VALIDATION_ERROR, 'X-Client-Version must be MAJOR.MINOR.PATCH');
  if (compareVersions(version, minClientVersion) >= 0) return undefined;
  return new AppError(ErrorCode.UPGRADE_REQUIRED, `Client ${version} is below the minimum ${minClientVersion}`, {
    minClientVersion,
  });
}
