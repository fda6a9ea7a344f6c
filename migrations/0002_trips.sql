-- Drivers and the trip lifecycle core.
CREATE TABLE driver_profiles (
  user_id          uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  vehicle_class    text NOT NULL CHECK (vehicle_class IN ('economy', 'comfort', 'premium', 'xl')),
  vehicle          jsonb NOT NULL,
  approved         boolean NOT NULL DEFAULT false,
  state            text NOT NULL DEFAULT 'offline'
                   CHECK (state IN ('offline', 'available', 'offered', 'busy', 'cooldown')),
  rating           numeric(3, 2) NOT NULL DEFAULT 5.00,
  offers_received  int NOT NULL DEFAULT 0,
  offers_accepted  int NOT NULL DEFAULT 0,
  trips_completed  int NOT NULL DEFAULT 0,
  cooldown_until   timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE trips (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  rider_id        uuid NOT NULL REFERENCES users (id),
  driver_id       uuid REFERENCES users (id),
  status          text NOT NULL CHECK (status IN ('requested', 'scheduled', 'searching', 'accepted', 'arrived',
                    'started', 'completed', 'cancelled', 'no_drivers', 'payment_failed')),
  vehicle_class   text NOT NULL CHECK (vehicle_class IN ('economy', 'comfort', 'premium', 'xl')),
  pickup_lat      double precision NOT NULL,
  pickup_lng      double precision NOT NULL,
  pickup_address  text,
  dropoff_lat     double precision NOT NULL,
  dropoff_lng     double precision NOT NULL,
  dropoff_address text,
  payment_method  text NOT NULL CHECK (payment_method IN ('cash', 'wallet')),
  strategy        text NOT NULL CHECK (strategy IN ('first_accept', 'broadcast_bid', 'sequential', 'scheduled')),
  fare_amount     bigint NOT NULL CHECK (fare_amount >= 0),
  fare_currency   text NOT NULL DEFAULT 'EGP',
  surge           numeric(4, 2) NOT NULL DEFAULT 1.00,
  quote_id        text,
  scheduled_at    timestamptz,
  otp             char(4) NOT NULL,
  version         int NOT NULL DEFAULT 1,
  cancellation    jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  accepted_at     timestamptz,
  started_at      timestamptz,
  completed_at    timestamptz,
  CHECK (driver_id IS NOT NULL OR status NOT IN ('accepted', 'arrived', 'started', 'completed'))
);
-- The database, not the application, guarantees one active trip per person.
CREATE UNIQUE INDEX trips_one_active_per_rider ON trips (rider_id)
  WHERE status IN ('requested', 'scheduled', 'searching', 'accepted', 'arrived', 'started');
CREATE UNIQUE INDEX trips_one_active_per_driver ON trips (driver_id)
  WHERE status IN ('accepted', 'arrived', 'started');
CREATE INDEX trips_rider_recent ON trips (rider_id, created_at DESC, id DESC);
CREATE INDEX trips_driver_recent ON trips (driver_id, created_at DESC, id DESC) WHERE driver_id IS NOT NULL;
CREATE INDEX trips_status ON trips (status) WHERE status IN ('searching', 'scheduled');

CREATE TABLE trip_offers (
  trip_id      uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
  driver_id    uuid NOT NULL REFERENCES users (id),
  round        int NOT NULL DEFAULT 1,
  status       text NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
  bid_amount   bigint CHECK (bid_amount > 0),
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  responded_at timestamptz,
  PRIMARY KEY (trip_id, driver_id)
);
CREATE INDEX trip_offers_driver_pending ON trip_offers (driver_id) WHERE status = 'pending';

CREATE TABLE trip_ratings (
  trip_id    uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
  rater_id   uuid NOT NULL REFERENCES users (id),
  ratee_id   uuid NOT NULL REFERENCES users (id),
  stars      smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment    text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (trip_id, rater_id)
);
