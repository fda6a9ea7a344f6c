-- Runtime feature-flag overrides (issue 9). A row exists only for a flag an
-- admin has set; without one, each node's env default applies. Changes are
-- announced with NOTIFY on commit and every node also re-reads this table
-- periodically, so a missed notification costs at most one poll interval.
CREATE TABLE feature_flags (
  name       text PRIMARY KEY CHECK (name ~ '^[A-Z][A-Z0-9_]{0,63}$'),
  enabled    boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id) ON DELETE SET NULL
);

-- Append-only: who flipped what, when and why. `old_enabled` is the value in
-- force before (the changing node's env default when there was no override);
-- removing an override records the env default it falls back to as
-- `new_enabled`, with `override_removed` set.
CREATE TABLE flag_changes (
  id               bigserial PRIMARY KEY,
  flag             text NOT NULL,
  old_enabled      boolean NOT NULL,
  new_enabled      boolean NOT NULL,
  override_removed boolean NOT NULL DEFAULT false,
  reason           text CHECK (reason IS NULL OR length(reason) <= 500),
  changed_by       uuid REFERENCES users (id) ON DELETE SET NULL,
  changed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flag_changes_flag ON flag_changes (flag, id DESC);
