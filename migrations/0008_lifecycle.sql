-- Data lifecycle: events older than the archive period move here (same
-- columns as `events`), still readable by admins through /admin/events.
CREATE TABLE events_archive (LIKE events);
ALTER TABLE events_archive ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX events_archive_aggregate_seq ON events_archive (aggregate_id, seq);
