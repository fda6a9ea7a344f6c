-- Refunds and card trips (issue 15, points 5 and 7).

-- Card trips: the rider pays the final amount on Kashier's page after completion.
ALTER TABLE trips DROP CONSTRAINT trips_payment_method_check;
ALTER TABLE trips ADD CONSTRAINT trips_payment_method_check CHECK (payment_method IN ('cash', 'wallet', 'card'));
ALTER TABLE trip_settlements DROP CONSTRAINT trip_settlements_method_check;
ALTER TABLE trip_settlements ADD CONSTRAINT trip_settlements_method_check CHECK (method IN ('wallet', 'cash', 'card'));

-- What has been refunded (or is being refunded) of a settled fare. The CHECK is the last word on "refunds never
-- exceed what was paid": a refund adds to it under the settlement's row lock, a failed card refund gives it back.
ALTER TABLE trip_settlements ADD COLUMN refunded bigint NOT NULL DEFAULT 0;
ALTER TABLE trip_settlements ADD CONSTRAINT trip_settlements_refunds_within_fare CHECK (refunded >= 0 AND refunded <= fare);

-- One Kashier order per card trip; its id is the merchantOrderId Kashier reports back in the webhook.
CREATE TABLE card_payments (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trip_id                 uuid NOT NULL UNIQUE REFERENCES trips (id),
  rider_id                uuid NOT NULL REFERENCES users (id),
  driver_id               uuid NOT NULL REFERENCES users (id),
  amount                  bigint NOT NULL CHECK (amount > 0),
  commission              bigint NOT NULL CHECK (commission >= 0 AND commission <= amount),
  currency                text NOT NULL DEFAULT 'EGP' CHECK (currency = 'EGP'),
  status                  text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed')),
  payment_url             text NOT NULL,
  provider_transaction_id text UNIQUE,
  -- Kashier's own order id (from the webhook): its refund call addresses the order by it.
  provider_order_id       text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  paid_at                 timestamptz,
  CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);
CREATE INDEX card_payments_pending ON card_payments (created_at) WHERE status = 'pending';

-- Refunds of a trip's fare: wallet and cash trips back to the rider's wallet at once, card trips through Kashier
-- (pending until the provider answers).
CREATE TABLE trip_refunds (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trip_id            uuid NOT NULL REFERENCES trips (id),
  rider_id           uuid NOT NULL REFERENCES users (id),
  amount             bigint NOT NULL CHECK (amount > 0),
  currency           text NOT NULL DEFAULT 'EGP' CHECK (currency = 'EGP'),
  reason             text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  destination        text NOT NULL CHECK (destination IN ('wallet', 'card')),
  status             text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  requested_by       uuid NOT NULL REFERENCES users (id),
  provider_refund_id text,
  failure_reason     text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (destination = 'card' OR status = 'succeeded')
);
CREATE INDEX trip_refunds_trip ON trip_refunds (trip_id, created_at);

-- Rider dues (an unpaid card trip becomes the rider's dues). The DUES DESIGN and its migration belong to the fees
-- work (0018); these statements repeat its account changes idempotently so this branch stands alone and, after the
-- merge, re-running them changes nothing.
ALTER TABLE ledger_accounts DROP CONSTRAINT IF EXISTS ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check CHECK (kind IN ('rider_wallet', 'driver_wallet',
  'rider_dues', 'platform_revenue', 'cash_clearing', 'provider_clearing', 'withdrawals_pending'));
ALTER TABLE ledger_accounts DROP CONSTRAINT IF EXISTS ledger_accounts_wallet_has_owner;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_wallet_has_owner
  CHECK ((kind IN ('rider_wallet', 'driver_wallet', 'rider_dues')) = (owner_id IS NOT NULL));
ALTER TABLE ledger_accounts DROP CONSTRAINT IF EXISTS ledger_accounts_wallet_floor;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_wallet_floor CHECK (
  owner_id IS NULL OR kind = 'rider_dues' OR credits_posted - debits_posted - debits_pending >= -credit_limit);
ALTER TABLE ledger_accounts DROP CONSTRAINT IF EXISTS ledger_accounts_dues_never_credit;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_dues_never_credit CHECK (
  kind <> 'rider_dues' OR (credits_posted <= debits_posted AND credit_limit = 0));
DROP INDEX IF EXISTS ledger_accounts_one_wallet;
CREATE UNIQUE INDEX IF NOT EXISTS ledger_accounts_one_per_owner_kind ON ledger_accounts (owner_id, kind)
  WHERE owner_id IS NOT NULL;
