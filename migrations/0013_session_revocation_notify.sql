-- Each node keeps the sessions it has seen alive in memory, so an
-- authenticated request need not read `sessions` every time. Ending a session
-- (logout, refresh-token reuse, erasure, an operator's UPDATE or DELETE)
-- must reach every node at once: the database announces it on commit,
-- whichever code path (or psql session) did it.
CREATE FUNCTION notify_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('smartline_sessions_' || TG_TABLE_SCHEMA, OLD.id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_revoked AFTER UPDATE OF revoked_at, user_id ON sessions
  FOR EACH ROW WHEN (NEW.revoked_at IS DISTINCT FROM OLD.revoked_at OR NEW.user_id IS DISTINCT FROM OLD.user_id)
  EXECUTE FUNCTION notify_session_ended();

CREATE TRIGGER sessions_deleted AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION notify_session_ended();
