-- Issue 18 #1: roadside/mechanic service requests, priced from a call-out
-- tariff per service type that is versioned like the ride tariffs (0017).

CREATE TABLE service_tariff_versions (
  service_type   text NOT NULL CHECK (service_type IN ('tow', 'battery', 'tyre', 'fuel', 'lockout', 'mechanic')),
  version        int NOT NULL CHECK (version >= 1),
  call_out_fee   bigint NOT NULL CHECK (call_out_fee >= 0),
  -- Per km from the breakdown to the destination; only a tow moves the vehicle, others carry 0.
  per_km         bigint NOT NULL CHECK (per_km >= 0),
  commission_bps int NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
  PRIMARY KEY (service_type, version)
);

-- Immutable like tariff_versions: requests and receipts point at a version.
CREATE FUNCTION service_tariff_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (NEW.service_type, NEW.version, NEW.call_out_fee, NEW.per_km, NEW.commission_bps,
      NEW.created_at) IS DISTINCT FROM (OLD.service_type, OLD.version, OLD.call_out_fee, OLD.per_km,
      OLD.commission_bps, OLD.created_at) THEN
    RAISE EXCEPTION 'service tariff versions are immutable' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER service_tariff_versions_no_change BEFORE UPDATE OR DELETE ON service_tariff_versions
  FOR EACH ROW EXECUTE FUNCTION service_tariff_versions_immutable();

-- Version 1: call-out fees in piastres (a Cairo roadside call-out is 60–150 EGP; a tow 8 EGP/km on top).
INSERT INTO service_tariff_versions (service_type, version, call_out_fee, per_km, commission_bps) VALUES
  ('tow', 1, 15000, 800, 1500),
  ('battery', 1, 8000, 0, 1500),
  ('tyre', 1, 7000, 0, 1500),
  ('fuel', 1, 6000, 0, 1500),
  ('lockout', 1, 9000, 0, 1500),
  ('mechanic', 1, 10000, 0, 1500);

CREATE TABLE service_requests (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id         uuid NOT NULL REFERENCES users (id),
  provider_id         uuid REFERENCES users (id),
  service_type        text NOT NULL,
  status              text NOT NULL CHECK (status IN ('searching', 'assigned', 'en_route', 'arrived', 'quoted',
                        'in_progress', 'completed', 'cancelled', 'declined_quote', 'no_providers')),
  lat                 double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng                 double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  address             text,
  vehicle             jsonb NOT NULL,
  description         text CHECK (char_length(description) <= 1000),
  destination_lat     double precision CHECK (destination_lat BETWEEN -90 AND 90),
  destination_lng     double precision CHECK (destination_lng BETWEEN -180 AND 180),
  destination_address text,
  payment_method      text NOT NULL CHECK (payment_method IN ('cash', 'wallet', 'card')),
  tariff_version      int NOT NULL,
  -- Road distance breakdown → destination the tow is priced with; NULL for other services.
  tow_distance_m      int CHECK (tow_distance_m >= 0),
  -- [{code, amount}] of the estimate shown before the request; sums to estimate_total.
  estimate_items      jsonb NOT NULL,
  estimate_total      bigint NOT NULL CHECK (estimate_total >= 0),
  -- Shown only to the customer; the provider enters it (or a signature) to complete.
  completion_code     text NOT NULL CHECK (completion_code ~ '^[0-9]{4}$'),
  version             int NOT NULL DEFAULT 1,
  -- Who made the last move and when: a repeat of it within a short bucket is answered unchanged (seed plan's
  -- "(requestId, status, actor, timeBucket)" idempotency).
  status_actor_id     uuid REFERENCES users (id),
  status_changed_at   timestamptz NOT NULL DEFAULT now(),
  cancel_reason       text CHECK (char_length(cancel_reason) <= 500),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (service_type, tariff_version) REFERENCES service_tariff_versions (service_type, version),
  -- A tow (and only a tow) takes the vehicle somewhere.
  CHECK ((service_type = 'tow') = (destination_lat IS NOT NULL AND destination_lng IS NOT NULL)),
  CHECK ((service_type = 'tow') = (tow_distance_m IS NOT NULL))
);

-- One open request per customer, settled by the database like trips_one_active_per_rider.
CREATE UNIQUE INDEX service_requests_one_active_per_customer ON service_requests (customer_id)
  WHERE status IN ('searching', 'assigned', 'en_route', 'arrived', 'quoted', 'in_progress');
CREATE INDEX service_requests_customer_recent ON service_requests (customer_id, created_at DESC, id DESC);
CREATE INDEX service_requests_provider_recent ON service_requests (provider_id, created_at DESC, id DESC)
  WHERE provider_id IS NOT NULL;
