-- Reassignment and book-later holds (issue 16, points 4 and 6).
CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public;

-- A reserved scheduled trip is `scheduled` with a driver: the driver stays free for other work until they confirm
-- (confirmed_at, when the trip becomes `accepted`); hold_ends_at is how long the booking holds them after pickup.
-- reassignments counts how often the trip went back to searching (same row: one request time, one fare).
ALTER TABLE trips
  ADD COLUMN confirmed_at  timestamptz,
  ADD COLUMN hold_ends_at  timestamptz,
  ADD COLUMN reassignments int NOT NULL DEFAULT 0 CHECK (reassignments >= 0),
  ADD CHECK (hold_ends_at IS NULL OR (scheduled_at IS NOT NULL AND hold_ends_at > scheduled_at));

-- The database, not the application, keeps one driver's scheduled trips apart: two holds of one driver may not
-- overlap while either trip is live. Ranges are [pickup, hold end) so back-to-back bookings do not collide.
ALTER TABLE trips ADD CONSTRAINT trips_scheduled_no_overlap
  EXCLUDE USING gist (driver_id WITH =, tstzrange(scheduled_at, hold_ends_at) WITH &&)
  WHERE (hold_ends_at IS NOT NULL AND driver_id IS NOT NULL
         AND status IN ('scheduled', 'accepted', 'arrived', 'started'));

-- Drivers' reserved (scheduled, assigned) trips, for the confirmation checks.
CREATE INDEX trips_driver_reserved ON trips (driver_id) WHERE status = 'scheduled' AND driver_id IS NOT NULL;
