-- In-app inbox: every notification a user was sent, whatever the channel.
CREATE TABLE notifications (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  template   text NOT NULL,
  data       jsonb NOT NULL DEFAULT '{}',
  priority   text NOT NULL CHECK (priority IN ('CRITICAL', 'HIGH', 'NORMAL', 'LOW')),
  read_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_recent ON notifications (user_id, created_at DESC, id DESC);
