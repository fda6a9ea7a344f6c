import type { FastifyRequest } from 'fastify';
import '@fastify/multipart';
import { AppError, ErrorCode } from '../errors.js';

export interface FilePart {
  field: string;
  bytes: Buffer;
}

export interface FilePartLimits {
  /** Form fields that may carry files; any other part is refused. */
  fields: readonly string[];
  maxFileBytes: number;
  maxFiles: number;
}

/** @fastify/multipart's own errors that are the client's fault, as our codes. */
function multipartError(err: unknown, limits: FilePartLimits): AppError | undefined {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `Each file may be at most ${limits.maxFileBytes} bytes`);
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
    return new AppError(ErrorCode.VALIDATION_ERROR, `At most ${limits.maxFiles} files per upload`);
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new AppError(ErrorCode.VALIDATION_ERROR, 'Expected a multipart/form-data body');
  if (code?.startsWith('FST_')) return new AppError(ErrorCode.VALIDATION_ERROR, 'Malformed multipart body');
  return undefined;
}

async function collect(request: FastifyRequest, limits: FilePartLimits): Promise<FilePart[]> {
  const files: FilePart[] = [];
  const parts = request.parts({
    limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 0, parts: limits.maxFiles },
  });
  for await (const part of parts) {
    if (part.type !== 'file' || !limits.fields.includes(part.fieldname))
      throw new AppError(ErrorCode.VALIDATION_ERROR, `Unexpected form part "${part.fieldname}"`, [
        { field: `body.${part.fieldname}`, message: `expected files in ${limits.fields.join(' or ')}` },
      ]);
    files.push({ field: part.fieldname, bytes: await part.toBuffer() });
  }
  return files;
}

/**
 * The files of a multipart upload, in memory (a few MB each at most), checked against the limits while they
 * stream in: an oversized file stops the upload at its limit instead of being read whole.
 */
export async function readFileParts(request: FastifyRequest, limits: FilePartLimits): Promise<FilePart[]> {
  try {
    return await collect(request, limits);
  } catch (err) {
    throw multipartError(err, limits) ?? err;
  }
}
