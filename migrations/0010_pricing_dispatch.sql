-- Pricing as data (issue 5) and the dispatch state of each searching trip.
-- Money is integer piastres; multipliers are NUMERIC (never money).

-- One tariff per vehicle class. Seeded with API.md "Pricing" defaults (EGP × 100).
CREATE TABLE pricing_config (
  vehicle_class  text PRIMARY KEY CHECK (vehicle_class IN ('economy', 'comfort', 'premium', 'xl')),
  base_fare      bigint NOT NULL CHECK (base_fare >= 0),
  per_km         bigint NOT NULL CHECK (per_km >= 0),
  per_min        bigint NOT NULL CHECK (per_min >= 0),
  min_fare       bigint NOT NULL CHECK (min_fare >= 0),
  commission_bps int NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  updated_by     uuid REFERENCES users (id) ON DELETE SET NULL
);

INSERT INTO pricing_config (vehicle_class, base_fare, per_km, per_min, min_fare, commission_bps) VALUES
  ('economy', 1000, 350, 50, 1500, 1500),
  ('comfort', 1500, 500, 75, 2500, 1800),
  ('premium', 2500, 800, 100, 4000, 2000),
  ('xl',      2000, 600, 80, 3500, 1700);

-- Local (Africa/Cairo) hour windows [start_hour, end_hour); start > end wraps midnight.
-- days: 0 = Sunday .. 6 = Saturday, NULL = every day. Overlaps do not stack: the highest applies.
CREATE TABLE time_pricing (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  days        smallint[] CHECK (days IS NULL OR (cardinality(days) > 0 AND days <@ ARRAY[0, 1, 2, 3, 4, 5, 6]::smallint[])),
  start_hour  smallint NOT NULL CHECK (start_hour BETWEEN 0 AND 23),
  end_hour    smallint NOT NULL CHECK (end_hour BETWEEN 0 AND 24),
  multiplier  numeric(4, 2) NOT NULL CHECK (multiplier BETWEEN 1 AND 5),
  description text,
  position    int NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (start_hour <> end_hour)
);

INSERT INTO time_pricing (days, start_hour, end_hour, multiplier, description, position) VALUES
  (NULL, 7, 9, 1.2, 'Morning rush hour', 1),
  (NULL, 17, 20, 1.3, 'Evening rush hour', 2),
  (NULL, 23, 5, 1.1, 'Late night', 3),
  (ARRAY[5]::smallint[], 20, 23, 1.4, 'Friday night', 4);

-- An admin-defined area (circle or bounding box) and time window with a multiplier.
-- It competes with the time windows (the highest applies) and multiplies with surge.
CREATE TABLE event_pricing (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  center_lat  double precision CHECK (center_lat BETWEEN -90 AND 90),
  center_lng  double precision CHECK (center_lng BETWEEN -180 AND 180),
  radius_m    int CHECK (radius_m BETWEEN 50 AND 50000),
  min_lat     double precision CHECK (min_lat BETWEEN -90 AND 90),
  min_lng     double precision CHECK (min_lng BETWEEN -180 AND 180),
  max_lat     double precision CHECK (max_lat BETWEEN -90 AND 90),
  max_lng     double precision CHECK (max_lng BETWEEN -180 AND 180),
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  multiplier  numeric(4, 2) NOT NULL CHECK (multiplier BETWEEN 1 AND 5),
  created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  CHECK (
    (center_lat IS NOT NULL AND center_lng IS NOT NULL AND radius_m IS NOT NULL
      AND min_lat IS NULL AND min_lng IS NULL AND max_lat IS NULL AND max_lng IS NULL)
    OR
    (center_lat IS NULL AND center_lng IS NULL AND radius_m IS NULL
      AND min_lat IS NOT NULL AND min_lng IS NOT NULL AND max_lat IS NOT NULL AND max_lng IS NOT NULL
      AND max_lat > min_lat AND max_lng > min_lng)
  )
);
CREATE INDEX event_pricing_ends ON event_pricing (ends_at);

-- A signed quote buys one trip: a second request with the same quote is refused.
CREATE UNIQUE INDEX trips_quote_once ON trips (quote_id) WHERE quote_id IS NOT NULL;

-- Where each trip's search stands. Rounds are jobs keyed per trip; this row is
-- what makes a duplicate or late round a no-op (round only moves forward).
CREATE TABLE trip_dispatch (
  trip_id          uuid PRIMARY KEY REFERENCES trips (id) ON DELETE CASCADE,
  strategy         text NOT NULL CHECK (strategy IN ('first_accept', 'broadcast_bid', 'sequential', 'scheduled')),
  round            int NOT NULL DEFAULT 0 CHECK (round >= 0),
  phase            text NOT NULL DEFAULT 'waiting' CHECK (phase IN ('waiting', 'offering', 'selecting', 'done')),
  radius_m         int,
  round_expires_at timestamptz,
  first_offer_at   timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Repeat-rider lookups (has this driver completed a trip for this rider?).
CREATE INDEX trips_rider_driver_completed ON trips (rider_id, driver_id) WHERE status = 'completed';
