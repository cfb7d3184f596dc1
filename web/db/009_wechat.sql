-- WeChat's rails (docs/wechat.md): each merchant's credentials, the shared access token and
-- jsapi_ticket cache, the WeChat identities of users, one-time sign-in hand-over codes, and the
-- Pay notifications received (for replay detection).

-- One row per merchant. The secrets (app secret, merchant private key, APIv2 key, APIv3 key) are
-- one AES-256-GCM blob under a key derived from the server's SECRET (web/wechat/config.js), so a
-- database dump alone does not give them away. Base URLs are WeChat's unless set (the stand-in in
-- development; production refuses any other host).
CREATE TABLE wechat_merchants (
  merchant_id          BIGINT PRIMARY KEY REFERENCES merchants,
  appid                TEXT NOT NULL,
  mchid                TEXT,
  mch_serial           TEXT,
  mch_cert_pem         TEXT,
  platform_serial      TEXT,
  platform_public_key  TEXT,
  secrets_enc          TEXT NOT NULL,
  urls                 JSONB NOT NULL DEFAULT '{}',
  options              JSONB NOT NULL DEFAULT '{}',
  updated_ms           BIGINT NOT NULL
);

-- The global access token and the jsapi_ticket of an official account, shared by every server
-- process. Keyed by appid: WeChat invalidates an account's previous token when a new one is
-- fetched, so two merchants configured with one appid must share the row. A process that finds
-- the value due takes the lease (one conditional UPDATE: lease_until_ms in the past), fetches
-- outside any transaction, and writes the value; the others keep using the old value while it is
-- valid or wait for the new one.
CREATE TABLE wechat_tokens (
  appid                TEXT NOT NULL,
  kind                 TEXT NOT NULL CHECK (kind IN ('access_token', 'jsapi_ticket')),
  value                TEXT,
  expires_ms           BIGINT NOT NULL DEFAULT 0,
  lease_owner          TEXT,
  lease_until_ms       BIGINT NOT NULL DEFAULT 0,
  fetches              BIGINT NOT NULL DEFAULT 0,
  refreshed_ms         BIGINT,
  PRIMARY KEY (appid, kind)
);

-- A merchant's users as WeChat knows them: the openid under the merchant's official account
-- (appid), the unionid when the account is bound to an open platform (one user may then have
-- several openids: another account of the merchant, a mini-program), the follow status and when
-- it was last read.
CREATE SEQUENCE wechat_user_ids START WITH 1000000000000;

CREATE TABLE wechat_users (
  merchant_id          BIGINT NOT NULL REFERENCES merchants,
  appid                TEXT NOT NULL,
  openid               TEXT NOT NULL,
  unionid              TEXT,
  user_id              BIGINT NOT NULL,
  avatar_url           TEXT NOT NULL DEFAULT '',
  subscribe            BOOLEAN,
  follow_checked_ms    BIGINT NOT NULL DEFAULT 0,
  created_ms           BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, openid)
);

CREATE INDEX wechat_users_user ON wechat_users (merchant_id, user_id);
CREATE INDEX wechat_users_unionid ON wechat_users (merchant_id, unionid) WHERE unionid IS NOT NULL;

-- Sign-in hand-over: the OAuth callback stores a one-time code (hashed) and sends the page to
-- its return URL with the code in the fragment; the page exchanges it once, within a minute.
CREATE TABLE wechat_login_codes (
  code_hash            TEXT PRIMARY KEY,
  merchant_id          BIGINT NOT NULL,
  user_id              BIGINT NOT NULL,
  expires_ms           BIGINT NOT NULL
);

-- Every Pay notification accepted (signature verified, resource decrypted), by WeChat's
-- notification id: a second delivery of the same id is a replay and is answered without being
-- applied again.
CREATE TABLE wechat_notifications (
  merchant_id          BIGINT NOT NULL,
  notify_id            TEXT NOT NULL,
  event_type           TEXT NOT NULL,
  resource             JSONB NOT NULL,
  received_ms          BIGINT NOT NULL,
  deliveries           INT NOT NULL DEFAULT 1,
  PRIMARY KEY (merchant_id, notify_id)
);
