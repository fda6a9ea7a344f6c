-- Issue 19 point 3: the console's live map reads every trip under way once per tick per node
-- (pickup→driver lines); without this index that read scans the whole trips table.
CREATE INDEX trips_under_way ON trips (status) WHERE status IN ('accepted', 'arrived', 'started');
