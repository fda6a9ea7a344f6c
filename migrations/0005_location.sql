-- Location: last-known driver positions, day-partitioned history, trip routes.
-- Written in batches off the hot path (the in-process buffer flushes every ≤ 5 s);
-- live positions are served from hot state, these tables are the record.

CREATE TABLE driver_locations (
  driver_id   uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng         double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  heading     real,
  speed       real,
  accuracy    real,
  recorded_at timestamptz NOT NULL,
  -- Set by driver:location_stop, cleared by the next position (seed 000: "mark a stoppedAt timestamp").
  stopped_at  timestamptz,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Seed 000: "Persist last-known location with an indexed TTL field for cleanup of stale entries".
CREATE INDEX driver_locations_recorded ON driver_locations (recorded_at);

-- One partition per UTC day (location_history_YYYYMMDD), created ahead by the
-- location.maintain_partitions job and dropped after the retention period.
CREATE TABLE location_history (
  driver_id   uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  lat         double precision NOT NULL,
  lng         double precision NOT NULL,
  heading     real,
  speed       real,
  accuracy    real,
  trip_id     uuid
) PARTITION BY RANGE (recorded_at);
CREATE INDEX location_history_driver ON location_history (driver_id, recorded_at);
CREATE INDEX location_history_trip ON location_history (trip_id, recorded_at) WHERE trip_id IS NOT NULL;

-- Yesterday to three days ahead, so a fresh database accepts points before the job first runs.
DO $$
DECLARE
  d date;
BEGIN
  FOR i IN -1..3 LOOP
    d := (now() AT TIME ZONE 'UTC')::date + i;
    EXECUTE format(
      'CREATE TABLE IF NOT EXISTS %I PARTITION OF location_history FOR VALUES FROM (%L) TO (%L)',
      'location_history_' || to_char(d, 'YYYYMMDD'),
      d::timestamp AT TIME ZONE 'UTC',
      (d + 1)::timestamp AT TIME ZONE 'UTC'
    );
  END LOOP;
END $$;

-- The path of a trip: ≤ 1000 points kept by uniform down-sampling (every
-- `stride`-th accurate point), distance summed over every accurate point.
CREATE TABLE trip_routes (
  trip_id     uuid PRIMARY KEY REFERENCES trips (id) ON DELETE CASCADE,
  -- [[lat, lng, epochMs], …] oldest first
  points      jsonb NOT NULL DEFAULT '[]'::jsonb,
  point_count int NOT NULL DEFAULT 0,
  stride      int NOT NULL DEFAULT 1 CHECK (stride >= 1),
  seen        bigint NOT NULL DEFAULT 0,
  distance_m  double precision NOT NULL DEFAULT 0,
  last_lat    double precision,
  last_lng    double precision,
  last_at     timestamptz,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
