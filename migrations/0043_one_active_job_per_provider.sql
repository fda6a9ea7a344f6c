-- Issue 18 #2: a provider is on at most one active job, ride or service
-- request. A partial unique index cannot span two tables, so the jobs a
-- provider holds are mirrored into one table keyed by the provider, kept by
-- triggers on both job tables: nothing can assign a second job, whichever code
-- path writes it. trips_one_active_per_driver stays (it names the ride case).

CREATE TABLE provider_active_jobs (
  provider_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('trip', 'service_request')),
  job_id      uuid NOT NULL,
  since       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT provider_active_jobs_one_per_provider PRIMARY KEY (provider_id)
);

CREATE FUNCTION provider_active_job_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := CASE TG_TABLE_NAME WHEN 'trips' THEN 'trip' ELSE 'service_request' END;
  old_provider uuid;
  new_provider uuid;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    old_provider := CASE WHEN kind = 'trip' THEN
        CASE WHEN OLD.status IN ('accepted', 'arrived', 'started') THEN to_jsonb(OLD) ->> 'driver_id' END
      ELSE
        CASE WHEN OLD.status IN ('assigned', 'en_route', 'arrived', 'quoted', 'in_progress')
          THEN to_jsonb(OLD) ->> 'provider_id' END
      END;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_provider := CASE WHEN kind = 'trip' THEN
        CASE WHEN NEW.status IN ('accepted', 'arrived', 'started') THEN to_jsonb(NEW) ->> 'driver_id' END
      ELSE
        CASE WHEN NEW.status IN ('assigned', 'en_route', 'arrived', 'quoted', 'in_progress')
          THEN to_jsonb(NEW) ->> 'provider_id' END
      END;
  END IF;
  IF old_provider IS NOT DISTINCT FROM new_provider THEN
    RETURN NULL;
  END IF;
  IF old_provider IS NOT NULL THEN
    DELETE FROM provider_active_jobs WHERE provider_id = old_provider AND job_id = OLD.id;
  END IF;
  IF new_provider IS NOT NULL THEN
    -- A second active job for the provider violates the primary key: 23505 provider_active_jobs_one_per_provider.
    INSERT INTO provider_active_jobs (provider_id, kind, job_id) VALUES (new_provider, kind, NEW.id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER trips_provider_active_job AFTER INSERT OR UPDATE OF status, driver_id OR DELETE ON trips
  FOR EACH ROW EXECUTE FUNCTION provider_active_job_sync();
CREATE TRIGGER service_requests_provider_active_job
  AFTER INSERT OR UPDATE OF status, provider_id OR DELETE ON service_requests
  FOR EACH ROW EXECUTE FUNCTION provider_active_job_sync();

INSERT INTO provider_active_jobs (provider_id, kind, job_id, since)
  SELECT driver_id, 'trip', id, coalesce(accepted_at, updated_at) FROM trips
  WHERE status IN ('accepted', 'arrived', 'started') AND driver_id IS NOT NULL;
