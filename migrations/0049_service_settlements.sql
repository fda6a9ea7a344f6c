-- Issue 18 #6: a service request's invoice, settled through the ledger in the
-- transaction that completes it (or ends it on a declined quote: call-out fee only).

CREATE TABLE service_settlements (
  request_id     uuid PRIMARY KEY REFERENCES service_requests (id),
  customer_id    uuid NOT NULL REFERENCES users (id),
  provider_id    uuid NOT NULL REFERENCES users (id),
  method         text NOT NULL CHECK (method IN ('wallet', 'cash')),
  outcome        text NOT NULL CHECK (outcome IN ('paid', 'payment_failed')),
  -- The receipt: [{code: call_out|tow_distance|labour|part, label?, qty?, unitAmount?, amount}], summing to total.
  items          jsonb NOT NULL,
  total          bigint NOT NULL CHECK (total >= 0),
  commission_bps int NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
  commission     bigint NOT NULL CHECK (commission >= 0),
  provider_share bigint NOT NULL CHECK (provider_share >= 0),
  settled_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (commission + provider_share = total)
);
CREATE INDEX service_settlements_provider ON service_settlements (provider_id, settled_at);
