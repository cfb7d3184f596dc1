// User API (signed session): the activity view, orders and payment, my commissions, my team,
// applying as a distributor, withdrawals. The user id always comes from the session.
'use strict';
const ledger = require('../ledger');
const settle = require('../settle');
const withdraw = require('../withdraw');
const application = require('../application');
const gradeBook = require('../grades');
const { signSession } = require('../auth');
const { ApiError, conflict, notFound } = require('../errors');

module.exports = async function userRoutes(app, { ctx }) {
  const { db, clock, programs } = ctx;
  const { AMOUNT, ID, IDEM_KEY } = ctx.schema;
  const auth = { onRequest: ctx.userAuth };
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });
  const idParam = (name) => ({ params: { type: 'object', properties: { [name]: { type: 'string', pattern: '^[0-9]{1,16}$' } } } });

  // Development login: pick a user. Refused in production, where WeChat OAuth issues sessions.
  app.post('/api/dev/login', { schema: body({ merchant_id: ID, user_id: ID, nickname: { type: 'string', maxLength: 64 } }, ['merchant_id', 'user_id']) }, async (req) => {
    if (ctx.mode !== 'development') throw new ApiError(403, 'E_DEV_ONLY', '', 'development login is disabled in production');
    const { merchant_id: m, user_id: u, nickname = '' } = req.body;
    const rows = await db.query('SELECT 1 FROM merchants WHERE merchant_id = $1', [m]);
    if (!rows.length) throw notFound('merchant', 'merchant_id');
    await db.query(`INSERT INTO users (merchant_id, user_id, nickname, created_ms) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (merchant_id, user_id) DO NOTHING`, [m, u, nickname, clock()]);
    return { ok: true, session: signSession(ctx.secret, m, u, clock()) };
  });

  app.get('/api/programs/:program_id', {
    ...auth, schema: { ...idParam('program_id'), querystring: { type: 'object', properties: { pass: { type: 'string', maxLength: 128 } } } },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const merchant = await ctx.loadMerchant(req);
    const p = await programs.load(db.query, m, Number(req.params.program_id));
    if (p.status === 'draft') throw notFound('program');
    const gate = p.kind === 'campaign' ? await ctx.gates.evaluate(db.query, p, req.userId, req.query.pass, clock()) : null;
    // Participants: people who earned a commission in this program (an index walk over its
    // orders' lines); buyers: the program's counter (program_buyers rows holding units).
    const [{ participants }] = await db.query(`SELECT COUNT(DISTINCT l.beneficiary_id)::int AS participants FROM orders o
                                              JOIN commission_lines l ON l.merchant_id = o.merchant_id AND l.order_id = o.order_id
                                              WHERE o.merchant_id = $1 AND o.program_id = $2`, [m, p.program_id]);
    // The ticker's raw entries; the engine masks the names and words the times (campaignDisplay).
    const recent = (await db.query(`SELECT u.nickname, o.paid_ms FROM orders o LEFT JOIN users u ON u.merchant_id = o.merchant_id AND u.user_id = o.buyer_id
                                    WHERE o.merchant_id = $1 AND o.program_id = $2 AND o.paid_ms IS NOT NULL ORDER BY o.paid_ms DESC LIMIT 10`, [m, p.program_id]))
      .map((r) => ({ name: r.nickname || '微信用户', at_ms: Number(r.paid_ms) }));
    return { ok: true, program_id: p.program_id, kind: p.kind, status: p.status, stock: Number(p.stock), participants, buyers: Number(p.buyers), recent,
      config: p.config, rules_version: p.rules_version, role_name: merchant.role_name, server_now_ms: clock(), gate };
  });

  // The password never reaches the browser: the server checks it and hands out a signed pass.
  app.post('/api/gates/password', {
    ...auth, schema: body({ program_id: ID, password: { type: 'string', maxLength: 128 } }),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const r = await ctx.tx(async (q) => ctx.gates.attempt(q, await programs.load(q, m, req.body.program_id), req.userId, req.body.password, clock()));
    if (r.ok) return { ok: true, pass: r.pass, expires_ms: r.expires_ms };
    const err = new ApiError(r.code === 'G_LOCKED_OUT' ? 429 : 403, r.code, 'password', r.code === 'G_LOCKED_OUT' ? 'locked out after 5 wrong tries' : 'wrong password');
    err.errors = [{ code: r.code, path: 'password', message: err.message, tries_left: r.tries_left, lock_until_ms: r.lock_until_ms }];
    throw err;
  });

  // Development stand-in for the WeChat profile (follower of the official account, region, real
  // name, phone bound).
  app.post('/api/me/profile', {
    ...auth,
    schema: body({ is_fan: { type: 'boolean' }, region: { type: 'string', pattern: '^[0-9]{6}$' }, real_name: { type: 'boolean' }, phone_bound: { type: 'boolean' } }, []),
  }, async (req) => {
    if (ctx.mode !== 'development') throw new ApiError(403, 'E_DEV_ONLY', '', 'profiles come from WeChat in production');
    const b = req.body || {};
    const [u] = await db.query(`UPDATE users SET is_fan = COALESCE($3, is_fan), region = COALESCE($4, region), real_name = COALESCE($5, real_name),
                                phone_bound = COALESCE($6, phone_bound)
                                WHERE merchant_id = $1 AND user_id = $2 RETURNING user_id, is_fan, region, real_name, phone_bound, tags`,
    [req.merchant.merchant_id, req.userId, b.is_fan ?? null, b.region ?? null, b.real_name ?? null, b.phone_bound ?? null]);
    if (!u) throw notFound('user');
    return { ok: true, profile: u };
  });

  app.post('/api/orders', {
    ...auth,
    schema: body({
      program_id: ID, idem_key: IDEM_KEY, units: { type: 'integer', minimum: 1, maximum: 1000000 },
      items: { type: 'array', maxItems: 100, items: { type: 'object', properties: { product_id: { type: 'string', maxLength: 64 }, units: { type: 'integer', minimum: 1, maximum: 1000000 } }, required: ['product_id', 'units'], additionalProperties: false } },
      delivery_region: { type: 'string', pattern: '^[0-9]{6}$' },
      pass: { type: 'string', maxLength: 128 },
    }, ['program_id', 'idem_key']),
  }, async (req) => {
    const now = clock();
    return ctx.orders.place(req.merchant.merchant_id, req.userId, req.body, now);
  });

  // Pay through the sandbox: succeed, fail, call back late (returned, not applied) or twice. The
  // sandbox answers at once, so creating the payment and applying its notification share one
  // transaction; a late notification arrives by itself at the callback endpoint.
  app.post('/api/orders/:order_id/pay', {
    ...auth, schema: { ...idParam('order_id'), ...body({ outcome: { type: 'string', enum: ['succeed', 'fail', 'late', 'twice'] } }, []) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const orderId = Number(req.params.order_id);
    const outcome = (req.body && req.body.outcome) || 'succeed';
    const now = clock();
    if (outcome === 'succeed' || outcome === 'twice') {
      // The common case in one statement: this buyer's created order, settled from its stored preview.
      const p = ctx.payments.create({ merchant_id: m, order_id: orderId });
      if (await settle.payFromStoredPreview(db.query, m, orderId, req.userId, p.provider_ref, now)) {
        await gradeBook.afterOrder(ctx, m, orderId, now);
        if (outcome === 'twice') return { ok: true, ...(await applyCallback(m, ctx.payments.callback(p.provider_ref, 'succeeded'))) };
        return { ok: true, order_id: orderId, status: 'paid', payment: 'succeeded' };
      }
    }
    const result = await ctx.tx(async (q) => {
      const { order, program } = await ctx.orders.lockForPayment(q, m, orderId);
      if (Number(order.buyer_id) !== req.userId) throw notFound('order', 'order_id');
      if (order.status !== 'created') throw conflict('E_ORDER_STATE', `order is ${order.status}`, 'order_id');
      const p = ctx.payments.create(order);
      const cb = ctx.payments.callback(p.provider_ref, outcome === 'fail' ? 'failed' : 'succeeded');
      if (outcome === 'late') {
        await q(`INSERT INTO payments (merchant_id, provider_ref, order_id, amount_fen, status, created_ms) VALUES ($1, $2, $3, $4, 'pending', $5)`,
          [m, p.provider_ref, orderId, order.paid_fen, now]);
        return { ok: true, status: 'pending', callback: cb };
      }
      const status = await ctx.orders.apply(q, order, program, p.provider_ref, cb.status, now);
      return { ok: true, order_id: orderId, status, payment: cb.status, cb };
    });
    const { cb, ...out } = result;
    if (out.status === 'paid') await gradeBook.afterOrder(ctx, m, orderId, now);
    if (outcome === 'twice') return { ok: true, ...(await applyCallback(m, cb)) };
    return out;
  });

  async function applyCallback(m, cb) {
    const now = clock();
    const r = await ctx.tx(async (q) => {
      const [pay] = await q('SELECT order_id, status FROM payments WHERE merchant_id = $1 AND provider_ref = $2', [m, cb.provider_ref]);
      if (!pay) throw notFound('payment', 'provider_ref');
      const { order, program } = await ctx.orders.lockForPayment(q, m, pay.order_id);
      // Under the order's lock, the payment's state is final: apply a pending one once.
      const [locked] = await q('SELECT status FROM payments WHERE merchant_id = $1 AND provider_ref = $2', [m, cb.provider_ref]);
      let status = order.status;
      if (locked.status === 'pending' && order.status === 'created') status = await ctx.orders.apply(q, order, program, cb.provider_ref, cb.status, now);
      else if (locked.status === 'pending') await q('UPDATE payments SET status = $3 WHERE merchant_id = $1 AND provider_ref = $2', [m, cb.provider_ref, cb.status]);
      return { order_id: Number(pay.order_id), status, payment: cb.status };
    });
    if (r.status === 'paid') await gradeBook.afterOrder(ctx, m, r.order_id, now);
    return r;
  }

  // The provider's notification (WeChat Pay posts here). Signed; applying it twice changes nothing.
  app.post('/api/payments/sandbox/callback', {
    schema: body({ merchant_id: ID, provider_ref: { type: 'string', maxLength: 128 }, status: { type: 'string', enum: ['succeeded', 'failed'] }, signature: { type: 'string', maxLength: 128 } }),
  }, async (req) => {
    if (!ctx.payments.verify(req.body)) throw new ApiError(401, 'E_SIGNATURE', 'signature', 'bad payment signature');
    return { ok: true, ...(await applyCallback(req.body.merchant_id, req.body)) };
  });

  app.get('/api/me/orders', auth, async (req) => {
    const rows = await db.query(`SELECT order_id, program_id, status, units, paid_fen, refunded_fen, created_ms, paid_ms FROM orders
                                 WHERE merchant_id = $1 AND buyer_id = $2 ORDER BY order_id DESC LIMIT 100`, [req.merchant.merchant_id, req.userId]);
    return { ok: true, orders: rows };
  });

  app.get('/api/me/commissions', auth, async (req) => {
    const m = req.merchant.merchant_id;
    await ctx.tx((q) => settle.releaseDue(q, m, clock(), req.userId));
    // Each line carries its program, the item's product and `why`: the attribution decision the
    // engine made for the order (reason code and facts), so the page can explain the credit.
    const lines = await db.query(`SELECT l.line_id, l.order_id, o.program_id, o.items -> l.item_index ->> 'product_id' AS product_id,
                                         l.item_index, l.role, l.level, l.reward, l.basis, l.rate_bp, l.rule, l.amount, l.clawed, l.state,
                                         l.rules_version, l.hold_until_ms, l.created_ms, o.attribution -> 'decision' AS why
                                  FROM commission_lines l JOIN orders o ON o.merchant_id = l.merchant_id AND o.order_id = l.order_id
                                  WHERE l.merchant_id = $1 AND l.beneficiary_id = $2 ORDER BY l.line_id DESC LIMIT 200`, [m, req.userId]);
    return { ok: true, wallet: await ledger.balances(db.query, m, req.userId), lines };
  });

  app.get('/api/me/wallet', auth, async (req) => {
    const m = req.merchant.merchant_id;
    await ctx.tx((q) => settle.releaseDue(q, m, clock(), req.userId));
    return { ok: true, wallet: await ledger.balances(db.query, m, req.userId), settings: withdraw.settingsOf(ctx.engine, await ctx.loadMerchant(req)) };
  });

  app.get('/api/me/team', auth, async (req) => {
    const m = req.merchant.merchant_id;
    const invitees = await db.query(`SELECT program_id, user_id, grade, status, created_ms FROM distributors
                                     WHERE merchant_id = $1 AND inviter_id = $2 ORDER BY created_ms DESC LIMIT 200`, [m, req.userId]);
    const customers = await db.query(`SELECT program_id, customer_id, bound_since_ms FROM relations WHERE merchant_id = $1 AND bound_id = $2
                                      ORDER BY updated_ms DESC LIMIT 200`, [m, req.userId]);
    return { ok: true, invitees, customers };
  });

  // Applying: every condition the merchant set must hold (each unmet one is a reason in the
  // answer, and nothing is written); then automatic or merchant approval.
  app.post('/api/me/apply', { ...auth, schema: body({ program_id: ID }) }, async (req) => {
    const m = req.merchant.merchant_id;
    const merchant = await ctx.loadMerchant(req);
    const now = clock();
    const out = await ctx.tx(async (q) => {
      const p = await programs.load(q, m, req.body.program_id);
      if (p.status === 'draft') throw notFound('program', 'program_id');
      const existing = await q('SELECT * FROM distributors WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3', [m, p.program_id, req.userId]);
      if (existing.length) return { ok: true, distributor: existing[0], role_name: merchant.role_name };
      const settings = application.settingsOf(merchant);
      const missing = application.unmet(ctx.engine, settings, await application.facts(q, m, req.userId));
      if (missing.length) {
        const err = new ApiError(403, missing[0].code, missing[0].path, `the application conditions are not met (${missing.length})`);
        err.errors = missing;
        throw err;
      }
      // The inviter is whoever the applicant belongs to now, fixed forever from here (SPEC 5).
      let inviter = null;
      if (p.kind === 'distribution') {
        const decision = await ctx.attribution.register(q, p, req.userId, now);
        inviter = decision.facts && decision.facts.inviter_id != null ? decision.facts.inviter_id : null;
      }
      const [d] = await q(`INSERT INTO distributors (merchant_id, program_id, user_id, inviter_id, status, created_ms)
                           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [m, p.program_id, req.userId, inviter, settings.approval === 'manual' ? 'pending' : 'approved', now]);
      return { ok: true, distributor: d, role_name: merchant.role_name };
    });
    // A new approved distributor counts for his inviter; he is a distributor himself now too.
    const d = out.distributor;
    if (d.status === 'approved') await gradeBook.afterPeople(ctx, m, d.program_id, [d.inviter_id, d.user_id], now);
    return out;
  });

  // My distributor record in a program (null before applying), the merchant's name for the role,
  // and the application conditions with the ones I do not meet yet.
  app.get('/api/me/distributor', {
    ...auth, schema: { querystring: { type: 'object', properties: { program_id: { type: 'string', pattern: '^[0-9]{1,16}$' } }, required: ['program_id'], additionalProperties: false } },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const merchant = await ctx.loadMerchant(req);
    const p = await programs.load(db.query, m, Number(req.query.program_id));
    if (p.status === 'draft') throw notFound('program', 'program_id');
    // Figures also change where no route of ours runs after them (a WeChat Pay notification, the
    // completion sweep): the record is reviewed as it is read, so it never shows a grade it has
    // outgrown.
    await gradeBook.afterPeople(ctx, m, p.program_id, [req.userId], clock());
    const [d] = await db.query(`SELECT program_id, user_id, status, grade, inviter_id, created_ms, reject_reason, decided_ms FROM distributors
                                WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3`, [m, p.program_id, req.userId]);
    const settings = application.settingsOf(merchant);
    const grades = p.config.grades || [];
    let distributor = null;
    if (d) {
      const grade = grades.find((g) => g.id === d.grade) || (d.grade ? null : grades[0]) || null;
      distributor = { program_id: Number(d.program_id), status: d.status, grade: grade ? grade.id : (d.grade || null),
        grade_name: grade ? grade.name || grade.id : null, inviter_id: d.inviter_id == null ? null : Number(d.inviter_id),
        created_ms: Number(d.created_ms), reject_reason: d.reject_reason || null, decided_ms: d.decided_ms == null ? null : Number(d.decided_ms), stats: await gradeBook.stats(db.query, m, p.program_id, req.userId) };
    }
    return { ok: true, role_name: merchant.role_name, distributor,
      application: { approval: settings.approval, conditions: settings.conditions,
        unmet: d ? [] : application.unmet(ctx.engine, settings, await application.facts(db.query, m, req.userId)) } };
  });

  // My withdrawals (the payee in full: they are mine), each with the merchant's reason when
  // refused, and the merchant's 打款说明.
  app.get('/api/me/withdrawals', auth, async (req) => {
    const rows = await db.query('SELECT * FROM withdrawals WHERE merchant_id = $1 AND user_id = $2 ORDER BY withdrawal_id DESC LIMIT 100',
      [req.merchant.merchant_id, req.userId]);
    const { payout_note: note } = withdraw.payoutOptions(await ctx.loadMerchant(req));
    return { ok: true, withdrawals: rows, payout_note: note };
  });

  // The payee I gave last, per method that needs one (the form fills them in).
  app.get('/api/me/payee', auth, async (req) => {
    const rows = await db.query(`SELECT DISTINCT ON (method) method, payee FROM withdrawals WHERE merchant_id = $1 AND user_id = $2
                                 AND payee IS NOT NULL ORDER BY method, withdrawal_id DESC`, [req.merchant.merchant_id, req.userId]);
    const out = { bank: null, alipay: null };
    for (const r of rows) out[r.method] = r.payee;
    return { ok: true, payee: out };
  });

  const PAYEE = { type: 'object', maxProperties: 3, additionalProperties: { type: 'string', maxLength: 200 } };
  app.post('/api/me/withdrawals', {
    ...auth,
    schema: body({ amount_fen: { ...AMOUNT, minimum: 1 }, method: { type: 'string', enum: ['red_packet', 'wechat_transfer', 'bank', 'alipay', 'shop_balance'] }, idem_key: IDEM_KEY,
      payee: PAYEE }, ['amount_fen', 'method', 'idem_key']),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    await ctx.tx((q) => settle.releaseDue(q, m, now, req.userId));
    const merchant = await ctx.loadMerchant(req);
    const w = await ctx.tx((q) => withdraw.request(q, ctx.engine, merchant, req.userId, req.body, now));
    return { ok: true, withdrawal: w };
  });

  app.post('/api/me/withdrawals/:id/confirm', { ...auth, schema: idParam('id') }, async (req) => {
    const m = req.merchant.merchant_id;
    const w = await ctx.tx(async (q) => {
      const [row] = await q('SELECT user_id FROM withdrawals WHERE merchant_id = $1 AND withdrawal_id = $2', [m, Number(req.params.id)]);
      if (!row || Number(row.user_id) !== req.userId) throw notFound('withdrawal', 'id');
      return withdraw.confirm(q, m, Number(req.params.id), clock(), 'user');
    });
    return { ok: true, withdrawal: w };
  });
};

