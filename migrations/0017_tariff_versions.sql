-- Issue 15 #1/#3: every tariff change is a new immutable version; a trip
-- records the version it was priced with, the upfront (quoted) price and the
-- figures a re-pricing at completion compares against.

CREATE TABLE tariff_versions (
  vehicle_class  text NOT NULL CHECK (vehicle_class IN ('economy', 'comfort', 'premium', 'xl')),
  version        int NOT NULL CHECK (version >= 1),
  base_fare      bigint NOT NULL CHECK (base_fare >= 0),
  per_km         bigint NOT NULL CHECK (per_km >= 0),
  per_min        bigint NOT NULL CHECK (per_min >= 0),
  min_fare       bigint NOT NULL CHECK (min_fare >= 0),
  commission_bps int NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
  PRIMARY KEY (vehicle_class, version)
);

-- Immutable: trips and receipts point at a version, so its figures can never
-- change under them. Only the author may fade (user erasure sets it NULL).
CREATE FUNCTION tariff_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (NEW.vehicle_class, NEW.version, NEW.base_fare, NEW.per_km, NEW.per_min, NEW.min_fare,
      NEW.commission_bps, NEW.created_at) IS DISTINCT FROM (OLD.vehicle_class, OLD.version, OLD.base_fare,
      OLD.per_km, OLD.per_min, OLD.min_fare, OLD.commission_bps, OLD.created_at) THEN
    RAISE EXCEPTION 'tariff versions are immutable' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER tariff_versions_no_change BEFORE UPDATE OR DELETE ON tariff_versions
  FOR EACH ROW EXECUTE FUNCTION tariff_versions_immutable();

-- Version 1 of each class is the tariff in force now.
INSERT INTO tariff_versions (vehicle_class, version, base_fare, per_km, per_min, min_fare, commission_bps,
                             created_at, created_by)
  SELECT vehicle_class, 1, base_fare, per_km, per_min, min_fare, commission_bps, updated_at, updated_by
  FROM pricing_config;

-- pricing_config stays the "in force" row per class and names its version.
ALTER TABLE pricing_config ADD COLUMN version int NOT NULL DEFAULT 1;
ALTER TABLE pricing_config ALTER COLUMN version DROP DEFAULT;
ALTER TABLE pricing_config ADD CONSTRAINT pricing_config_version_fk
  FOREIGN KEY (vehicle_class, version) REFERENCES tariff_versions (vehicle_class, version);

-- NULL on trips priced before this migration (settlement then uses commission_bps / the tariff in force).
ALTER TABLE trips
  ADD COLUMN tariff_version int,
  -- The upfront price; fare_amount is what is charged, equal unless re-priced at completion.
  ADD COLUMN quoted_fare bigint CHECK (quoted_fare >= 0),
  ADD COLUMN quoted_distance_m int CHECK (quoted_distance_m >= 0),
  ADD COLUMN quoted_duration_s int CHECK (quoted_duration_s >= 0),
  ADD COLUMN time_multiplier double precision CHECK (time_multiplier > 0),
  -- [{code, amount}] summing to fare_amount; labels are rendered per language when read.
  ADD COLUMN fare_items jsonb,
  -- A change the rider made to the route during the ride (multi-stop rides will set stop_added).
  ADD COLUMN route_change text CHECK (route_change IN ('destination_changed', 'stop_added')),
  -- Why the charged fare differs from the quote (set at completion), NULL when the quote stood.
  ADD COLUMN fare_reason text
    CHECK (fare_reason IN ('destination_changed', 'stop_added', 'distance_exceeded', 'duration_exceeded')),
  ADD CONSTRAINT trips_tariff_version_fk
    FOREIGN KEY (vehicle_class, tariff_version) REFERENCES tariff_versions (vehicle_class, version);

-- Receipts read the money that moved for one trip by its reference (`trip:<id>`).
CREATE INDEX ledger_transfers_by_reference ON ledger_transfers (reference) WHERE reference IS NOT NULL;
