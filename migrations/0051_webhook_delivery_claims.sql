-- Issue 20 (bench:webhooks): one node-wide claim leases the oldest due heads
-- of every endpoint at once (delivery-pump.ts), walking pending deliveries in
-- `ordinal` order and stopping after a batch; without this index each claim
-- sorted every pending row.
CREATE INDEX webhook_deliveries_pending_order ON webhook_deliveries (ordinal) WHERE status = 'pending';
