-- Card tips (issue 15 point 6): a tip on a card trip is paid on Kashier's page, so a tip has a state.
-- Wallet tips are paid in the request (status 'paid' at once); a card tip is 'pending' until Kashier's webhook
-- settles it, or 'failed' when unpaid after 30 minutes. The trip_id primary key keeps one tip per trip; a failed
-- card tip is reopened in place (new order id) rather than a second row, so "once per trip" stays one constraint.
ALTER TABLE trip_tips ADD COLUMN method text NOT NULL DEFAULT 'wallet' CHECK (method IN ('wallet', 'card'));
ALTER TABLE trip_tips ADD COLUMN status text NOT NULL DEFAULT 'paid' CHECK (status IN ('pending', 'paid', 'failed'));
-- The Kashier merchantOrderId of the current attempt (a retry gets a new one; the old order is then unknown).
ALTER TABLE trip_tips ADD COLUMN order_id uuid UNIQUE;
ALTER TABLE trip_tips ADD COLUMN payment_url text;
ALTER TABLE trip_tips ADD COLUMN provider_transaction_id text UNIQUE;
ALTER TABLE trip_tips ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE trip_tips ADD CONSTRAINT trip_tips_card_has_order CHECK (
  (method = 'card') = (order_id IS NOT NULL AND payment_url IS NOT NULL));
ALTER TABLE trip_tips ADD CONSTRAINT trip_tips_wallet_paid CHECK (method = 'card' OR status = 'paid');

-- Every Kashier order opened for a tip, kept after a retry replaces it on the tip: a late payment of an old order
-- is then still known (it raises a finance alert) instead of being refused as an unknown order.
CREATE TABLE card_tip_orders (
  id         uuid PRIMARY KEY,
  trip_id    uuid NOT NULL REFERENCES trips (id),
  amount     bigint NOT NULL CHECK (amount > 0),
  currency   text NOT NULL DEFAULT 'EGP' CHECK (currency = 'EGP'),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_tip_orders_trip ON card_tip_orders (trip_id);
