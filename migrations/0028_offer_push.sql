-- Issue 17 points 1-2: offers carry the driver's distance to pickup (known when the round picks
-- the driver, shown on the socket offer, the push and GET /drivers/me/offers).
ALTER TABLE trip_offers ADD COLUMN distance_to_pickup_m int CHECK (distance_to_pickup_m >= 0);
-- The driver app acknowledged the socket offer (`trip:offer_seen`): the socket channel reached the phone.
ALTER TABLE trip_offers ADD COLUMN seen_at timestamptz;

-- Offer pushes are tracked per device in notification_deliveries (subject_type 'trip_offer',
-- subject_id = trip); admins read them per trip.
CREATE INDEX notification_deliveries_trip_offer
  ON notification_deliveries (subject_id) WHERE subject_type = 'trip_offer';
