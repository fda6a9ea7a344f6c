-- Issue 19 points 4–6 (console: drivers, trace search, SOS desk).

-- A rejected applicant sees why (GET /drivers/me/profile); a changed profile goes back into the queue.
ALTER TABLE driver_profiles
  ADD COLUMN rejection_reason text,
  ADD COLUMN rejected_at timestamptz;

-- Acknowledge and resolve carry the desk's note.
ALTER TABLE sos_alerts
  ADD COLUMN acknowledge_note text,
  ADD COLUMN resolve_note text;

-- The live location trail of an alert: one row per fresh position the tracking job saw (every
-- SOS_TRACK_INTERVAL_MS while the alert is not resolved, for at most SOS_TRACK_MAX_MS).
CREATE TABLE sos_positions (
  alert_id uuid NOT NULL REFERENCES sos_alerts (id) ON DELETE CASCADE,
  at       timestamptz NOT NULL,
  lat      double precision NOT NULL,
  lng      double precision NOT NULL,
  PRIMARY KEY (alert_id, at)
);

-- The console's trip search by time window pages newest first over (created_at, id).
CREATE INDEX trips_recent ON trips (created_at DESC, id DESC);
-- … and by plate: the driver's vehicle plate, compared without spaces or case.
CREATE INDEX driver_profiles_plate ON driver_profiles ((upper(replace(vehicle->>'plate', ' ', ''))));
-- The driver page lists one driver's fraud flags and the reports about them.
CREATE INDEX fraud_flags_driver_recent ON fraud_flags (driver_id, created_at DESC, id DESC);
CREATE INDEX user_reports_reported_recent ON user_reports (reported_id, created_at DESC, id DESC);
-- Per-driver "today" (trips completed, offers answered) reads by driver and time.
CREATE INDEX trips_driver_completed ON trips (driver_id, completed_at) WHERE status = 'completed';
CREATE INDEX trip_offers_driver_recent ON trip_offers (driver_id, created_at);
