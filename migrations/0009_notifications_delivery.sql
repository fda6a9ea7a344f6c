-- Per-channel delivery tracking (issue 7): one row per message on one channel
-- to one recipient, whether it comes from notify() (inbox row) or is sent
-- directly (SOS to emergency contacts / on-call, which are not inbox rows).
ALTER TABLE notifications
  ADD COLUMN channels text[],
  ADD COLUMN email text;

CREATE TABLE notification_deliveries (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notification_id uuid REFERENCES notifications (id) ON DELETE CASCADE,
  subject_type    text NOT NULL,
  subject_id      uuid NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('socket', 'push', 'sms', 'email', 'call')),
  recipient       text NOT NULL,
  recipient_kind  text NOT NULL,
  dedupe_key      text NOT NULL DEFAULT '',
  priority        text NOT NULL CHECK (priority IN ('CRITICAL', 'HIGH', 'NORMAL', 'LOW')),
  content         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  attempts        int NOT NULL DEFAULT 0,
  last_error      text,
  provider_id     text,
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  -- A retried fan-out job must not queue the same message twice.
  CONSTRAINT notification_deliveries_once UNIQUE (subject_type, subject_id, channel, recipient, dedupe_key)
) WITH (fillfactor = 80);
-- No index on status/updated_at and room left in each page (fillfactor): marking a
-- delivery sent stays a HOT update, the send path being the hot one.
