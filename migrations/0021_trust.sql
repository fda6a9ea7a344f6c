-- Trust: ratings both ways, blocks between two people, reports on a trip,
-- and suspensions with a reason and an optional end (issue 16 points 1-2).

-- trip_ratings (0002) already holds one row per trip and rater (primary key
-- (trip_id, rater_id)): that key is what makes "once per party" hold under
-- any number of concurrent attempts. It gains tags and the rater's side.
ALTER TABLE trip_ratings
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN rater_role text NOT NULL DEFAULT 'rider' CHECK (rater_role IN ('rider', 'driver'));
ALTER TABLE trip_ratings ALTER COLUMN rater_role DROP DEFAULT;
-- The rolling mean reads a ratee's newest 500 ratings.
CREATE INDEX trip_ratings_ratee_recent ON trip_ratings (ratee_id, created_at DESC);

-- The aggregate others gave a person, kept on the row that is read: the
-- rider's on users, the driver's on driver_profiles (dispatch scores and
-- floors with it without another query). Both start at the 5.0 prior.
ALTER TABLE users
  ADD COLUMN rating numeric(3, 2) NOT NULL DEFAULT 5.00,
  ADD COLUMN ratings_count int NOT NULL DEFAULT 0,
  ADD COLUMN suspension_reason text,
  ADD COLUMN suspended_until timestamptz;
ALTER TABLE driver_profiles
  ADD COLUMN ratings_count int NOT NULL DEFAULT 0,
  -- Mirrors users.suspended_at for the claim that moves a driver to offered,
  -- so no suspended driver can be claimed whatever state they were left in.
  ADD COLUMN suspended boolean NOT NULL DEFAULT false;

-- One row per person who blocked another; a pair is kept apart by dispatch
-- while either of its two rows exists.
CREATE TABLE user_blocks (
  blocker_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blocked_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  source     text NOT NULL CHECK (source IN ('rating', 'report', 'manual')),
  trip_id    uuid REFERENCES trips (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (blocker_id, blocked_id),
  CHECK (blocker_id <> blocked_id)
);
-- Dispatch asks "whom may this rider not meet" in both directions.
CREATE INDEX user_blocks_blocked ON user_blocks (blocked_id);

CREATE TABLE user_reports (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trip_id         uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
  reporter_id     uuid NOT NULL REFERENCES users (id),
  reported_id     uuid NOT NULL REFERENCES users (id),
  category        text NOT NULL CHECK (category IN ('unsafe_driving', 'harassment', 'fraud', 'wrong_vehicle',
                    'no_show', 'rude', 'other')),
  text            text NOT NULL,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution_note text,
  resolved_by     uuid REFERENCES users (id),
  resolved_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (reporter_id <> reported_id),
  -- One report per person and trip: a retried report is a 409, not a second case.
  UNIQUE (trip_id, reporter_id)
);
CREATE INDEX user_reports_status_recent ON user_reports (status, created_at DESC, id DESC);
CREATE INDEX user_reports_recent ON user_reports (created_at DESC, id DESC);
