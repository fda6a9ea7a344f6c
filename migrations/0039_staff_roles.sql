-- Issue 19 point 2: staff roles an admin grants on top of a user's role
-- (dispatcher: map, trips, drivers, SOS; finance: wallets, payouts, refunds,
-- reports; support: trips, chat read, refunds up to SUPPORT_REFUND_LIMIT).
-- Authorization reads them from the row like the role (never from a token), so
-- a change must reach every node's session cache like a role change does.
ALTER TABLE users ADD COLUMN staff_roles text[] NOT NULL DEFAULT '{}'
  CHECK (staff_roles <@ ARRAY['dispatcher', 'finance', 'support']::text[]);

DROP TRIGGER users_access_changed ON users;
CREATE TRIGGER users_access_changed AFTER UPDATE OF role, suspended_at, staff_roles ON users
  FOR EACH ROW WHEN (NEW.role IS DISTINCT FROM OLD.role OR NEW.suspended_at IS DISTINCT FROM OLD.suspended_at
                     OR NEW.staff_roles IS DISTINCT FROM OLD.staff_roles)
  EXECUTE FUNCTION notify_user_access_changed();
