-- Issue 18 #5: proof of service. Photos the provider takes and the signature
-- the customer gives; the bytes live in object storage, these rows point at them.

CREATE TABLE service_proofs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id    uuid NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('photo', 'signature')),
  -- Keys in the object store (local disk or S3): the re-encoded image and its thumbnail.
  object_key    text NOT NULL UNIQUE,
  thumbnail_key text NOT NULL UNIQUE,
  content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
  bytes         int NOT NULL CHECK (bytes > 0),
  uploaded_by   uuid NOT NULL REFERENCES users (id),
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX service_proofs_by_request ON service_proofs (request_id, created_at, id);
