import { z } from 'zod';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { readFileParts } from '../platform/http/multipart.js';
import { currentUser } from '../platform/http/route-config.js';
import { AppError, ErrorCode, forbidden } from '../platform/errors.js';
import { OBJECTS_URL_PREFIX, type UrlSigner } from '../platform/storage/index.js';
import { MAX_PROOF_PHOTOS, ServiceProofSchema, ServiceRequestIdParams } from '../modules/service-requests/index.js';
import { listProof, uploadProof, type ServiceProofDeps } from './service-proof.js';

const tags = ['service-requests'];
/** Issue 18 #5: JPEG/PNG of at most 5 MB each. */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const proofList = envelopeOf(z.array(ServiceProofSchema));

const ObjectQuery = z.object({ expires: z.coerce.number().int(), sig: z.string().min(1).max(100) });
// Object keys are `<folder>/<owner id>/<file>` (service-proof.ts); each segment is checked again by the store.
const segment = z.string().regex(/^[a-z0-9-]{1,64}$/);
const ObjectParams = z.object({
  folder: segment,
  owner: segment,
  file: z.string().regex(/^[a-z0-9-]{1,80}\.(jpg|png)$/),
});

function registerUpload(app: HttpApp, deps: ServiceProofDeps) {
  // Multipart is parsed on this route only: every other route keeps the JSON-only, 100 KB body rule.
  void app.register(async (plugin) => {
    await plugin.register(multipart);
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.post(
      '/api/v1/service-requests/:id/proof',
      {
        schema: {
          summary: 'Upload proof of service (photos, or the customer’s signature)',
          description:
            'multipart/form-data: `photos` (JPEG/PNG ≤ 5 MB, ≤ 5 per request; provider) and/or `signature` (PNG; customer).',
          tags,
          params: ServiceRequestIdParams,
          response: { 201: proofList },
        },
        config: { auth: 'any', errors: [ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.CONFLICT] },
      },
      async (request, reply) => {
        const parts = await readFileParts(request, {
          fields: ['photos', 'signature'],
          maxFileBytes: MAX_IMAGE_BYTES,
          maxFiles: MAX_PROOF_PHOTOS + 1,
        });
        const signatures = parts.filter((p) => p.field === 'signature');
        if (signatures.length > 1)
          throw new AppError(ErrorCode.VALIDATION_ERROR, 'One signature per upload', [
            { field: 'body.signature', message: 'send one PNG' },
          ]);
        const upload = {
          photos: parts.filter((p) => p.field === 'photos').map((p) => p.bytes),
          signature: signatures[0]?.bytes,
        };
        const proof = await uploadProof(deps, { requestId: request.params.id, viewer: currentUser(request), upload });
        return sendOk(reply, proof, { status: 201 });
      },
    );
  });
}

export function registerServiceProofRoutes(app: HttpApp, deps: ServiceProofDeps & { signer: UrlSigner }) {
  registerUpload(app, deps);
  app.get(
    '/api/v1/service-requests/:id/proof',
    {
      schema: { summary: 'List proof of service', tags, params: ServiceRequestIdParams, response: { 200: proofList } },
      config: { auth: 'any' },
    },
    async (request, reply) =>
      sendOk(reply, await listProof(deps, { requestId: request.params.id, viewer: currentUser(request) })),
  );
  // The local-disk adapter's signed URLs: the signature is the credential, so no bearer token is needed.
  app.get(
    `${OBJECTS_URL_PREFIX}/:folder/:owner/:file`,
    {
      schema: {
        summary: 'Fetch a stored object by its signed URL',
        tags,
        params: ObjectParams,
        querystring: ObjectQuery,
      },
      config: {},
    },
    async (request, reply) => {
      const { folder, owner, file } = request.params;
      const key = `${folder}/${owner}/${file}`;
      const { expires, sig } = request.query;
      if (deps.store.kind !== 'disk' || !deps.signer.verify(key, expires, sig))
        throw forbidden('The link is invalid or has expired');
      const object = await deps.store.get(key);
      if (!object) throw new AppError(ErrorCode.NOT_FOUND, 'Object not found');
      return reply
        .header('content-type', object.contentType)
        .header('cache-control', 'private, max-age=60')
        .send(object.bytes);
    },
  );
}
