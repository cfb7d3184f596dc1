-- Every table is keyed by merchant_id first, so the data can be distributed by merchant
-- (PostgreSQL declarative partitioning or Citus distribution column) without touching queries:
-- every statement the server runs names a single merchant_id.

CREATE TABLE merchants (
  merchant_id      BIGINT PRIMARY KEY,
  name             TEXT NOT NULL,
  api_key_hash     TEXT NOT NULL UNIQUE,
  role_name        TEXT NOT NULL DEFAULT '推广员',
  settings         JSONB NOT NULL DEFAULT '{}',
  created_ms       BIGINT NOT NULL
);

-- The merchant's red-packet balance and campaign budgets, append-only.
CREATE TABLE merchant_ledger (
  merchant_id      BIGINT NOT NULL REFERENCES merchants,
  entry_id         BIGINT GENERATED ALWAYS AS IDENTITY,
  account          TEXT NOT NULL CHECK (account IN ('balance', 'frozen', 'paid_out')),
  delta            BIGINT NOT NULL,
  program_id       BIGINT,
  ref              TEXT NOT NULL,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, entry_id)
);

CREATE TABLE programs (
  merchant_id      BIGINT NOT NULL REFERENCES merchants,
  program_id       BIGINT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('campaign', 'distribution')),
  config           JSONB NOT NULL,
  rules_version    TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'ended')),
  stock            BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
  held_units       BIGINT NOT NULL DEFAULT 0 CHECK (held_units >= 0),
  attribution      JSONB NOT NULL DEFAULT '{}',  -- mode, binding days, share window (attribution.h)
  password_hash    TEXT,                         -- scrypt (bindings/gate-node.js); never sent out
  created_ms       BIGINT NOT NULL,
  updated_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, program_id)
);

-- Every config a commission was ever computed under, so a settlement can be explained later.
CREATE TABLE rule_versions (
  merchant_id      BIGINT NOT NULL,
  rules_version    TEXT NOT NULL,
  config           JSONB NOT NULL,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, rules_version)
);

-- The shop's catalogue, for distribution programs (a campaign carries its one product itself).
CREATE TABLE products (
  merchant_id      BIGINT NOT NULL REFERENCES merchants,
  product_id       TEXT NOT NULL,
  name             TEXT NOT NULL,
  price_fen        BIGINT NOT NULL CHECK (price_fen >= 0),
  cost_fen         BIGINT CHECK (cost_fen >= 0),
  PRIMARY KEY (merchant_id, product_id)
);

CREATE TABLE users (
  merchant_id      BIGINT NOT NULL REFERENCES merchants,
  user_id          BIGINT NOT NULL,
  nickname         TEXT NOT NULL DEFAULT '',
  is_fan           BOOLEAN NOT NULL DEFAULT FALSE,
  region           TEXT NOT NULL DEFAULT '',
  phone_bound      BOOLEAN NOT NULL DEFAULT FALSE,
  real_name        BOOLEAN NOT NULL DEFAULT FALSE,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, user_id)
);

CREATE TABLE distributors (
  merchant_id      BIGINT NOT NULL,
  program_id       BIGINT NOT NULL,
  user_id          BIGINT NOT NULL,
  inviter_id       BIGINT,
  grade            TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, program_id, user_id),
  FOREIGN KEY (merchant_id, program_id) REFERENCES programs
);

-- Who brought this customer: the attribution state per customer and program.
CREATE TABLE relations (
  merchant_id      BIGINT NOT NULL,
  program_id       BIGINT NOT NULL,
  customer_id      BIGINT NOT NULL,
  bound_id         BIGINT,
  bound_since_ms   BIGINT,
  reason           TEXT NOT NULL,
  state            JSONB NOT NULL,   -- the engine's customer record (attribution.h)
  updated_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, program_id, customer_id)
);

-- Wrong password tries per user and campaign, for the 5-in-10-minutes lock-out.
CREATE TABLE password_tries (
  merchant_id      BIGINT NOT NULL,
  program_id       BIGINT NOT NULL,
  user_id          BIGINT NOT NULL,
  tries            JSONB NOT NULL,
  PRIMARY KEY (merchant_id, program_id, user_id)
);

CREATE TABLE visits (
  merchant_id      BIGINT NOT NULL,
  visit_id         BIGINT GENERATED ALWAYS AS IDENTITY,
  program_id       BIGINT NOT NULL,
  visitor_id       BIGINT NOT NULL,
  sharer_id        BIGINT,
  outcome          TEXT NOT NULL,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, visit_id)
);

