-- API keys for server-to-server integrators (issue 9). The full key
-- (sl_live_<prefix>_<secret>) is shown once at creation; only the prefix (to
-- find the row and to identify the key in lists) and a SHA-256 of the whole
-- key are stored.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  scopes       text[] NOT NULL CHECK (cardinality(scopes) > 0),
  prefix       text NOT NULL UNIQUE,
  hash         text NOT NULL,
  created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  revoked_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  last_used_at timestamptz
);
CREATE INDEX api_keys_created ON api_keys (created_at DESC, id DESC);
