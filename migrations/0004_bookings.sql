-- Scheduled service bookings and the provider profiles that make a driver bookable.
CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public;

CREATE TABLE provider_profiles (
  user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  service_types text[] NOT NULL CHECK (cardinality(service_types) BETWEEN 1 AND 20),
  -- {"0".."6": [["09:00","17:00"], ...]} in Africa/Cairo wall-clock time; {} = no limits.
  working_hours jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bookings (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id     uuid NOT NULL REFERENCES users (id),
  provider_id     uuid NOT NULL REFERENCES users (id),
  service_type    text NOT NULL CHECK (char_length(service_type) BETWEEN 1 AND 50),
  starts_at       timestamptz NOT NULL,
  ends_at         timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'confirmed', 'in_progress', 'completed', 'cancelled')),
  address         text NOT NULL CHECK (char_length(address) <= 500),
  notes           text CHECK (char_length(notes) <= 2000),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz,
  deleted_by      uuid REFERENCES users (id),
  deletion_reason text CHECK (char_length(deletion_reason) <= 500),
  CHECK (ends_at > starts_at),
  CHECK (deleted_at IS NOT NULL OR (deleted_by IS NULL AND deletion_reason IS NULL)),
  -- The database, not the application, prevents double booking. Soft-deleted
  -- and cancelled bookings free their slot; ranges are [start, end) so
  -- back-to-back bookings do not collide.
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (provider_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (deleted_at IS NULL AND status <> 'cancelled')
);
CREATE INDEX bookings_customer_recent ON bookings (customer_id, created_at DESC, id DESC);
CREATE INDEX bookings_provider_recent ON bookings (provider_id, created_at DESC, id DESC);
CREATE INDEX bookings_deleted_recent ON bookings (deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;

-- The one way default code reads (and changes) bookings: soft-deleted rows do
-- not exist here. It is a simple view, so UPDATE ... RETURNING works through
-- it. Only the admin paths (deleted list, restore, hard delete) use `bookings`.
-- NOTE: `*` is expanded now; a migration adding a column must recreate the view.
CREATE VIEW bookings_live AS SELECT * FROM bookings WHERE deleted_at IS NULL;