CREATE TABLE orders (
  merchant_id      BIGINT NOT NULL,
  order_id         BIGINT GENERATED ALWAYS AS IDENTITY,
  program_id       BIGINT NOT NULL,
  buyer_id         BIGINT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('created', 'paid', 'completed', 'closed')),
  units            BIGINT NOT NULL CHECK (units > 0),
  paid_fen         BIGINT NOT NULL CHECK (paid_fen >= 0),
  refunded_fen     BIGINT NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= paid_fen),
  items            JSONB NOT NULL,
  attribution      JSONB NOT NULL,
  idem_key         TEXT NOT NULL,
  created_ms       BIGINT NOT NULL,
  paid_ms          BIGINT,
  completed_ms     BIGINT,
  PRIMARY KEY (merchant_id, order_id),
  UNIQUE (merchant_id, buyer_id, idem_key)
);

CREATE TABLE payments (
  merchant_id      BIGINT NOT NULL,
  provider_ref     TEXT NOT NULL,
  order_id         BIGINT NOT NULL,
  amount_fen       BIGINT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, provider_ref)
);

CREATE TABLE commission_lines (
  merchant_id      BIGINT NOT NULL,
  line_id          BIGINT GENERATED ALWAYS AS IDENTITY,
  order_id         BIGINT NOT NULL,
  item_index       INT NOT NULL,
  beneficiary_id   BIGINT NOT NULL,
  role             TEXT NOT NULL,
  level            INT NOT NULL,
  reward           TEXT NOT NULL,
  basis            TEXT NOT NULL,
  rate_bp          BIGINT NOT NULL DEFAULT 0,
  rule             TEXT NOT NULL,
  amount           BIGINT NOT NULL CHECK (amount >= 0),
  clawed           BIGINT NOT NULL DEFAULT 0 CHECK (clawed >= 0 AND clawed <= amount),
  state            TEXT NOT NULL CHECK (state IN ('pending', 'frozen', 'available', 'reversed')),
  rules_version    TEXT NOT NULL,
  hold_until_ms    BIGINT,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, line_id)
);
CREATE INDEX commission_lines_order ON commission_lines (merchant_id, order_id);
CREATE INDEX commission_lines_due ON commission_lines (merchant_id, state, hold_until_ms);
CREATE INDEX commission_lines_user ON commission_lines (merchant_id, beneficiary_id);

-- One row per distributor wallet: the row lock that serialises its balance changes.
CREATE TABLE wallets (
  merchant_id      BIGINT NOT NULL,
  user_id          BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, user_id)
);

-- Every balance change, append-only; balances are sums of these.
CREATE TABLE ledger (
  merchant_id      BIGINT NOT NULL,
  entry_id         BIGINT GENERATED ALWAYS AS IDENTITY,
  user_id          BIGINT NOT NULL,
  account          TEXT NOT NULL CHECK (account IN ('pending', 'frozen', 'available', 'withdrawing',
                     'withdrawn', 'debt', 'forgiven', 'points', 'balance')),
  delta            BIGINT NOT NULL,
  ref              TEXT NOT NULL,
  line_id          BIGINT,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, entry_id)
);
CREATE INDEX ledger_user ON ledger (merchant_id, user_id, account);

CREATE TABLE refunds (
  merchant_id      BIGINT NOT NULL,
  refund_id        BIGINT GENERATED ALWAYS AS IDENTITY,
  order_id         BIGINT NOT NULL,
  item_index       INT NOT NULL,
  amount_fen       BIGINT NOT NULL CHECK (amount_fen > 0),
  idem_key         TEXT NOT NULL,
  result           JSONB NOT NULL,
  created_ms       BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, refund_id),
  UNIQUE (merchant_id, order_id, idem_key)
);

CREATE TABLE withdrawals (
  merchant_id      BIGINT NOT NULL,
  withdrawal_id    BIGINT GENERATED ALWAYS AS IDENTITY,
  user_id          BIGINT NOT NULL,
  amount_fen       BIGINT NOT NULL CHECK (amount_fen > 0),
  method           TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'paid', 'rejected')),
  idem_key         TEXT NOT NULL,
  payout           JSONB NOT NULL DEFAULT '{}',
  created_ms       BIGINT NOT NULL,
  decided_ms       BIGINT,
  PRIMARY KEY (merchant_id, withdrawal_id),
  UNIQUE (merchant_id, user_id, idem_key)
);
