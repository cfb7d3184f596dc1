-- The console's part 2 (docs/console.md, issue 13): distributors frozen or revoked by the
-- merchant, the reason an application was refused, groups (分组管理), the grade history (automatic
-- upgrades and the merchant's hand), the payee account a withdrawal is paid to, its refusal
-- reason and the reference of a manual payout.

ALTER TABLE distributors DROP CONSTRAINT distributors_status_check;
ALTER TABLE distributors ADD CONSTRAINT distributors_status_check
  CHECK (status IN ('pending', 'approved', 'rejected', 'frozen', 'revoked'));
ALTER TABLE distributors
  ADD COLUMN reject_reason TEXT,
  ADD COLUMN decided_ms BIGINT,
  ADD COLUMN grade_manual BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX distributors_list ON distributors (merchant_id, created_ms DESC, program_id, user_id);

CREATE TABLE distributor_groups (
  merchant_id      BIGINT NOT NULL REFERENCES merchants,
  group_id         BIGINT GENERATED ALWAYS AS IDENTITY,
  name             TEXT NOT NULL,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, group_id),
  UNIQUE (merchant_id, name)
);

CREATE TABLE distributor_group_members (
  merchant_id      BIGINT NOT NULL,
  program_id       BIGINT NOT NULL,
  user_id          BIGINT NOT NULL,
  group_id         BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, program_id, user_id, group_id),
  FOREIGN KEY (merchant_id, group_id) REFERENCES distributor_groups ON DELETE CASCADE
);

-- Every grade change: `why` is the engine's gradeStatus answer (automatic) or null (by hand).
CREATE TABLE grade_history (
  merchant_id      BIGINT NOT NULL,
  history_id       BIGINT GENERATED ALWAYS AS IDENTITY,
  program_id       BIGINT NOT NULL,
  user_id          BIGINT NOT NULL,
  from_grade       TEXT NOT NULL,
  to_grade         TEXT NOT NULL,
  by_who           TEXT NOT NULL CHECK (by_who IN ('auto', 'merchant')),
  why              JSONB,
  at_ms            BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, history_id)
);
CREATE INDEX grade_history_of ON grade_history (merchant_id, program_id, user_id, history_id);

-- payee: {name, bank, card_no} or {name, account}; shown in full only to the distributor and the
-- merchant's money role.
ALTER TABLE withdrawals
  ADD COLUMN payee JSONB,
  ADD COLUMN reject_reason TEXT,
  ADD COLUMN payout_ref TEXT;
CREATE INDEX withdrawals_queue ON withdrawals (merchant_id, status, withdrawal_id);
CREATE INDEX withdrawals_created ON withdrawals (merchant_id, created_ms);

-- The stats' visitors per period.
CREATE INDEX visits_created ON visits (merchant_id, created_ms);

-- The product catalogue's picture and who sees the 赚 (commission) badge (seed 002).
ALTER TABLE products
  ADD COLUMN image_url TEXT,
  ADD COLUMN show_commission TEXT NOT NULL DEFAULT 'all' CHECK (show_commission IN ('all', 'distributors', 'none'));
