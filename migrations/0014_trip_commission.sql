-- The commission rate in force when the trip was priced, recorded on the trip
-- so settlement charges what the tariff said at request time: an admin's
-- change applies to trips requested after it, never to one already on the
-- road. NULL only for trips requested before this column existed; settlement
-- then falls back to the tariff in force at completion.
ALTER TABLE trips ADD COLUMN commission_bps int CHECK (commission_bps BETWEEN 0 AND 10000);
