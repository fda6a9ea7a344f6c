-- Issue 16 point 3: a driver whose app keeps reporting impossible jumps or
-- mock locations is flagged and kept out of dispatch and nearby until an
-- admin clears the flag. Hot state counts the suspicious fixes; only the
-- flag itself reaches Postgres.
CREATE TABLE fraud_flags (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  driver_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- what tipped the count over the limit
  reason text NOT NULL CHECK (reason IN ('impossible_jump', 'mock_location')),
  -- suspicious fixes counted in the hour before the flag
  suspicious_fixes integer NOT NULL CHECK (suspicious_fixes > 0),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cleared')),
  note text,
  cleared_by uuid REFERENCES users (id) ON DELETE SET NULL,
  cleared_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'cleared') = (cleared_at IS NOT NULL))
);

-- One open flag per driver: nodes that see the limit crossed at once insert it once.
CREATE UNIQUE INDEX fraud_flags_one_open_per_driver ON fraud_flags (driver_id) WHERE status = 'open';
CREATE INDEX fraud_flags_by_status ON fraud_flags (status, created_at DESC, id DESC);
