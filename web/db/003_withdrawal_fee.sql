-- The optional withdrawal fee (SPEC 9), computed by the engine (previewWithdrawal): the amount
-- leaves the wallet, net_fen is what the channel carries, fee_fen stays with the merchant. On
-- payout the ledger moves withdrawing -amount, withdrawn +net, fee +fee, so what a user holds
-- still adds up to what his commission lines are worth.
ALTER TABLE withdrawals
  ADD COLUMN fee_fen BIGINT NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
  ADD COLUMN net_fen BIGINT;

UPDATE withdrawals SET net_fen = amount_fen;

ALTER TABLE withdrawals ALTER COLUMN net_fen SET NOT NULL;

ALTER TABLE withdrawals ADD CONSTRAINT withdrawals_split CHECK (net_fen > 0 AND net_fen + fee_fen = amount_fen);

ALTER TABLE ledger DROP CONSTRAINT ledger_account_check;

ALTER TABLE ledger ADD CONSTRAINT ledger_account_check CHECK (account IN ('pending', 'frozen', 'available', 'withdrawing',
  'withdrawn', 'fee', 'debt', 'forgiven', 'points', 'balance'));

ALTER TABLE wallets ADD COLUMN fee BIGINT NOT NULL DEFAULT 0
