-- Issue 18 #2: service requests are dispatched by the same engine as trips,
-- so they share its state: `trip_dispatch` (one row per job being searched for)
-- and `trip_offers` (one row per job offered to a provider). The column is still
-- called trip_id; it now holds the id of a trip or of a service request, and
-- `kind` says which. Sharing the offers table is what lets "a provider holds at
-- most one open offer" and "drivers with open offers" see both kinds of job.

ALTER TABLE trip_dispatch DROP CONSTRAINT trip_dispatch_trip_id_fkey;
ALTER TABLE trip_dispatch ADD COLUMN kind text NOT NULL DEFAULT 'trip' CHECK (kind IN ('trip', 'service_request'));
ALTER TABLE trip_offers DROP CONSTRAINT trip_offers_trip_id_fkey;

-- The foreign keys used to cascade a deleted job's dispatch state; these triggers keep doing that for both kinds.
CREATE FUNCTION dispatch_state_cleanup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM trip_offers WHERE trip_id = OLD.id;
  DELETE FROM trip_dispatch WHERE trip_id = OLD.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER trips_dispatch_cleanup AFTER DELETE ON trips
  FOR EACH ROW EXECUTE FUNCTION dispatch_state_cleanup();
CREATE TRIGGER service_requests_dispatch_cleanup AFTER DELETE ON service_requests
  FOR EACH ROW EXECUTE FUNCTION dispatch_state_cleanup();
