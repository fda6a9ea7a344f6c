-- A webhook message's payload is stored once, not once per endpoint it goes
-- to. Every delivery row carried its own copy of the payload (the trip, the
-- booking, …), and each of a delivery's three writes (the fan-out insert,
-- the claim's lease, the settling update) wrote a new row version with it:
-- with 10 endpoints a trip transition's deliveries wrote the same resource
-- 60 times to the WAL, several times what the transition itself wrote
-- (bench:webhooks). The first fan-out of a message stores its payload; a
-- re-run or a replay sends that same one, so every endpoint of one
-- webhook-id gets the same bytes.
CREATE TABLE webhook_messages (
  message_id text PRIMARY KEY,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO webhook_messages (message_id, payload, created_at)
SELECT DISTINCT ON (message_id) message_id, payload, created_at
  FROM webhook_deliveries
 ORDER BY message_id, created_at;
-- Dropped, not kept nullable: a sender of the previous version still running
-- during a deploy fails its claims (retried after the deploy) instead of
-- sending an empty body. The view of pending heads (0086) selects d.*, so it
-- is made again over the remaining columns.
DROP VIEW webhook_pending_heads;
ALTER TABLE webhook_deliveries DROP COLUMN payload;
CREATE VIEW webhook_pending_heads AS
  SELECT d.* FROM webhook_deliveries d
   WHERE d.status = 'pending'
     AND NOT EXISTS (
       SELECT 1 FROM webhook_deliveries earlier
        WHERE earlier.endpoint_id = d.endpoint_id AND earlier.resource_id = d.resource_id
          AND earlier.status = 'pending' AND earlier.ordinal < d.ordinal);
