-- Outbound webhooks (issue 20 points 1-3). An endpoint belongs to the admin
-- or the API key that registered it (owner_kind/owner_id); notify_user_id is
-- the person told when it is disabled (the admin, or the key's creator).
-- Secrets are Standard Webhooks `whsec_<base64>`; after a rotation the
-- previous one keeps signing alongside until previous_secret_until.
CREATE TABLE webhook_endpoints (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_kind            text NOT NULL CHECK (owner_kind IN ('user', 'api_key')),
  owner_id              uuid NOT NULL,
  notify_user_id        uuid REFERENCES users (id) ON DELETE SET NULL,
  url                   text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  events                text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 64),
  description           text CHECK (length(description) <= 500),
  enabled               boolean NOT NULL DEFAULT true,
  disabled_reason       text,
  secret                text NOT NULL,
  previous_secret       text,
  previous_secret_until timestamptz,
  -- First failed attempt since the last success; 24 h of failing disables the endpoint.
  failing_since         timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_listing ON webhook_endpoints (created_at DESC, id DESC);
CREATE INDEX webhook_endpoints_owner ON webhook_endpoints (owner_id);

-- One row per (endpoint, event, webhook type) plus one per replay. `ordinal`
-- orders one resource's deliveries to one endpoint: only the oldest pending
-- row of an (endpoint, resource) pair is ever sent (see webhooks.repo.ts).
CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ordinal          bigserial NOT NULL,
  endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id         bigint NOT NULL,
  message_id       text NOT NULL,
  event_type       text NOT NULL,
  resource_id      text NOT NULL,
  payload          jsonb NOT NULL,
  replay_of        uuid REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  last_attempt_at  timestamptz,
  last_status_code int,
  last_latency_ms  int,
  last_response    text CHECK (octet_length(last_response) <= 1024),
  last_error       text CHECK (length(last_error) <= 500),
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
-- Fan-out is idempotent: a re-run of the fan-out job inserts nothing twice.
CREATE UNIQUE INDEX webhook_deliveries_once
  ON webhook_deliveries (endpoint_id, event_id, event_type) WHERE replay_of IS NULL;
CREATE INDEX webhook_deliveries_head
  ON webhook_deliveries (endpoint_id, resource_id, ordinal) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_listing ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
