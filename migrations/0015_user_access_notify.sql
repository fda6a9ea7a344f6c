-- Authorization uses the role (and suspension) stored on the user, not the
-- role claim inside an access token. Nodes cache it beside the session, so a
-- role change or a suspension must reach every node like a revocation does:
-- each live session of the user is announced on the sessions channel (on
-- commit), whichever code path or psql session made the change.
ALTER TABLE users ADD COLUMN suspended_at timestamptz;

CREATE FUNCTION notify_user_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Schema-qualified: an operator's psql session may not have our search_path.
  EXECUTE format('SELECT pg_notify(%L, id::text) FROM %I.sessions WHERE user_id = $1 AND revoked_at IS NULL',
                 'smartline_sessions_' || TG_TABLE_SCHEMA, TG_TABLE_SCHEMA)
    USING NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER users_access_changed AFTER UPDATE OF role, suspended_at ON users
  FOR EACH ROW WHEN (NEW.role IS DISTINCT FROM OLD.role OR NEW.suspended_at IS DISTINCT FROM OLD.suspended_at)
  EXECUTE FUNCTION notify_user_access_changed();
