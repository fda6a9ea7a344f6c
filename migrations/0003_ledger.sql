-- Double-entry ledger (issue 6) and the payment records around it: Kashier
-- deposits, driver withdrawals, trip settlements, finance alerts and
-- reconciliation reports. Money is BIGINT piastres everywhere.

-- Accounts keep TigerBeetle-style counters: a transfer adds its amount to the
-- debit side of one account and the credit side of another, so
-- Σ debits = Σ credits over all accounts at every commit. A wallet's balance is
-- credits_posted - debits_posted; what it may still spend also subtracts
-- debits_pending (holds). Counters are only ever written by the ledger
-- service while it holds the row lock (SELECT … FOR UPDATE ORDER BY id).
CREATE TABLE ledger_accounts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('rider_wallet', 'driver_wallet', 'platform_revenue',
                    'cash_clearing', 'provider_clearing', 'withdrawals_pending')),
  owner_id        uuid REFERENCES users (id),
  currency        text NOT NULL DEFAULT 'EGP' CHECK (currency = 'EGP'),
  -- How far below zero a wallet may go (a driver's cash commissions owed); 0 for riders.
  credit_limit    bigint NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
  debits_pending  bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
  debits_posted   bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
  credits_pending bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
  credits_posted  bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
  version         bigint NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_accounts_wallet_has_owner CHECK ((kind IN ('rider_wallet', 'driver_wallet')) = (owner_id IS NOT NULL)),
  CONSTRAINT ledger_accounts_rider_no_credit CHECK (kind <> 'rider_wallet' OR credit_limit = 0),
  -- The last line of defence: no wallet below its floor, whatever the code does.
  CONSTRAINT ledger_accounts_wallet_floor CHECK (
    owner_id IS NULL OR credits_posted - debits_posted - debits_pending >= -credit_limit)
);
CREATE UNIQUE INDEX ledger_accounts_one_wallet ON ledger_accounts (owner_id) WHERE owner_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_accounts_one_system ON ledger_accounts (kind) WHERE owner_id IS NULL;

INSERT INTO ledger_accounts (kind) VALUES
  ('platform_revenue'), ('cash_clearing'), ('provider_clearing'), ('withdrawals_pending');

-- Immutable transfers keyed by the client's id (same id twice = the first result).
-- phase: 'posted' moves money; 'pending' reserves it (hold); 'post_pending' /
-- 'void_pending' resolve a hold exactly once (unique pending_id).
CREATE TABLE ledger_transfers (
  id                text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9:_.-]{1,128}$'),
  seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  phase             text NOT NULL CHECK (phase IN ('posted', 'pending', 'post_pending', 'void_pending')),
  debit_account_id  bigint NOT NULL REFERENCES ledger_accounts (id),
  credit_account_id bigint NOT NULL REFERENCES ledger_accounts (id),
  amount            bigint NOT NULL CHECK (amount > 0),
  currency          text NOT NULL DEFAULT 'EGP' CHECK (currency = 'EGP'),
  kind              text NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
  reference         text CHECK (length(reference) <= 200),
  pending_id        text REFERENCES ledger_transfers (id),
  timeout_at        timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (debit_account_id <> credit_account_id),
  CHECK ((phase IN ('post_pending', 'void_pending')) = (pending_id IS NOT NULL)),
  CHECK (timeout_at IS NULL OR phase = 'pending')
);
CREATE UNIQUE INDEX ledger_transfers_one_resolution ON ledger_transfers (pending_id) WHERE pending_id IS NOT NULL;
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account_id, seq);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account_id, seq);
CREATE INDEX ledger_transfers_timeouts ON ledger_transfers (timeout_at) WHERE phase = 'pending' AND timeout_at IS NOT NULL;

CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_transfers rows are immutable (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();

-- Deposits through Kashier's hosted page; credited once, from the webhook only.
CREATE TABLE deposits (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id                 uuid NOT NULL REFERENCES users (id),
  amount                  bigint NOT NULL CHECK (amount > 0),
  currency                text NOT NULL DEFAULT 'EGP' CHECK (currency = 'EGP'),
  status                  text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'failed', 'credited', 'held', 'rejected')),
  provider                text NOT NULL DEFAULT 'kashier',
  provider_transaction_id text UNIQUE,
  review_reason           text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  -- When Kashier reported the payment (credited or held for review).
  paid_at                 timestamptz
);
CREATE INDEX deposits_user_recent ON deposits (user_id, created_at DESC);
CREATE INDEX deposits_user_paid ON deposits (user_id, paid_at) WHERE paid_at IS NOT NULL;

-- Webhook inbox: one row per provider transaction and event, whatever the replays.
CREATE TABLE provider_events (
  provider                text NOT NULL,
  event                   text NOT NULL,
  provider_transaction_id text NOT NULL,
  order_id                text,
  status                  text,
  amount                  bigint,
  currency                text,
  payload                 jsonb NOT NULL,
  outcome                 text,
  received_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event, provider_transaction_id)
);
CREATE INDEX provider_events_order ON provider_events (order_id);

CREATE TABLE withdrawals (
  id               uuid PRIMARY KEY,
  driver_id        uuid NOT NULL REFERENCES users (id),
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         text NOT NULL DEFAULT 'EGP' CHECK (currency = 'EGP'),
  status           text NOT NULL CHECK (status IN ('pending', 'review', 'approved', 'rejected', 'expired')),
  hold_transfer_id text NOT NULL UNIQUE,
  review_reason    text,
  decided_by       uuid REFERENCES users (id),
  decided_at       timestamptz,
  decision_note    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX withdrawals_driver_recent ON withdrawals (driver_id, created_at DESC);
CREATE INDEX withdrawals_open ON withdrawals (created_at) WHERE status IN ('pending', 'review');

-- One settlement per trip: what the earnings reports read.
CREATE TABLE trip_settlements (
  trip_id      uuid PRIMARY KEY REFERENCES trips (id),
  rider_id     uuid NOT NULL REFERENCES users (id),
  driver_id    uuid NOT NULL REFERENCES users (id),
  method       text NOT NULL CHECK (method IN ('wallet', 'cash')),
  outcome      text NOT NULL CHECK (outcome IN ('paid', 'payment_failed')),
  fare         bigint NOT NULL CHECK (fare >= 0),
  commission   bigint NOT NULL CHECK (commission >= 0),
  driver_share bigint NOT NULL CHECK (driver_share >= 0),
  settled_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (commission + driver_share = fare)
);
CREATE INDEX trip_settlements_driver ON trip_settlements (driver_id, settled_at);
CREATE INDEX trip_settlements_day ON trip_settlements (settled_at);

CREATE TABLE finance_alerts (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind       text NOT NULL,
  subject_id text,
  message    text NOT NULL,
  details    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX finance_alerts_recent ON finance_alerts (created_at DESC);

CREATE TABLE reconciliation_reports (
  id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ok     boolean NOT NULL,
  checks jsonb NOT NULL,
  ran_at timestamptz NOT NULL DEFAULT now()
);
