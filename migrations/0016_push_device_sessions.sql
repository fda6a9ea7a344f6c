-- A push token was handed to whoever registered it last, so any account could
-- take over another user's device (and read their pushes) by registering its
-- token. Now a token belongs to the session that registered it: another user
-- may have it only once that session has ended (logout, reuse revocation,
-- erasure), which also stops a logged-out phone getting the old account's pushes.
ALTER TABLE push_devices ADD COLUMN session_id uuid REFERENCES sessions (id) ON DELETE CASCADE;
CREATE INDEX push_devices_session ON push_devices (session_id);

-- Rows from before this migration have no session: any ended session of their user frees them.
CREATE FUNCTION release_session_push_devices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DELETE FROM %I.push_devices WHERE session_id = $1 OR (session_id IS NULL AND user_id = $2)', TG_TABLE_SCHEMA)
    USING NEW.id, NEW.user_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_release_push_devices AFTER UPDATE OF revoked_at ON sessions
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
  EXECUTE FUNCTION release_session_push_devices();
