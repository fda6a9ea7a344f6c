-- Issue 18 #3: the work quote a provider posts on site and the customer
-- approves before work starts. Each posting is a new revision; the newest one
-- is the quote in force, and only its approval lets the work start.

CREATE TABLE service_quotes (
  request_id  uuid NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
  revision    int NOT NULL CHECK (revision >= 1),
  provider_id uuid NOT NULL REFERENCES users (id),
  -- [{kind: labour|part, label, qty, unitAmount, amount}], amount = qty × unitAmount, summing to total.
  items       jsonb NOT NULL CHECK (jsonb_array_length(items) BETWEEN 1 AND 50),
  total       bigint NOT NULL CHECK (total BETWEEN 0 AND 10000000),
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined', 'superseded')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  decided_at  timestamptz,
  PRIMARY KEY (request_id, revision),
  -- A superseded revision keeps the decision time it had (an approval a revision replaced).
  CHECK (status NOT IN ('approved', 'declined') OR decided_at IS NOT NULL),
  CHECK (status <> 'pending' OR decided_at IS NULL)
);

-- At most one quote in force per request: a revision supersedes the one before it in the same transaction.
CREATE UNIQUE INDEX service_quotes_one_in_force ON service_quotes (request_id)
  WHERE status IN ('pending', 'approved');
