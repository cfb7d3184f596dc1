-- The merchant console's operations (docs/console.md: Programs, Money, Orders): stored top-ups
-- and stock changes (their replays answer the first result), shipping and the due time of the
-- automatic completion on the order, a create key on programs, and the indexes of the console's
-- order list (keyset on order_id under each filter), statement and program figures.

-- Top-ups, one row per idempotency key: a replay answers `result` (the balances right after the
-- first top-up), the same key with another amount is refused. Its ledger entries carry the ref
-- 'topup:<idem_key>'; the rows written before this migration are rebuilt from them (no result).
CREATE TABLE topups (
  merchant_id      BIGINT NOT NULL REFERENCES merchants,
  idem_key         TEXT NOT NULL,
  amount_fen       BIGINT NOT NULL CHECK (amount_fen > 0),
  result           JSONB,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, idem_key)
);

INSERT INTO topups (merchant_id, idem_key, amount_fen, result, created_ms)
SELECT merchant_id, substr(ref, 7), SUM(delta), NULL, MIN(created_ms) FROM merchant_ledger
WHERE account = 'balance' AND ref LIKE 'topup:%' GROUP BY merchant_id, ref HAVING SUM(delta) > 0;

-- Every stock change of a program: its ledger ref is 'stock:<program>:<change_id>' (one entry of
-- the balance statement each; before, every change of a program shared one ref), and with an
-- idem_key a repeated request answers the stored result instead of changing the stock twice.
CREATE TABLE stock_changes (
  merchant_id      BIGINT NOT NULL,
  change_id        BIGINT GENERATED ALWAYS AS IDENTITY,
  program_id       BIGINT NOT NULL,
  delta            BIGINT NOT NULL,
  frozen_change_fen BIGINT NOT NULL,
  idem_key         TEXT,
  result           JSONB NOT NULL,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, change_id)
);
CREATE UNIQUE INDEX stock_changes_idem ON stock_changes (merchant_id, program_id, idem_key) WHERE idem_key IS NOT NULL;

-- A create (or copy) request's key: a double click makes one draft, the replay answers its id.
ALTER TABLE programs ADD COLUMN create_key TEXT;
CREATE UNIQUE INDEX programs_create_key ON programs (merchant_id, create_key) WHERE create_key IS NOT NULL;

-- 发货 and the automatic completion: complete_due_ms is set when the order is shipped (or paid,
-- when the shop does not ship) to that moment + the shop's auto_complete_days; the sweep
-- completes paid orders whose due time has passed. 'shipped' is not a status of its own: a paid
-- order with shipped_ms.
ALTER TABLE orders
  ADD COLUMN shipped_ms      BIGINT,
  ADD COLUMN complete_due_ms BIGINT;
CREATE INDEX orders_complete_due ON orders (merchant_id, complete_due_ms) WHERE status = 'paid' AND complete_due_ms IS NOT NULL;

-- The console's order list, newest first, `before` an order id, under one filter or none: each
-- index below serves its filter in order_id order, so a page reads about `limit` rows however
-- many orders the merchant has (plans in docs/server.md). No filter: the primary key.
CREATE INDEX orders_status_id ON orders (merchant_id, status, order_id);
CREATE INDEX orders_program_id ON orders (merchant_id, program_id, order_id);
CREATE INDEX orders_buyer_id ON orders (merchant_id, buyer_id, order_id);
-- program and status together: the console's most common pair (活动 + 状态); without it a rare
-- status walks all of the program's orders.
CREATE INDEX orders_program_status_id ON orders (merchant_id, program_id, status, order_id);
-- A paid range: the orders paid in it, index-only (then the page is a top-N sort of them); a
-- recent range is faster by the primary key, and the planner takes that one.
CREATE INDEX orders_paid_ms ON orders (merchant_id, paid_ms) INCLUDE (order_id) WHERE paid_ms IS NOT NULL;
CREATE INDEX orders_refunded_id ON orders (merchant_id, order_id) WHERE refunded_fen > 0;
-- distributor_id: the orders with a commission line for that beneficiary, newest first.
CREATE INDEX commission_lines_user_order ON commission_lines (merchant_id, beneficiary_id, order_id);
DROP INDEX IF EXISTS commission_lines_user;

-- An order's payments, for its detail page (the primary key starts with the provider's ref).
CREATE INDEX payments_order ON payments (merchant_id, order_id);

-- A program's frozen budget (the program list, the end and its preview) and the balance
-- statement's entries (one per ref) without scanning the merchant's whole ledger.
CREATE INDEX merchant_ledger_program ON merchant_ledger (merchant_id, program_id, account) INCLUDE (delta);
CREATE INDEX merchant_ledger_ref ON merchant_ledger (merchant_id, ref);
-- The statement's running balance (the balance rows up to an entry) and the merchant's balances
-- as index-only sums.
CREATE INDEX merchant_ledger_account ON merchant_ledger (merchant_id, account, entry_id) INCLUDE (delta)
