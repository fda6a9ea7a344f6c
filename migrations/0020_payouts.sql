-- Payouts (issue 15, point 8): where a driver's withdrawals are sent, and one
-- payout per approved withdrawal that finance pays through the bank batch.

-- One payout method per user; replacing it never touches payouts already
-- created (they carry a snapshot).
CREATE TABLE payout_methods (
  user_id     uuid PRIMARY KEY REFERENCES users (id),
  type        text NOT NULL CHECK (type IN ('bank', 'mobile_wallet')),
  -- Electronic format (no spaces, upper case), checked by ibantools before it gets here.
  iban        text CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$'),
  holder_name text CHECK (length(holder_name) BETWEEN 1 AND 100),
  -- E.164 Egyptian mobile number.
  phone       text CHECK (phone ~ '^\+201[0125][0-9]{8}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'bank') = (iban IS NOT NULL AND holder_name IS NOT NULL)),
  CHECK ((type = 'mobile_wallet') = (phone IS NOT NULL))
);

-- A payout is created in the transaction that approves its withdrawal (unique
-- withdrawal_id: one payout per withdrawal, whatever the retries). Its status
-- moves once: pending → paid | failed, by compare-and-set.
CREATE TABLE payouts (
  id             uuid PRIMARY KEY,
  withdrawal_id  uuid NOT NULL UNIQUE REFERENCES withdrawals (id),
  driver_id      uuid NOT NULL REFERENCES users (id),
  amount         bigint NOT NULL CHECK (amount > 0),
  currency       text NOT NULL DEFAULT 'EGP' CHECK (currency = 'EGP'),
  method_type    text NOT NULL CHECK (method_type IN ('bank', 'mobile_wallet')),
  iban           text,
  holder_name    text,
  phone          text,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed')),
  -- The bank's (or wallet provider's) reference when paid; why it failed otherwise.
  bank_reference text CHECK (length(bank_reference) <= 100),
  failure_reason text CHECK (length(failure_reason) <= 500),
  decided_by     uuid REFERENCES users (id),
  decided_at     timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'paid') = (bank_reference IS NOT NULL)),
  CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
);
CREATE INDEX payouts_recent ON payouts (created_at DESC, id DESC);
CREATE INDEX payouts_status_recent ON payouts (status, created_at DESC, id DESC);

-- Money sent out to banks and mobile wallets: a paid payout moves its amount
-- from withdrawals_pending to this account, so withdrawals_pending holds only
-- what is approved and not yet paid. The kind list is extended in place rather
-- than restated, so kinds other migrations added (rider_dues, …) stay allowed.
DO $$
DECLARE
  def text;
BEGIN
  SELECT pg_get_constraintdef(c.oid) INTO def
    FROM pg_constraint c
   WHERE c.conrelid = 'ledger_accounts'::regclass AND c.conname = 'ledger_accounts_kind_check';
  IF def IS NULL OR position('payout_clearing' IN def) > 0 THEN
    RETURN;
  END IF;
  EXECUTE 'ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check';
  EXECUTE 'ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check '
    || regexp_replace(def, '\]\)+$', '') || ', ''payout_clearing''::text])))';
END $$;

INSERT INTO ledger_accounts (kind) VALUES ('payout_clearing');
