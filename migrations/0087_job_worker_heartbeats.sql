-- Which job worker pools are alive: each worker node writes its graphile-worker
-- pool's id here every few seconds (src/platform/jobs/worker-liveness.ts).
-- Jobs locked by a pool whose row went stale (its process was killed, so it
-- never unlocked them) are released by any live node within a minute, instead
-- of after graphile-worker's 4 hours: an SOS escalation or a dispatch round a
-- dead worker had fetched runs elsewhere.
CREATE TABLE job_worker_heartbeats (
  worker_id text PRIMARY KEY CHECK (length(worker_id) BETWEEN 1 AND 200),
  seen_at timestamptz NOT NULL DEFAULT now()
);
