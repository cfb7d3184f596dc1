-- The budget share a campaign's end left frozen for one of its orders that was placed but not
-- yet paid (units x the per-unit share, set by the end in the same transaction that returns the
-- rest). Paying that order later pays the commission out of it and returns the remainder; a failed
-- payment returns all of it. NULL: the order was not open when its campaign ended. The end writes
-- it on the order row, which is what a concurrent one-statement payment re-reads (web/settle.js).
ALTER TABLE orders ADD COLUMN end_held_fen BIGINT CHECK (end_held_fen >= 0)
