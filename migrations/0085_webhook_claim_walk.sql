-- Issue 20 (bench:webhooks): the due heads a claim leases, walked in `ordinal`
-- order along webhook_deliveries_pending_order (0051) and stopped after the
-- batch. Written in the claim statement itself, the walk was up to the
-- planner, and right after a burst of deliveries its statistics still
-- counted a handful of pending rows: it took every due row from the
-- next_attempt_at index, tested each for being a head and sorted them all,
-- so each claim cost O(pending), not O(batch) (EXPLAIN at 2,000 pending:
-- 4.5 ms against 0.36 ms for the walk). Inside this function bitmap scans and
-- sorts are off, which leaves the ordered walk as the plan. Rows other than
-- due heads are skipped on the way: the ones in backoff (at most one per
-- failing pair) and the followers behind them, which the other plan also
-- visited.
CREATE FUNCTION webhook_due_heads(p_limit int, p_full uuid[])
RETURNS TABLE (id uuid, endpoint_id uuid, ordinal bigint)
LANGUAGE sql VOLATILE
SET enable_bitmapscan = off
SET enable_sort = off
AS $$
  SELECT d.id, d.endpoint_id, d.ordinal FROM webhook_deliveries d
    JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
   WHERE d.status = 'pending' AND d.next_attempt_at <= now()
     AND (d.lease_until IS NULL OR d.lease_until < now())
     AND d.endpoint_id <> ALL (p_full)
     -- A head: its (endpoint, resource) pair's oldest pending delivery.
     AND NOT EXISTS (
       SELECT 1 FROM webhook_deliveries earlier
        WHERE earlier.endpoint_id = d.endpoint_id AND earlier.resource_id = d.resource_id
          AND earlier.status = 'pending' AND earlier.ordinal < d.ordinal)
   ORDER BY d.ordinal LIMIT p_limit
     FOR UPDATE OF d SKIP LOCKED
$$;

