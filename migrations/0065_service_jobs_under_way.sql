-- Issue 19 point 3: the console's live map shows service jobs like trips (a provider on a job with a line to the
-- breakdown); the fleet feed reads every job under way once per tick per node. Without this index that read scans
-- every service request ever made (the same reason as 0040's trips_under_way).
CREATE INDEX service_requests_under_way ON service_requests (status)
  WHERE status IN ('assigned', 'en_route', 'arrived', 'quoted', 'in_progress');
