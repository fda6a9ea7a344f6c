-- Multi-stop rides (issue 16 point 7): up to 3 stops between pickup and dropoff, in ride order.
-- Each stop is {lat, lng, address?, arrivedAt?, leftAt?}; the driver's arrival and departure times price the
-- waiting at that stop (a `stop_waiting` line at completion), so they live with the stop on the trip row and
-- change under the trip's compare-and-set version like every other trip field.
ALTER TABLE trips
  ADD COLUMN stops jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD CONSTRAINT trips_stops_at_most_3 CHECK (jsonb_typeof(stops) = 'array' AND jsonb_array_length(stops) <= 3);
