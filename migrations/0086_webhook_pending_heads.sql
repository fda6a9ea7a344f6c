-- "A head" (a pending delivery that is its (endpoint, resource) pair's oldest,
-- the only one ever sent) in one place: the claim's walk (webhook_due_heads,
-- 0085) and the next-due probe (deliveries.repo.ts nextDue) both read this
-- view. A view is pulled up into the query that reads it, so the plans are the
-- ones the inline condition had (EXPLAIN of the walk at 2,000 pending: the same
-- ordered walk along webhook_deliveries_pending_order).
CREATE VIEW webhook_pending_heads AS
  SELECT d.* FROM webhook_deliveries d
   WHERE d.status = 'pending'
     AND NOT EXISTS (
       SELECT 1 FROM webhook_deliveries earlier
        WHERE earlier.endpoint_id = d.endpoint_id AND earlier.resource_id = d.resource_id
          AND earlier.status = 'pending' AND earlier.ordinal < d.ordinal);

CREATE OR REPLACE FUNCTION webhook_due_heads(p_limit int, p_full uuid[])
RETURNS TABLE (id uuid, endpoint_id uuid, ordinal bigint)
LANGUAGE sql VOLATILE
SET enable_bitmapscan = off
SET enable_sort = off
AS $$
  SELECT h.id, h.endpoint_id, h.ordinal FROM webhook_pending_heads h
    JOIN webhook_endpoints e ON e.id = h.endpoint_id AND e.enabled
   WHERE h.next_attempt_at <= now()
     AND (h.lease_until IS NULL OR h.lease_until < now())
     AND h.endpoint_id <> ALL (p_full)
   ORDER BY h.ordinal LIMIT p_limit
     FOR UPDATE OF h SKIP LOCKED
$$;
