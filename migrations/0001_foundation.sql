-- Foundation: users, sessions, idempotency, event store, dead letters.
-- Extensions are database-wide; they live in public so every schema sees them.
CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public;

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  phone         text NOT NULL UNIQUE,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('rider', 'driver', 'admin')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A session is one refresh-token family; access tokens name it (sid) so that
-- logout or refresh-token reuse kills every token of the family at once.
CREATE TABLE sessions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  revoke_reason text
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
  token_hash  text PRIMARY KEY,
  session_id  uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE idempotency_keys (
  scope           text NOT NULL,
  key             text NOT NULL,
  request_hash    text NOT NULL,
  state           text NOT NULL CHECK (state IN ('in_flight', 'done')),
  response_status int,
  response_body   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  locked_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Append-only domain events, one gap-free sequence per aggregate.
CREATE TABLE events (
  id             bigserial PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id   uuid NOT NULL,
  seq            int  NOT NULL,
  type           text NOT NULL,
  payload        jsonb NOT NULL,
  actor_id       uuid,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (aggregate_id, seq)
);
CREATE INDEX events_created ON events (created_at);

CREATE TABLE dead_letters (
  id          bigserial PRIMARY KEY,
  task        text NOT NULL,
  payload     jsonb NOT NULL,
  job_key     text,
  attempts    int NOT NULL,
  last_error  text NOT NULL,
  failed_at   timestamptz NOT NULL DEFAULT now(),
  requeued_at timestamptz,
  requeued_by uuid
);
CREATE INDEX dead_letters_open ON dead_letters (failed_at DESC) WHERE requeued_at IS NULL;

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  actor_id    uuid,
  action      text NOT NULL,
  target_type text NOT NULL,
  target_id   text NOT NULL,
  details     jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);
