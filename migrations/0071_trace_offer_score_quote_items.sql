-- Issue 19.4: the trace tells why each driver was offered the job and what the rider was quoted.
-- The dispatch score the round ranked the driver with (DESIGN.md weights, about -0.1..1); NULL when
-- the round ranked by distance only (degraded matching) and on offers made before this migration.
ALTER TABLE trip_offers ADD COLUMN score double precision;
-- The quote's price lines [{code, amount}] as the rider accepted them; fare_items is what was charged
-- (re-priced at completion). NULL on trips requested before this migration.
ALTER TABLE trips ADD COLUMN quoted_items jsonb;
