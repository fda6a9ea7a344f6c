-- Issue 22 goal 4: one transfer per transaction in one round trip. The ledger
-- service calls this for a lone posted/pending move. It answers 'applied' (the
-- counters and the transfer are written) or 'insufficient_funds' (the id is new,
-- both accounts exist, and the debit wallet would go below its floor: nothing
-- written) exactly where the engine (ledger.engine.ts) would; anything else
-- (a replay of an id, a missing account) is 'undecided', nothing is written,
-- and the service lets the engine decide. The rules here must stay the
-- engine's rules for a lone move; test/ledger/ledger-floors.test.ts pins them.
-- plpgsql keeps its statements' plans per session, so a call costs no planning.
CREATE FUNCTION ledger_apply_single_move(
  p_id text, p_phase text, p_debit bigint, p_credit bigint, p_amount bigint,
  p_kind text, p_reference text, p_timeout_at timestamptz, p_credit_limit_overdraft boolean
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  acc record;
  locked int := 0;
  available bigint;
  min_free bigint;
  posted bigint := CASE WHEN p_phase = 'posted' THEN p_amount ELSE 0 END;
  pending bigint := CASE WHEN p_phase = 'pending' THEN p_amount ELSE 0 END;
BEGIN
  IF p_phase NOT IN ('posted', 'pending') OR p_amount <= 0 OR p_debit = p_credit THEN
    RETURN 'undecided';
  END IF;
  -- Ascending id, the lock order of every ledger writer (ledger-write.repo.ts), so writers never deadlock.
  -- In READ COMMITTED a row locked after a wait is read in its newest committed version.
  FOR acc IN SELECT id, owner_id, kind, credit_limit, credits_posted - debits_posted - debits_pending AS free
               FROM ledger_accounts WHERE id IN (p_debit, p_credit) ORDER BY id FOR UPDATE LOOP
    locked := locked + 1;
    IF acc.id = p_debit THEN
      -- A rider's dues account is an IOU: no floor (ledger.engine.ts isWallet). System accounts: no floor.
      IF acc.owner_id IS NOT NULL AND acc.kind <> 'rider_dues' THEN
        min_free := CASE WHEN p_credit_limit_overdraft THEN -acc.credit_limit ELSE 0 END;
        available := acc.free;
      END IF;
    END IF;
  END LOOP;
  -- A new snapshot (this statement's) sees a same-id transfer committed while we waited for the locks:
  -- the engine then answers exists or exists_with_different_fields, never a refusal for funds.
  IF locked < 2 OR EXISTS (SELECT 1 FROM ledger_transfers WHERE id = p_id) THEN
    RETURN 'undecided';
  END IF;
  IF min_free IS NOT NULL AND available - p_amount < min_free THEN
    RETURN 'insufficient_funds';
  END IF;
  UPDATE ledger_accounts
     SET debits_posted = debits_posted + CASE WHEN id = p_debit THEN posted ELSE 0 END,
         debits_pending = debits_pending + CASE WHEN id = p_debit THEN pending ELSE 0 END,
         credits_posted = credits_posted + CASE WHEN id = p_credit THEN posted ELSE 0 END,
         credits_pending = credits_pending + CASE WHEN id = p_credit THEN pending ELSE 0 END,
         version = version + 1, updated_at = now()
   WHERE id IN (p_debit, p_credit);
  INSERT INTO ledger_transfers (id, phase, debit_account_id, credit_account_id, amount, kind, reference, timeout_at)
  VALUES (p_id, p_phase, p_debit, p_credit, p_amount, p_kind, p_reference,
          CASE WHEN p_phase = 'pending' THEN p_timeout_at END);
  RETURN 'applied';
END
$$;
