-- Deleting a webhook endpoint cascades to its deliveries, and each deleted
-- delivery makes Postgres look for replays of it (replay_of ... ON DELETE SET
-- NULL). With no index on replay_of every such look was a scan of the whole
-- table: a delete grew with the square of the deliveries (2,000: 51 ms,
-- 8,000: 748 ms), and while it ran every fan-out naming that endpoint waited
-- on its row lock, stalling deliveries to every other endpoint of the same
-- events. Replays are rare, so the index holds only them.
CREATE INDEX webhook_deliveries_replay_of ON webhook_deliveries (replay_of) WHERE replay_of IS NOT NULL;
