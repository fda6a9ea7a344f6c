import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ErrorCode, HTTP_STATUS } from '../errors.js';
import { databaseFailure } from '../db/transaction.js';
import { metaFor } from './envelope.js';

/** Fastify's own error codes that are the client's fault, mapped to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.VALIDATION_ERROR,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.VALIDATION_ERROR,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.VALIDATION_ERROR,
  FST_ERR_VALIDATION: ErrorCode.VALIDATION_ERROR,
};

function zodDetails(error: FastifyError) {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  return error.validation.map((v) => ({
    field: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
    message: v.message,
  }));
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const dbFailure = databaseFailure(error);
  if (dbFailure) return dbFailure;
  const fe = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    return new AppError(ErrorCode.VALIDATION_ERROR, 'Request failed validation', zodDetails(fe));
  }
  if (fe instanceof SyntaxError || fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError(ErrorCode.VALIDATION_ERROR, 'Malformed JSON body');
  }
  const mapped = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped)
    return new AppError(mapped, mapped === ErrorCode.PAYLOAD_TOO_LARGE ? 'Body exceeds 100 KB' : 'Bad request');
  if (fe?.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError(ErrorCode.VALIDATION_ERROR, 'Bad request');
  }
  return new AppError(ErrorCode.INTERNAL, 'Internal error');
}

export function sendError(request: FastifyRequest, reply: FastifyReply, appError: AppError) {
  for (const [k, v] of Object.entries(appError.headers ?? {})) void reply.header(k, v);
  const error: Record<string, unknown> = { code: appError.code, message: appError.message };
  if (appError.details !== undefined) error.details = appError.details;
  return reply.code(HTTP_STATUS[appError.code]).send({ success: false, error, meta: metaFor(request) });
}

/**
 * Router errors (an undecodable %-sequence, an over-long path parameter) are
 * raised before any hook runs; Fastify would answer them bare, echoing the URL.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  void reply.header('x-request-id', request.id);
  return sendError(request, reply, toAppError(error));
}

/** The one place where exceptions become HTTP responses. No stack or SQL ever leaves. */
export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.code === ErrorCode.INTERNAL) request.log.error({ err: error }, 'unhandled error');
    else if (appError.status >= 500) request.log.warn({ err: (error as Error).message }, appError.message);
    return sendError(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new AppError(ErrorCode.NOT_FOUND, `Route ${request.method} ${request.url.split('?')[0]} not found`),
    ),
  );
}
