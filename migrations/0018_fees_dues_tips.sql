-- Cancellation fees, rider dues and tips (issue 15, points 4 and 6).

-- A rider who cannot pay a fee owes it: one `rider_dues` account per rider,
-- created on demand. Owing X is a transfer of X out of it (an IOU, so it may go
-- below zero); the dues outstanding are its debit balance, and paying them is a
-- transfer back in. It has an owner like a wallet, so "one account per owner"
-- becomes "one account per owner and kind".
ALTER TABLE ledger_accounts DROP CONSTRAINT IF EXISTS ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check CHECK (kind IN ('rider_wallet', 'driver_wallet',
  'rider_dues', 'platform_revenue', 'cash_clearing', 'provider_clearing', 'withdrawals_pending'));

ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_wallet_has_owner;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_wallet_has_owner
  CHECK ((kind IN ('rider_wallet', 'driver_wallet', 'rider_dues')) = (owner_id IS NOT NULL));

-- Wallets keep their floor; a dues account is the one owned account allowed below zero, and it never holds credit
-- (paying more than is owed would be money with nowhere to go).
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_wallet_floor;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_wallet_floor CHECK (
  owner_id IS NULL OR kind = 'rider_dues' OR credits_posted - debits_posted - debits_pending >= -credit_limit);
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_dues_never_credit CHECK (
  kind <> 'rider_dues' OR (credits_posted <= debits_posted AND credit_limit = 0));

DROP INDEX ledger_accounts_one_wallet;
CREATE UNIQUE INDEX ledger_accounts_one_per_owner_kind ON ledger_accounts (owner_id, kind) WHERE owner_id IS NOT NULL;

-- One fee per cancelled trip: how it was paid (the rider's wallet, or owed as dues) and whether an admin waived it.
CREATE TABLE cancellation_fees (
  trip_id      uuid PRIMARY KEY REFERENCES trips (id),
  rider_id     uuid NOT NULL REFERENCES users (id),
  driver_id    uuid NOT NULL REFERENCES users (id),
  amount       bigint NOT NULL CHECK (amount > 0),
  commission   bigint NOT NULL CHECK (commission >= 0 AND commission <= amount),
  paid_from    text NOT NULL CHECK (paid_from IN ('wallet', 'dues')),
  waived_by    uuid REFERENCES users (id),
  waived_at    timestamptz,
  waive_reason text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((waived_by IS NULL) = (waived_at IS NULL))
);
CREATE INDEX cancellation_fees_rider ON cancellation_fees (rider_id, created_at DESC);

-- At most one tip per trip (the primary key), 100 % to the driver.
CREATE TABLE trip_tips (
  trip_id    uuid PRIMARY KEY REFERENCES trips (id),
  rider_id   uuid NOT NULL REFERENCES users (id),
  driver_id  uuid NOT NULL REFERENCES users (id),
  amount     bigint NOT NULL CHECK (amount > 0),
  currency   text NOT NULL DEFAULT 'EGP' CHECK (currency = 'EGP'),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trip_tips_driver ON trip_tips (driver_id, created_at DESC);
