// The merchant's withdrawal queue (docs/console.md "Withdrawals"): the list with filters and the
// payee masked, one withdrawal with the payee in full (the `money` permission, as every route
// here), approve, reject with a reason (the money returns; the distributor reads why), confirm a
// manual payout with the bank's or Alipay's reference, bulk approve, and the payout file
// (打款文件) of the approved bank and Alipay withdrawals. The books are web/withdraw.js's: every
// action takes the withdrawal's row lock, so no payout is ever made twice.
'use strict';
const ledger = require('../ledger');
const withdraw = require('../withdraw');
const { formatCst } = require('../../bindings/engine');
const { sendTable, yuanTexts, METHOD, W_STATUS } = require('./merchant-exports');
const { cstDateTime } = require('../payouts');
const { bad, notFound } = require('../errors');

const LIMIT_MAX = 100;

module.exports = async function merchantWithdrawals(app, { ctx }) {
  const { engine, clock, db } = ctx;
  const DIGITS = { type: 'string', pattern: '^[0-9]{1,16}$' };
  const MS = { type: 'string', pattern: '^[0-9]{1,15}$' };
  const wParams = { params: { type: 'object', properties: { id: DIGITS } } };
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });

  function view(r, full) {
    const out = {
      withdrawal_id: Number(r.withdrawal_id), user_id: Number(r.user_id), name: r.nickname || '', method: r.method,
      method_text: METHOD[r.method] || r.method, amount_fen: Number(r.amount_fen), fee_fen: Number(r.fee_fen), net_fen: Number(r.net_fen),
      status: r.status, status_text: W_STATUS[r.status] || r.status, payee: full ? r.payee || null : withdraw.maskPayee(r.payee),
      reject_reason: r.reject_reason || null, payout_ref: r.payout_ref || null, payout: r.payout || {},
      created_ms: Number(r.created_ms), decided_ms: r.decided_ms == null ? null : Number(r.decided_ms),
      created_text: formatCst(Number(r.created_ms), true), decided_text: r.decided_ms == null ? null : formatCst(Number(r.decided_ms), true),
    };
    return out;
  }
  const texts = (rows) => ledger.withMoneyTexts(engine, rows, ['amount_fen', 'fee_fen', 'net_fen']);
  const withName = `SELECT w.*, u.nickname FROM withdrawals w LEFT JOIN users u ON u.merchant_id = w.merchant_id AND u.user_id = w.user_id`;

  app.get('/api/merchant/withdrawals', {
    schema: {
      querystring: {
        type: 'object',
        properties: { status: { type: 'string', enum: ['requested', 'approved', 'paid', 'rejected'] }, method: { type: 'string', enum: Object.keys(METHOD) },
          user_id: DIGITS, from: MS, to: MS, before: DIGITS, limit: { type: 'string', pattern: '^[0-9]{1,3}$' } },
        additionalProperties: false,
      },
    },
  }, async (req) => {
    const qs = req.query;
    const limit = qs.limit == null ? 50 : Number(qs.limit);
    if (limit < 1 || limit > LIMIT_MAX) throw bad('E_RANGE', 'limit', `limit is 1 … ${LIMIT_MAX}`);
    const rows = await db.query(`${withName} WHERE w.merchant_id = $1 AND ($2::text IS NULL OR w.status = $2) AND ($3::text IS NULL OR w.method = $3)
        AND ($4::bigint IS NULL OR w.user_id = $4) AND ($5::bigint IS NULL OR w.created_ms >= $5) AND ($6::bigint IS NULL OR w.created_ms < $6)
        AND ($7::bigint IS NULL OR w.withdrawal_id < $7) ORDER BY w.withdrawal_id DESC LIMIT ${limit + 1}`,
    [req.merchant.merchant_id, qs.status || null, qs.method || null, qs.user_id == null ? null : Number(qs.user_id),
      qs.from == null ? null : Number(qs.from), qs.to == null ? null : Number(qs.to), qs.before == null ? null : Number(qs.before)]);
    const page = rows.slice(0, limit).map((r) => view(r, false));
    return { ok: true, withdrawals: texts(page), next: rows.length > limit ? page[page.length - 1].withdrawal_id : null };
  });

  async function one(m, id) {
    const [r] = await db.query(`${withName} WHERE w.merchant_id = $1 AND w.withdrawal_id = $2`, [m, id]);
    if (!r) throw notFound('withdrawal', 'withdrawal_id');
    return texts([view(r, true)])[0];
  }

  app.get('/api/merchant/withdrawals/:id', { schema: wParams }, async (req) => ({ ok: true, withdrawal: await one(req.merchant.merchant_id, Number(req.params.id)) }));

  // Each action answers the withdrawal as it stands after it (payee in full: money role only).
  const act = (fn) => async (req) => {
    const m = req.merchant.merchant_id;
    const id = Number(req.params.id);
    const r = await ctx.tx((q) => fn(q, m, id, req.body || {}));
    return { ok: true, replayed: !!r.replayed, withdrawal: await one(m, id) };
  };
  app.post('/api/merchant/withdrawals/:id/approve', { schema: wParams }, act((q, m, id) => withdraw.approve(q, m, id, clock())));
  app.post('/api/merchant/withdrawals/:id/reject', {
    schema: { ...wParams, ...body({ reason: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } }) },
  }, act((q, m, id, b) => withdraw.reject(q, m, id, clock(), b.reason.trim())));
  app.post('/api/merchant/withdrawals/:id/confirm', {
    schema: { ...wParams, ...body({ reference: { type: 'string', minLength: 1, maxLength: 64, pattern: '\\S' } }) },
  }, act((q, m, id, b) => withdraw.confirm(q, m, id, clock(), 'merchant', b.reference.trim())));

  // Bulk approve: each on its own (its own transaction and row lock).
  app.post('/api/merchant/withdrawals/approve', {
    schema: body({ ids: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } } }),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const done = [];
    const failed = [];
    for (const id of req.body.ids) {
      try {
        await ctx.tx((q) => withdraw.approve(q, m, id, clock()));
        done.push(id);
      } catch (e) {
        if (!e.code || !e.status) throw e;
        failed.push({ withdrawal_id: id, code: e.code, message: e.message });
      }
    }
    return { ok: true, done, failed };
  });

  // 打款文件: the approved bank and Alipay withdrawals waiting for the merchant's payout, oldest
  // first: name, account, bank, the amount to pay (what arrives, net) in yuan, and the reference
  // the merchant quotes in the transfer (the withdrawal's number).
  const fileSchema = {
    querystring: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['approved'] }, method: { type: 'string', enum: withdraw.PAYEE_METHODS } },
      additionalProperties: false,
    },
  };
  const HEADERS = ['收款人', '账号', '开户行', '金额（元）', '参考号', '方式', '提现单号', '申请时间'];
  for (const format of ['xlsx', 'csv']) {
    app.get(`/api/merchant/withdrawals/payout-file.${format}`, { schema: fileSchema }, async (req, reply) => {
      const m = req.merchant.merchant_id;
      const methods = req.query.method ? [req.query.method] : withdraw.PAYEE_METHODS;
      async function* batches() {
        let last = 0;
        for (;;) {
          const rows = await db.query(`SELECT withdrawal_id, method, net_fen, payee, created_ms FROM withdrawals WHERE merchant_id = $1 AND status = 'approved'
              AND method IN (SELECT jsonb_array_elements_text($2::jsonb)) AND withdrawal_id > $3 ORDER BY withdrawal_id LIMIT 1000`,
          [m, JSON.stringify(methods), last]);
          if (!rows.length) return;
          const yuan = yuanTexts(engine, rows.map((r) => Number(r.net_fen)));
          yield rows.map((r, i) => {
            const p = r.payee || {};
            return [p.name || '', p.card_no || p.account || '', p.bank || (r.method === 'alipay' ? '支付宝' : ''), yuan[i], `W${r.withdrawal_id}`,
              METHOD[r.method], Number(r.withdrawal_id), cstDateTime(r.created_ms)];
          });
          if (rows.length < 1000) return;
          last = Number(rows[rows.length - 1].withdrawal_id);
        }
      }
      return sendTable(reply, format, 'payout-file', HEADERS, batches());
    });
  }
};
