// Merchant API (x-api-key): programs and their budgets, stock, orders, refunds, distributors,
// withdrawals, stats and the CSV export.
'use strict';
const ledger = require('../ledger');
const settle = require('../settle');
const withdraw = require('../withdraw');
const { bad, conflict, notFound, fromEngine } = require('../errors');

module.exports = async function merchantRoutes(app, { ctx }) {
  const { engine, clock, programs } = ctx;
  const { AMOUNT, ID, IDEM_KEY } = ctx.schema;
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/merchant/')) await ctx.merchantAuth(req);
  });
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });
  const programParams = { params: { type: 'object', properties: { program_id: { type: 'string', pattern: '^[0-9]{1,16}$' } } } };

  function validate(config, programId) {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) throw bad('E_TYPE', 'config', 'expected an object');
    const c = { ...config, program_id: programId };
    const v = engine.call('validateProgram', { program: c });
    if (!v.ok) throw fromEngine(v, { program: 'config' });
    return { config: c, rulesVersion: v.rules_version, warnings: v.warnings };
  }

  // Freezing or releasing `units` shares goes through the engine's budget rules.
  function budgetFor(config, units, balance) {
    const r = engine.call('previewBudget', {
      program: { ...config, product: { ...config.product, stock: units } }, balance_fen: balance, events: [{ type: 'publish' }],
    });
    if (!r.ok) throw fromEngine(r, { program: 'config' });
    const step = r.steps[0];
    return { refused: step.refused, amount: step.state.frozen_fen };
  }

  async function lockMerchant(q, id) {
    await q('SELECT 1 FROM merchants WHERE merchant_id = $1 FOR UPDATE', [id]);
  }

  app.post('/api/merchant/programs', { schema: body({ program_id: ID, config: { type: 'object' } }) }, async (req) => {
    const m = req.merchant.merchant_id;
    const { config, rulesVersion, warnings } = validate(req.body.config, req.body.program_id);
    const now = clock();
    return ctx.tx(async (q) => {
      const exists = await q('SELECT 1 FROM programs WHERE merchant_id = $1 AND program_id = $2', [m, req.body.program_id]);
      if (exists.length) throw conflict('E_DUPLICATE', 'a program with this id exists', 'program_id');
      await q(`INSERT INTO programs (merchant_id, program_id, kind, config, rules_version, stock, created_ms, updated_ms)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
      [m, req.body.program_id, config.kind, JSON.stringify(config), rulesVersion,
        config.kind === 'campaign' ? config.product.stock : 0, now]);
      return { ok: true, program_id: req.body.program_id, rules_version: rulesVersion, status: 'draft', warnings };
    });
  });

  app.put('/api/merchant/programs/:program_id', { schema: { ...programParams, ...body({ config: { type: 'object' } }) } }, async (req) => {
    const m = req.merchant.merchant_id;
    const id = Number(req.params.program_id);
    const { config, rulesVersion, warnings } = validate(req.body.config, id);
    return ctx.tx(async (q) => {
      const p = await programs.load(q, m, id, true);
      if (p.kind !== config.kind) throw bad('E_LOCKED_FIELD', 'config.kind', 'the kind of a program cannot change');
      if (p.kind === 'campaign' && p.status !== 'draft') {
        const old = p.config;
        // After publishing, the start and the frozen budget are fixed; after the end, the end too.
        const locked = [['start_ms', old.start_ms, config.start_ms],
          ['commission_per_unit_fen', old.commission_per_unit_fen, config.commission_per_unit_fen],
          ['product.stock', old.product.stock, config.product.stock]];
        if (p.status === 'ended') locked.push(['end_ms', old.end_ms, config.end_ms]);
        for (const [field, was, now] of locked) {
          if (was !== now) throw bad('E_LOCKED_FIELD', `config.${field}`, `${field} cannot change once the campaign is ${p.status}`);
        }
      }
      const now = clock();
      await q(`UPDATE programs SET config = $3, rules_version = $4, updated_ms = $5, config_version = config_version + 1
               WHERE merchant_id = $1 AND program_id = $2`, [m, id, JSON.stringify(config), rulesVersion, now]);
      // A published program settles under its new config from now on: keep it for explaining.
      if (p.status !== 'draft') await settle.recordRulesVersion(q, m, config, rulesVersion, now);
      return { ok: true, program_id: id, rules_version: rulesVersion, status: p.status, warnings };
    });
  });

  app.put('/api/merchant/programs/:program_id/password', {
    schema: { ...programParams, ...body({ password: { type: 'string', minLength: 1, maxLength: 64 } }) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const id = Number(req.params.program_id);
    const hash = await ctx.gates.hashPassword(req.body.password);
    const rows = await ctx.db.query('UPDATE programs SET password_hash = $3 WHERE merchant_id = $1 AND program_id = $2 RETURNING program_id', [m, id, hash]);
    if (!rows.length) throw notFound('program', 'program_id');
    return { ok: true, program_id: id };
  });

  app.get('/api/merchant/programs', async (req) => {
    // held_units: units sold without a qualifying sharer, whose budget share stays frozen until
    // the campaign ends (0 once it has ended).
    const rows = await ctx.db.query(`SELECT p.program_id, p.kind, p.status, p.stock, p.buyers, p.rules_version, p.config,
        (p.password_hash IS NOT NULL) AS has_password,
        CASE WHEN p.kind <> 'campaign' OR p.status = 'ended' THEN 0 ELSE (SELECT COALESCE(SUM(o.units), 0) FROM orders o
          WHERE o.merchant_id = p.merchant_id AND o.program_id = p.program_id AND o.status IN ('paid', 'completed')
          AND NOT EXISTS (SELECT 1 FROM commission_lines l WHERE l.merchant_id = o.merchant_id AND l.order_id = o.order_id)) END AS held_units
      FROM programs p WHERE p.merchant_id = $1 ORDER BY p.program_id`, [req.merchant.merchant_id]);
    return { ok: true, programs: rows };
  });

  app.post('/api/merchant/programs/:program_id/publish', { schema: programParams }, async (req) => {
    const m = req.merchant.merchant_id;
    const id = Number(req.params.program_id);
    const now = clock();
    return ctx.tx(async (q) => {
      await lockMerchant(q, m);
      const p = await programs.load(q, m, id, true);
      if (p.status !== 'draft') throw conflict('E_STATE', `program is already ${p.status}`);
      let frozen = 0;
      if (p.kind === 'campaign') {
        const free = (await ledger.merchantBalances(q, m)).balance;
        const b = budgetFor(p.config, Number(p.stock), free);
        if (b.refused) throw conflict(b.refused.code, b.refused.message, 'balance_fen');
        frozen = b.amount;
        await ledger.postMerchant(q, m, [['balance', -frozen], ['frozen', frozen]], id, `publish:${id}`, now);
      }
      await q(`UPDATE programs SET status = 'published', updated_ms = $3 WHERE merchant_id = $1 AND program_id = $2`, [m, id, now]);
      await settle.recordRulesVersion(q, m, p.config, p.rules_version, now);
      return { ok: true, program_id: id, status: 'published', frozen_fen: frozen };
    });
  });

  // The end of a campaign's orders that are placed and not yet paid: row-locked first (pass 1,
  // before the program's lock, in the order a payment takes them: order row, then program row or
  // merchant row), then, under the program's lock, kept: each carries the share the end leaves
  // frozen for it (pass 2, which also catches an order placed in between).
  const LOCK_OPEN_ORDERS = `SELECT order_id FROM orders WHERE merchant_id = $1 AND program_id = $2 AND status = 'created'
    ORDER BY order_id FOR UPDATE`;
  const KEEP_OPEN_ORDERS = `WITH kept AS (
      UPDATE orders SET end_held_fen = units * $3 WHERE merchant_id = $1 AND program_id = $2 AND status = 'created' RETURNING end_held_fen
    ) SELECT COALESCE(SUM(end_held_fen), 0) AS held, COUNT(*)::int AS orders FROM kept`;

  app.post('/api/merchant/programs/:program_id/end', { schema: programParams }, async (req) => {
    const m = req.merchant.merchant_id;
    const id = Number(req.params.program_id);
    const now = clock();
    return ctx.tx(async (q) => {
      const seen = await programs.load(q, m, id);
      if (seen.status === 'ended') throw conflict('E_STATE', 'program has already ended');
      if (seen.kind === 'campaign') await q(LOCK_OPEN_ORDERS, [m, id]);
      await lockMerchant(q, m);
      const p = await programs.load(q, m, id, true);
      if (p.status === 'ended') throw conflict('E_STATE', 'program has already ended');
      // Every unused frozen share returns to the balance (SPEC 2), except the shares of orders
      // placed and not yet paid: those stay frozen, written on each order, and its payment or
      // failure settles them (web/settle.js, PAID and FAILED, which also say why this cannot
      // interleave with a payment into a leak). No order can be placed from here on: placing
      // takes stock from this row, which is locked, and finds the program ended.
      let held = 0;
      let open = 0;
      if (p.kind === 'campaign') {
        // The per-unit share is fixed since publishing (E_LOCKED_FIELD); the engine prices it.
        const share = budgetFor(p.config, 1, Number.MAX_SAFE_INTEGER).amount;
        const [k] = await q(KEEP_OPEN_ORDERS, [m, id, share]);
        held = Number(k.held);
        open = k.orders;
      }
      // Read after keeping: every order not kept was settled before, and its budget move is seen.
      const { frozen } = await ledger.merchantBalances(q, m, id);
      const returned = frozen - held;
      if (returned < 0) throw new Error(`program ${id}: frozen ${frozen} is less than the ${held} its open orders hold`);
      await ledger.postMerchant(q, m, [['frozen', -returned], ['balance', returned]], id, `end:${id}`, now);
      await q(`UPDATE programs SET status = 'ended', updated_ms = $3 WHERE merchant_id = $1 AND program_id = $2`, [m, id, now]);
      return { ok: true, program_id: id, status: 'ended', returned_fen: returned, held_fen: held, open_orders: open };
    });
  });

  app.post('/api/merchant/programs/:program_id/stock', {
    schema: { ...programParams, ...body({ delta: { type: 'integer', minimum: -1e9, maximum: 1e9 } }) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const id = Number(req.params.program_id);
    const delta = req.body.delta;
    const now = clock();
    return ctx.tx(async (q) => {
      await lockMerchant(q, m);
      const p = await programs.load(q, m, id, true);
      if (p.kind !== 'campaign') throw bad('E_KIND', 'program_id', 'stock belongs to campaigns');
      if (p.status === 'ended') throw conflict('E_STATE', 'the campaign has ended');
      if (delta < 0 && -delta > Number(p.stock)) throw bad('E_STOCK', 'delta', 'cannot remove more than the unsold stock');
      let moved = 0;
      if (p.status === 'published' && delta !== 0) {
        const free = (await ledger.merchantBalances(q, m)).balance;
        const b = budgetFor(p.config, Math.abs(delta), delta > 0 ? free : Number.MAX_SAFE_INTEGER);
        if (b.refused) throw conflict(b.refused.code, b.refused.message, 'delta');
        moved = delta > 0 ? b.amount : -b.amount;
        await ledger.postMerchant(q, m, [['balance', -moved], ['frozen', moved]], id, `stock:${id}`, now);
      }
      const [row] = await q('UPDATE programs SET stock = stock + $3, updated_ms = $4 WHERE merchant_id = $1 AND program_id = $2 RETURNING stock',
        [m, id, delta, now]);
      return { ok: true, stock: Number(row.stock), frozen_change_fen: moved };
    });
  });

  app.post('/api/merchant/topup', { schema: body({ amount_fen: { ...AMOUNT, minimum: 1 }, idem_key: IDEM_KEY }) }, async (req) => {
    const m = req.merchant.merchant_id;
    return ctx.tx(async (q) => {
      await lockMerchant(q, m);
      const ref = `topup:${req.body.idem_key}`;
      const seen = await q('SELECT 1 FROM merchant_ledger WHERE merchant_id = $1 AND ref = $2', [m, ref]);
      if (!seen.length) await ledger.postMerchant(q, m, [['balance', req.body.amount_fen]], null, ref, clock());
      return { ok: true, ...(await ledger.merchantBalances(q, m)) };
    });
  });

  app.get('/api/merchant/balance', async (req) => ({ ok: true, ...(await ledger.merchantBalances(ctx.db.query, req.merchant.merchant_id)) }));

  app.put('/api/merchant/products/:product_id', {
    schema: body({ name: { type: 'string', maxLength: 128 }, price_fen: AMOUNT, cost_fen: AMOUNT }, ['name', 'price_fen']),
  }, async (req) => {
    const pid = String(req.params.product_id).slice(0, 64);
    await ctx.db.query(`INSERT INTO products (merchant_id, product_id, name, price_fen, cost_fen) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (merchant_id, product_id) DO UPDATE SET name = $3, price_fen = $4, cost_fen = $5`,
    [req.merchant.merchant_id, pid, req.body.name, req.body.price_fen, req.body.cost_fen ?? null]);
    return { ok: true, product_id: pid };
  });

  app.get('/api/merchant/orders', async (req) => {
    const rows = await ctx.db.query('SELECT * FROM orders WHERE merchant_id = $1 ORDER BY order_id DESC LIMIT 200', [req.merchant.merchant_id]);
    return { ok: true, orders: rows };
  });

  const orderParams = { params: { type: 'object', properties: { order_id: { type: 'string', pattern: '^[0-9]{1,16}$' } } } };
  app.post('/api/merchant/orders/:order_id/complete', { schema: orderParams }, async (req) => {
    const o = await ctx.tx((q) => settle.complete(q, programs, req.merchant.merchant_id, Number(req.params.order_id), clock()));
    return { ok: true, order_id: Number(o.order_id), status: o.status };
  });

  app.post('/api/merchant/orders/:order_id/refund', {
    schema: { ...orderParams, ...body({ amount_fen: { ...AMOUNT, minimum: 1 }, item_index: { type: 'integer', minimum: 0, maximum: 999 }, idem_key: IDEM_KEY }, ['amount_fen', 'idem_key']) },
  }, async (req) => {
    const r = await ctx.tx((q) => settle.refund(q, engine, programs, req.merchant.merchant_id, Number(req.params.order_id),
      req.body.item_index || 0, req.body.amount_fen, req.body.idem_key, clock()));
    return { ok: true, ...r };
  });

  app.get('/api/merchant/withdrawals', async (req) => {
    const rows = await ctx.db.query('SELECT * FROM withdrawals WHERE merchant_id = $1 ORDER BY withdrawal_id DESC LIMIT 200', [req.merchant.merchant_id]);
    return { ok: true, withdrawals: rows };
  });
  const wParams = { params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]{1,16}$' } } } };
  for (const [verb, fn] of [['approve', withdraw.approve], ['reject', withdraw.reject]]) {
    app.post(`/api/merchant/withdrawals/:id/${verb}`, { schema: wParams }, async (req) => {
      const w = await ctx.tx((q) => fn(q, req.merchant.merchant_id, Number(req.params.id), clock()));
      return { ok: true, withdrawal: w };
    });
  }
  app.post('/api/merchant/withdrawals/:id/confirm', { schema: wParams }, async (req) => {
    const w = await ctx.tx((q) => withdraw.confirm(q, req.merchant.merchant_id, Number(req.params.id), clock(), 'merchant'));
    return { ok: true, withdrawal: w };
  });

  const duParams = {
    params: { type: 'object', properties: { program_id: { type: 'string', pattern: '^[0-9]{1,16}$' }, user_id: { type: 'string', pattern: '^[0-9]{1,16}$' } } },
  };
  for (const verb of ['approve', 'reject']) {
    app.post(`/api/merchant/distributors/:program_id/:user_id/${verb}`, { schema: duParams }, async (req) => {
      const rows = await ctx.db.query(`UPDATE distributors SET status = $4 WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3
                                       AND status = 'pending' RETURNING *`,
      [req.merchant.merchant_id, Number(req.params.program_id), Number(req.params.user_id), verb === 'approve' ? 'approved' : 'rejected']);
      if (!rows.length) throw notFound('pending application');
      return { ok: true, distributor: rows[0] };
    });
  }
  app.put('/api/merchant/distributors/:program_id/:user_id/grade', {
    schema: { ...duParams, ...body({ grade: { type: 'string', maxLength: 64 } }) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const p = await programs.load(ctx.db.query, m, Number(req.params.program_id));
    if (!(p.config.grades || []).some((g) => g.id === req.body.grade)) throw bad('E_UNKNOWN_GRADE', 'grade', 'no grade with this id');
    const rows = await ctx.db.query('UPDATE distributors SET grade = $4 WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3 RETURNING *',
      [m, p.program_id, Number(req.params.user_id), req.body.grade]);
    if (!rows.length) throw notFound('distributor');
    return { ok: true, distributor: rows[0] };
  });

  app.get('/api/merchant/stats', async (req) => {
    const m = req.merchant.merchant_id;
    const q = ctx.db.query;
    const [sales] = await q(`SELECT COUNT(*)::int AS orders, COALESCE(SUM(paid_fen), 0) AS paid_fen,
        COALESCE(SUM(refunded_fen), 0) AS refunded_fen FROM orders WHERE merchant_id = $1 AND status IN ('paid', 'completed')`, [m]);
    const byState = await q(`SELECT state, COALESCE(SUM(amount - clawed), 0) AS amount FROM commission_lines
        WHERE merchant_id = $1 AND reward = 'cash' GROUP BY state`, [m]);
    const top = await q(`SELECT beneficiary_id, COALESCE(SUM(amount - clawed), 0) AS cash_fen, COUNT(DISTINCT order_id)::int AS orders
        FROM commission_lines WHERE merchant_id = $1 AND reward = 'cash' GROUP BY beneficiary_id ORDER BY cash_fen DESC LIMIT 10`, [m]);
    const daily = await q(`SELECT (paid_ms + 28800000) / 86400000 AS day, COUNT(*)::int AS orders, COALESCE(SUM(paid_fen), 0) AS paid_fen
        FROM orders WHERE merchant_id = $1 AND paid_ms IS NOT NULL GROUP BY 1 ORDER BY 1 DESC LIMIT 30`, [m]);
    return {
      ok: true,
      sales: { orders: sales.orders, paid_fen: Number(sales.paid_fen), refunded_fen: Number(sales.refunded_fen) },
      commissions: Object.fromEntries(byState.map((r) => [r.state, Number(r.amount)])),
      top_distributors: top.map((r) => ({ beneficiary_id: Number(r.beneficiary_id), cash_fen: Number(r.cash_fen), orders: r.orders })),
      daily: daily.map((r) => ({ day_cst: Number(r.day), orders: r.orders, paid_fen: Number(r.paid_fen) })),
    };
  });

  app.get('/api/merchant/export.csv', async (req, reply) => {
    const rows = await ctx.db.query(`SELECT l.line_id, l.order_id, l.beneficiary_id, l.role, l.level, l.reward, l.rule, l.amount, l.clawed,
        l.state, l.rules_version, o.paid_fen, o.created_ms FROM commission_lines l JOIN orders o
        ON o.merchant_id = l.merchant_id AND o.order_id = l.order_id WHERE l.merchant_id = $1 ORDER BY l.line_id`, [req.merchant.merchant_id]);
    const cols = ['line_id', 'order_id', 'beneficiary_id', 'role', 'level', 'reward', 'rule', 'amount', 'clawed', 'state', 'rules_version', 'paid_fen', 'created_ms'];
    // Quote every text cell and neutralise formula prefixes so a spreadsheet never runs a cell.
    const cell = (v) => (typeof v === 'number' ? String(v) : `"${String(v).replace(/^[=+\-@]/, "'$&").replace(/"/g, '""')}"`);
    const csv = [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\r\n');
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="commissions.csv"');
    return '\ufeff' + csv;
  });

  app.post('/api/merchant/release', async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    const released = await ctx.tx((q) => settle.releaseDue(q, m, now));
    const sent = await ctx.tx((q) => withdraw.sendQueued(q, m, now));
    return { ok: true, released, sent };
  });
};
