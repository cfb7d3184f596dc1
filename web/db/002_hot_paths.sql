-- Cached balances and counters for the order and payment hot paths, stored previews, the
-- program-level attribution state (mode switches), and the columns the application conditions
-- read. Every cache here is maintained in the same transaction as the rows it summarises, and
-- each stays derivable from them (tests/js/crash-invariants.js checks that it is).

-- A wallet's balance per account, kept equal to the sum of its ledger entries: every ledger
-- insert updates its wallet row in the same statement, under that row's lock.
ALTER TABLE wallets
  ADD COLUMN pending     BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN frozen      BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN available   BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN withdrawing BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN withdrawn   BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN debt        BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN forgiven    BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN points      BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN balance     BIGINT NOT NULL DEFAULT 0;

INSERT INTO wallets (merchant_id, user_id) SELECT DISTINCT merchant_id, user_id FROM ledger ON CONFLICT DO NOTHING;

UPDATE wallets w SET
  pending     = s.pending,     frozen    = s.frozen,    available = s.available,
  withdrawing = s.withdrawing, withdrawn = s.withdrawn, debt      = s.debt,
  forgiven    = s.forgiven,    points    = s.points,    balance   = s.balance
FROM (SELECT merchant_id, user_id,
        COALESCE(SUM(delta) FILTER (WHERE account = 'pending'), 0)     AS pending,
        COALESCE(SUM(delta) FILTER (WHERE account = 'frozen'), 0)      AS frozen,
        COALESCE(SUM(delta) FILTER (WHERE account = 'available'), 0)   AS available,
        COALESCE(SUM(delta) FILTER (WHERE account = 'withdrawing'), 0) AS withdrawing,
        COALESCE(SUM(delta) FILTER (WHERE account = 'withdrawn'), 0)   AS withdrawn,
        COALESCE(SUM(delta) FILTER (WHERE account = 'debt'), 0)        AS debt,
        COALESCE(SUM(delta) FILTER (WHERE account = 'forgiven'), 0)    AS forgiven,
        COALESCE(SUM(delta) FILTER (WHERE account = 'points'), 0)      AS points,
        COALESCE(SUM(delta) FILTER (WHERE account = 'balance'), 0)     AS balance
      FROM ledger GROUP BY merchant_id, user_id) s
WHERE w.merchant_id = s.merchant_id AND w.user_id = s.user_id;

-- Units a buyer holds in a program (orders created, paid or completed): the gate's bought_units
-- and, through programs.buyers, its buyer count, without a scan over the program's orders.
CREATE TABLE program_buyers (
  merchant_id      BIGINT NOT NULL,
  program_id       BIGINT NOT NULL,
  buyer_id         BIGINT NOT NULL,
  units            BIGINT NOT NULL CHECK (units >= 0),
  PRIMARY KEY (merchant_id, program_id, buyer_id)
);

INSERT INTO program_buyers (merchant_id, program_id, buyer_id, units)
SELECT merchant_id, program_id, buyer_id, SUM(units) FROM orders
WHERE status IN ('created', 'paid', 'completed') GROUP BY merchant_id, program_id, buyer_id;

-- buyers: how many program_buyers rows hold units. config_version: bumped by every config
-- change, the key of the servers' parsed-config caches (checked in the query that reads it).
-- attribution_state: the program-level part of the engine's attribution state (mode, pending
-- switch, switch history); customers' records stay in relations.
ALTER TABLE programs
  ADD COLUMN buyers              BIGINT NOT NULL DEFAULT 0 CHECK (buyers >= 0),
  ADD COLUMN config_version      BIGINT NOT NULL DEFAULT 1,
  ADD COLUMN attribution_state   JSONB NOT NULL DEFAULT '{}',
  ADD COLUMN attribution_version BIGINT NOT NULL DEFAULT 0;

UPDATE programs p SET buyers = s.n
FROM (SELECT merchant_id, program_id, COUNT(*) AS n FROM program_buyers WHERE units > 0 GROUP BY merchant_id, program_id) s
WHERE p.merchant_id = s.merchant_id AND p.program_id = s.program_id;

-- Units sold without a qualifying sharer are derived from the orders now; a counter on the
-- program row made every such payment wait for that row's lock.
ALTER TABLE programs DROP COLUMN held_units;

-- The engine's commission preview made when the order was placed; a payment under the same
-- rules_version settles exactly these lines (the engine is deterministic), so it is not asked twice.
ALTER TABLE orders
  ADD COLUMN preview         JSONB,
  ADD COLUMN delivery_region TEXT;

-- Every config a published program settles under is kept (publishing and editing record it now,
-- not each payment); programs published before this migration get theirs here.
INSERT INTO rule_versions (merchant_id, rules_version, config, created_ms)
SELECT merchant_id, rules_version, config, updated_ms FROM programs WHERE status <> 'draft' ON CONFLICT DO NOTHING;

-- Merchant-set labels on a user (SPEC 9 "tagged identity"), read by the application conditions.
ALTER TABLE users ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}';

-- A customer's current distributor, for the merchant's rebind list and "my team".
CREATE INDEX relations_bound ON relations (merchant_id, bound_id);
CREATE INDEX distributors_inviter ON distributors (merchant_id, inviter_id)
