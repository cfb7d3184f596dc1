-- Running sums for the console's figures, kept by triggers on the rows they sum, so a program
-- list or a balance reads a few rows however many orders and ledger entries the merchant has
-- (before: a pass over every order and line, 1.2 s at a million orders; docs/console.md). Every
-- statement that writes those rows keeps its sums in the same transaction, including the
-- one-statement payment (web/settle.js), without a line of its own.
--
-- Each sum is split into slots by the writing connection (pg_backend_pid() % 64): concurrent
-- transactions add to different rows and never wait for each other; a reader adds the slots up.
-- tests/js/crash-invariants.js checks every sum against the rows it sums.

-- merchant_ledger sums per program (0: entries of no program) and account.
CREATE TABLE merchant_sums (
  merchant_id      BIGINT NOT NULL,
  program_id       BIGINT NOT NULL,
  account          TEXT NOT NULL,
  slot             INT NOT NULL,
  total            BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, program_id, account, slot)
);

CREATE FUNCTION merchant_sums_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO merchant_sums (merchant_id, program_id, account, slot, total)
  VALUES (NEW.merchant_id, COALESCE(NEW.program_id, 0), NEW.account, pg_backend_pid() % 64, NEW.delta)
  ON CONFLICT (merchant_id, program_id, account, slot) DO UPDATE SET total = merchant_sums.total + EXCLUDED.total;
  RETURN NULL;
END $$;

CREATE TRIGGER merchant_ledger_sums AFTER INSERT ON merchant_ledger FOR EACH ROW EXECUTE FUNCTION merchant_sums_add();

-- A program's sold units (paid or completed orders), the units among them sold without a
-- commission line (a campaign's units without a qualifying sharer), and what its cash lines are
-- worth now (amount less claw-backs).
CREATE TABLE program_sums (
  merchant_id      BIGINT NOT NULL,
  program_id       BIGINT NOT NULL,
  slot             INT NOT NULL,
  sold_units       BIGINT NOT NULL DEFAULT 0,
  unattributed_units BIGINT NOT NULL DEFAULT 0,
  commission_fen   BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (merchant_id, program_id, slot)
);

-- An order enters or leaves paid-or-completed. Its commission lines are written by the same
-- statement that pays it (web/settle.js): this AFTER trigger runs once that statement is done, so
-- it sees them.
CREATE FUNCTION program_sums_of_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sold BIGINT := 0;
BEGIN
  IF NEW.status IN ('paid', 'completed') THEN sold := NEW.units; END IF;
  IF TG_OP = 'UPDATE' AND OLD.status IN ('paid', 'completed') THEN sold := sold - OLD.units; END IF;
  IF sold <> 0 THEN
    INSERT INTO program_sums (merchant_id, program_id, slot, sold_units, unattributed_units)
    VALUES (NEW.merchant_id, NEW.program_id, pg_backend_pid() % 64, sold,
      CASE WHEN EXISTS (SELECT 1 FROM commission_lines l WHERE l.merchant_id = NEW.merchant_id AND l.order_id = NEW.order_id) THEN 0 ELSE sold END)
    ON CONFLICT (merchant_id, program_id, slot) DO UPDATE SET sold_units = program_sums.sold_units + EXCLUDED.sold_units,
      unattributed_units = program_sums.unattributed_units + EXCLUDED.unattributed_units;
  END IF;
  RETURN NULL;
END $$;

-- Only rows that enter or leave paid-or-completed call the function (a WHEN clause costs no call):
-- placing an order and closing an unpaid one do not.
CREATE TRIGGER orders_program_sums_insert AFTER INSERT ON orders FOR EACH ROW
  WHEN (NEW.status IN ('paid', 'completed')) EXECUTE FUNCTION program_sums_of_order();

CREATE TRIGGER orders_program_sums_update AFTER UPDATE OF status ON orders FOR EACH ROW
  WHEN ((OLD.status IN ('paid', 'completed')) IS DISTINCT FROM (NEW.status IN ('paid', 'completed'))) EXECUTE FUNCTION program_sums_of_order();

-- A cash line is written or clawed back.
CREATE FUNCTION program_sums_of_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  worth BIGINT := NEW.amount - NEW.clawed;
BEGIN
  IF NEW.reward <> 'cash' THEN RETURN NULL; END IF;
  IF TG_OP = 'UPDATE' THEN worth := worth - (OLD.amount - OLD.clawed); END IF;
  IF worth <> 0 THEN
    INSERT INTO program_sums (merchant_id, program_id, slot, commission_fen)
    SELECT NEW.merchant_id, o.program_id, pg_backend_pid() % 64, worth FROM orders o
    WHERE o.merchant_id = NEW.merchant_id AND o.order_id = NEW.order_id
    ON CONFLICT (merchant_id, program_id, slot) DO UPDATE SET commission_fen = program_sums.commission_fen + EXCLUDED.commission_fen;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER commission_lines_program_sums_insert AFTER INSERT ON commission_lines FOR EACH ROW
  WHEN (NEW.reward = 'cash') EXECUTE FUNCTION program_sums_of_line();

CREATE TRIGGER commission_lines_program_sums_update AFTER UPDATE OF clawed ON commission_lines FOR EACH ROW
  WHEN (NEW.reward = 'cash' AND NEW.clawed <> OLD.clawed) EXECUTE FUNCTION program_sums_of_line();

-- Every sum computed again from its rows: filled here for the rows written before this
-- migration, and after a bulk load that ran without triggers (session_replication_role = replica,
-- as scripts/bench-console.js fills a big merchant).
CREATE FUNCTION sums_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM merchant_sums;
  INSERT INTO merchant_sums (merchant_id, program_id, account, slot, total)
  SELECT merchant_id, COALESCE(program_id, 0), account, 0, SUM(delta) FROM merchant_ledger GROUP BY 1, 2, 3;
  DELETE FROM program_sums;
  INSERT INTO program_sums (merchant_id, program_id, slot, sold_units, unattributed_units, commission_fen)
  SELECT o.merchant_id, o.program_id, 0,
    COALESCE(SUM(o.units) FILTER (WHERE o.status IN ('paid', 'completed')), 0),
    COALESCE(SUM(o.units) FILTER (WHERE o.status IN ('paid', 'completed') AND l.order_id IS NULL), 0),
    COALESCE(SUM(l.worth), 0)
  FROM orders o LEFT JOIN (SELECT merchant_id, order_id, COALESCE(SUM(amount - clawed) FILTER (WHERE reward = 'cash'), 0) AS worth
    FROM commission_lines GROUP BY merchant_id, order_id) l ON l.merchant_id = o.merchant_id AND l.order_id = o.order_id
  GROUP BY o.merchant_id, o.program_id;
END $$;

SELECT sums_rebuild()
