-- The merchant console's sign-in (docs/console.md): staff accounts with a role, server-side
-- sessions (only the token's hash is stored, with the CSRF token the session's writes must carry),
-- and API keys for integrations, created and revoked by the owner and stored hashed.
CREATE TABLE staff (
  merchant_id      BIGINT NOT NULL REFERENCES merchants,
  staff_id         BIGINT GENERATED ALWAYS AS IDENTITY,
  login            TEXT NOT NULL,
  name             TEXT NOT NULL,
  role             TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'finance')),
  password_hash    TEXT NOT NULL,
  created_ms       BIGINT NOT NULL,
  disabled_ms      BIGINT,
  PRIMARY KEY (merchant_id, staff_id)
);
CREATE UNIQUE INDEX staff_login ON staff (lower(login));

CREATE TABLE staff_sessions (
  token_hash       TEXT PRIMARY KEY,
  merchant_id      BIGINT NOT NULL,
  staff_id         BIGINT NOT NULL,
  csrf             TEXT NOT NULL,
  created_ms       BIGINT NOT NULL,
  expires_ms       BIGINT NOT NULL,
  revoked_ms       BIGINT,
  FOREIGN KEY (merchant_id, staff_id) REFERENCES staff
);

CREATE TABLE api_keys (
  merchant_id      BIGINT NOT NULL REFERENCES merchants,
  key_id           BIGINT GENERATED ALWAYS AS IDENTITY,
  key_hash         TEXT NOT NULL UNIQUE,
  prefix           TEXT NOT NULL,
  label            TEXT NOT NULL,
  role             TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'finance')),
  created_ms       BIGINT NOT NULL,
  revoked_ms       BIGINT,
  PRIMARY KEY (merchant_id, key_id)
)
