-- Issue 18 #7: a provider's accepted on-demand job and their booked slots may
-- not overlap. Rather than a second rule, the accepted job holds a slot in
-- `bookings` itself, so the one exclusion constraint (bookings_no_overlap)
-- refuses both an accept that overlaps a booked slot and a booking that
-- overlaps the job. A trigger writes the hold, whichever code path assigns.

ALTER TABLE bookings ADD COLUMN service_request_id uuid UNIQUE REFERENCES service_requests (id) ON DELETE CASCADE;

-- Holds are not bookings anyone made: the default read path does not show them.
CREATE OR REPLACE VIEW bookings_live AS
  SELECT * FROM bookings WHERE deleted_at IS NULL AND service_request_id IS NULL;

-- How long an accepted job is expected to keep the provider: drive there and do
-- the work (a Cairo roadside job is typically under 90 min; a tow can be longer).
-- The hold ends early when the job ends (completed, cancelled, declined quote).
CREATE FUNCTION service_request_booking_hold() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  active text[] := ARRAY['assigned', 'en_route', 'arrived', 'quoted', 'in_progress'];
  was_active boolean := TG_OP = 'UPDATE' AND OLD.status = ANY (active) AND OLD.provider_id IS NOT NULL;
  is_active boolean := NEW.status = ANY (active) AND NEW.provider_id IS NOT NULL;
BEGIN
  IF was_active AND (NOT is_active OR NEW.provider_id IS DISTINCT FROM OLD.provider_id) THEN
    UPDATE bookings
      SET ends_at = greatest(now(), starts_at + interval '1 second'),
          status = CASE WHEN NEW.status = 'completed' THEN 'completed' ELSE 'cancelled' END,
          updated_at = now()
      WHERE service_request_id = OLD.id;
    -- A reassigned job frees the old provider's slot; the new provider gets a fresh one below.
    DELETE FROM bookings WHERE service_request_id = OLD.id AND is_active;
  END IF;
  IF is_active AND NOT (was_active AND NEW.provider_id IS NOT DISTINCT FROM OLD.provider_id) THEN
    -- 23P01 bookings_no_overlap when the provider has a booked slot now (or within the hold).
    INSERT INTO bookings (customer_id, provider_id, service_type, starts_at, ends_at, status, address,
                          service_request_id)
    VALUES (NEW.customer_id, NEW.provider_id, NEW.service_type, now(),
            now() + CASE WHEN NEW.service_type = 'tow' THEN interval '3 hours' ELSE interval '90 minutes' END,
            'in_progress', coalesce(NEW.address, 'On-demand service request'), NEW.id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER service_requests_booking_hold AFTER INSERT OR UPDATE OF status, provider_id ON service_requests
  FOR EACH ROW EXECUTE FUNCTION service_request_booking_hold();
