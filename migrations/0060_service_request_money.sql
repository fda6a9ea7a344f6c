-- Issue 18 #6: card payments, refunds and tips of service requests, on the tables trips already use. Each money row
-- now belongs to exactly one trip or one service request; the trip-side uniqueness stays as it was.

-- A card request's settlement is written at completion as `pending` (the invoice is fixed then) and leaves it when
-- Kashier's webhook pays it or the 30-minute deadline turns it into the customer's dues. `refunded` works as on
-- trip_settlements: the CHECK is the last word on "refunds never exceed what was paid".
ALTER TABLE service_settlements DROP CONSTRAINT service_settlements_method_check;
ALTER TABLE service_settlements ADD CONSTRAINT service_settlements_method_check
  CHECK (method IN ('wallet', 'cash', 'card'));
ALTER TABLE service_settlements DROP CONSTRAINT service_settlements_outcome_check;
ALTER TABLE service_settlements ADD CONSTRAINT service_settlements_outcome_check
  CHECK (outcome IN ('paid', 'payment_failed', 'pending') AND (outcome <> 'pending' OR method = 'card'));
ALTER TABLE service_settlements ADD COLUMN refunded bigint NOT NULL DEFAULT 0;
ALTER TABLE service_settlements ADD CONSTRAINT service_settlements_refunds_within_total
  CHECK (refunded >= 0 AND refunded <= total);

-- One Kashier order per card request, as per card trip.
ALTER TABLE card_payments ALTER COLUMN trip_id DROP NOT NULL;
ALTER TABLE card_payments ADD COLUMN service_request_id uuid UNIQUE REFERENCES service_requests (id);
ALTER TABLE card_payments ADD CONSTRAINT card_payments_one_subject
  CHECK (num_nonnulls(trip_id, service_request_id) = 1);

ALTER TABLE trip_refunds ALTER COLUMN trip_id DROP NOT NULL;
ALTER TABLE trip_refunds ADD COLUMN service_request_id uuid REFERENCES service_requests (id);
ALTER TABLE trip_refunds ADD CONSTRAINT trip_refunds_one_subject CHECK (num_nonnulls(trip_id, service_request_id) = 1);
CREATE INDEX trip_refunds_service_request ON trip_refunds (service_request_id, created_at)
  WHERE service_request_id IS NOT NULL;

-- One tip per trip and one per service request: the trip's primary key becomes a unique constraint (NULLs for
-- requests), and the request has its own.
ALTER TABLE trip_tips DROP CONSTRAINT trip_tips_pkey;
ALTER TABLE trip_tips ALTER COLUMN trip_id DROP NOT NULL;
ALTER TABLE trip_tips ADD CONSTRAINT trip_tips_trip_once UNIQUE (trip_id);
ALTER TABLE trip_tips ADD COLUMN service_request_id uuid REFERENCES service_requests (id);
ALTER TABLE trip_tips ADD CONSTRAINT trip_tips_service_request_once UNIQUE (service_request_id);
ALTER TABLE trip_tips ADD CONSTRAINT trip_tips_one_subject CHECK (num_nonnulls(trip_id, service_request_id) = 1);

ALTER TABLE card_tip_orders ALTER COLUMN trip_id DROP NOT NULL;
ALTER TABLE card_tip_orders ADD COLUMN service_request_id uuid REFERENCES service_requests (id);
ALTER TABLE card_tip_orders ADD CONSTRAINT card_tip_orders_one_subject
  CHECK (num_nonnulls(trip_id, service_request_id) = 1);
