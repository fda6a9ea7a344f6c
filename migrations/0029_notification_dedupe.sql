-- Issue 17 point 3: trip progress notices are projected from committed domain events by jobs that may
-- run twice (a retry after a crash), and "driver arriving" must reach a rider once per trip whichever
-- node saw the ETA drop. The sender names each notice; the database keeps one per user and name.
ALTER TABLE notifications ADD COLUMN dedupe_key text CHECK (length(dedupe_key) <= 200);
CREATE UNIQUE INDEX notifications_user_dedupe ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
