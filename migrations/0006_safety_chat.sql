-- Safety (emergency contacts, SOS alerts, ride safety events, trip sharing),
-- trip chat, and push device tokens (issue 7). Delivery tracking of
-- notifications lives in 0009 because it references `notifications` (0007).

CREATE TABLE emergency_contacts (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  position   smallint NOT NULL CHECK (position BETWEEN 1 AND 5),
  name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  phone      text,
  email      text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (phone IS NOT NULL OR email IS NOT NULL),
  UNIQUE (user_id, position)
);

CREATE TABLE sos_alerts (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL REFERENCES users (id),
  trip_id           uuid REFERENCES trips (id),
  lat               double precision NOT NULL,
  lng               double precision NOT NULL,
  note              text,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  last_lat          double precision NOT NULL,
  last_lng          double precision NOT NULL,
  last_position_at  timestamptz NOT NULL DEFAULT now(),
  escalations       int NOT NULL DEFAULT 0,
  last_escalated_at timestamptz,
  acknowledged_at   timestamptz,
  acknowledged_by   uuid REFERENCES users (id),
  resolved_at       timestamptz,
  resolved_by       uuid REFERENCES users (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- A panicking user pressing SOS ten times gets one open alert, not ten.
CREATE UNIQUE INDEX sos_alerts_one_open_per_user ON sos_alerts (user_id) WHERE status = 'open';
CREATE INDEX sos_alerts_active ON sos_alerts (created_at DESC) WHERE status <> 'resolved';

CREATE TABLE safety_events (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trip_id    uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('stopped', 'off_route', 'speeding', 'not_started')),
  lat        double precision,
  lng        double precision,
  details    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX safety_events_trip_kind ON safety_events (trip_id, kind, created_at DESC);

-- Only a SHA-256 of the share token is stored; the token itself is shown once.
CREATE TABLE trip_shares (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trip_id    uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
  created_by uuid NOT NULL REFERENCES users (id),
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trip_shares_trip ON trip_shares (trip_id);

-- Created in the same transaction as the trip accept (src/flows/respond-to-offer.ts).
CREATE TABLE chat_rooms (
  trip_id    uuid PRIMARY KEY REFERENCES trips (id) ON DELETE CASCADE,
  rider_id   uuid NOT NULL REFERENCES users (id),
  driver_id  uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- created_at is kept at millisecond precision so the keyset cursor (ISO, ms) is exact.
CREATE TABLE chat_messages (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trip_id           uuid NOT NULL REFERENCES chat_rooms (trip_id) ON DELETE CASCADE,
  sender_id         uuid NOT NULL REFERENCES users (id),
  text              text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 2000),
  client_message_id text NOT NULL CHECK (char_length(client_message_id) BETWEEN 1 AND 100),
  flagged           boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  CONSTRAINT chat_messages_client_id UNIQUE (trip_id, sender_id, client_message_id)
);
CREATE INDEX chat_messages_trip_recent ON chat_messages (trip_id, created_at DESC, id DESC);

CREATE TABLE chat_reports (
  message_id  uuid NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
  reporter_id uuid NOT NULL REFERENCES users (id),
  reason      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, reporter_id)
);

-- A device token belongs to whoever registered it last (logout/login on a shared phone).
CREATE TABLE push_devices (
  token      text PRIMARY KEY CHECK (char_length(token) BETWEEN 1 AND 4096),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  platform   text NOT NULL CHECK (platform IN ('android', 'ios', 'web')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_devices_user ON push_devices (user_id);
