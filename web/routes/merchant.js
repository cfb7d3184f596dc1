// Merchant API (a console session or x-api-key, web/console-auth.js): programs and their
// budgets, stock, the red-packet balance and its statement, and the time sweeps on demand. The
// rest is registered from here under the same authentication: orders, refunds and the shop's
// order settings (merchant-orders.js), distributors (merchant-distributors.js), withdrawals
// (merchant-withdrawals.js), stats (merchant-stats.js) and exports (merchant-exports.js).
'use strict';
const ledger = require('../ledger');
const settle = require('../settle');
const withdraw = require('../withdraw');
const campaignEnd = require('../campaign-end');
const { formatCst } = require('../../bindings/engine');
const { bad, conflict, notFound, fromEngine } = require('../errors');

const { budgetFor } = campaignEnd;
const COPY_SUFFIX = '（副本）';

module.exports = async function merchantRoutes(app, { ctx }) {
  const { engine, clock, programs } = ctx;
  const { AMOUNT, ID, IDEM_KEY } = ctx.schema;
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/merchant/')) await ctx.merchantAuth(req);
  });
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });
  const DIGITS = { type: 'string', pattern: '^[0-9]{1,16}$' };
  const programParams = { params: { type: 'object', properties: { program_id: DIGITS } } };
  const query = (properties) => ({ querystring: { type: 'object', properties, additionalProperties: false } });

  function validate(config, programId) {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) throw bad('E_TYPE', 'config', 'expected an object');
    const c = { ...config, program_id: programId };
    const v = engine.call('validateProgram', { program: c });
    if (!v.ok) throw fromEngine(v, { program: 'config' });
    return { config: c, rulesVersion: v.rules_version, warnings: v.warnings };
  }

  // A new draft. Its id is the one asked for, or the next free id of the merchant: the caller
  // holds the merchant row lock, so two creations never pick the same one. With a create key, a
  // repeated request (a double click) answers the draft the first one made.
  async function createDraft(q, m, rawConfig, wantedId, createKey, now, attribution = null) {
    if (createKey != null) {
      const [prior] = await q('SELECT program_id, status, rules_version FROM programs WHERE merchant_id = $1 AND create_key = $2', [m, createKey]);
      if (prior) return { ok: true, program_id: Number(prior.program_id), status: prior.status, rules_version: prior.rules_version, warnings: [], replayed: true };
    }
    let id = wantedId;
    if (id == null) {
      const [r] = await q('SELECT COALESCE(MAX(program_id), 0) + 1 AS id FROM programs WHERE merchant_id = $1', [m]);
      id = Number(r.id);
    }
    const { config, rulesVersion, warnings } = validate(rawConfig, id);
    const exists = await q('SELECT 1 FROM programs WHERE merchant_id = $1 AND program_id = $2', [m, id]);
    if (exists.length) throw conflict('E_DUPLICATE', 'a program with this id exists', 'program_id');
    await q(`INSERT INTO programs (merchant_id, program_id, kind, config, rules_version, stock, created_ms, updated_ms, create_key, attribution)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, COALESCE($9::jsonb, '{}'))`,
    [m, id, config.kind, JSON.stringify(config), rulesVersion, config.kind === 'campaign' ? config.product.stock : 0, now,
      createKey == null ? null : createKey, attribution == null ? null : JSON.stringify(attribution)]);
    return { ok: true, program_id: id, rules_version: rulesVersion, status: 'draft', warnings, replayed: false };
  }

  app.post('/api/merchant/programs', { schema: body({ program_id: ID, config: { type: 'object' }, idem_key: IDEM_KEY }, ['config']) }, async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    return ctx.tx(async (q) => {
      await ledger.lockMerchant(q, m);
      return createDraft(q, m, req.body.config, req.body.program_id, req.body.idem_key, now);
    });
  });

  // A new draft with the program's config, titled "<title>（副本）" (the title shortened when the
  // two would pass the engine's length limit); attribution settings come along, the password
  // does not (publishing a password-protected copy asks for one).
  app.post('/api/merchant/programs/:program_id/copy', {
    schema: { ...programParams, body: { type: ['object', 'null'], properties: { idem_key: IDEM_KEY }, additionalProperties: false } },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    const createKey = req.body && req.body.idem_key != null ? `copy:${req.params.program_id}:${req.body.idem_key}` : null;
    return ctx.tx(async (q) => {
      await ledger.lockMerchant(q, m);
      const src = await programs.load(q, m, Number(req.params.program_id));
      const { program_id: _id, ...config } = src.config;
      if (typeof config.title === 'string' && config.title !== '') {
        const chars = [...config.title];
        for (let n = chars.length; n >= 0; n--) {
          const title = chars.slice(0, n).join('') + COPY_SUFFIX;
          const v = engine.call('validateProgram', { program: { ...config, title } });
          if (v.ok || !v.errors.some((e) => e.path === 'program.title')) { config.title = title; break; }
        }
      }
      const r = await createDraft(q, m, config, null, createKey, now, src.attribution);
      return { ...r, copied_from: src.program_id == null ? null : Number(src.program_id) };
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
      // A draft campaign's stock column follows its config: publishing freezes and sells what
      // the draft says (before, the column kept the stock of the first save).
      const draftStock = p.kind === 'campaign' && p.status === 'draft' ? config.product.stock : null;
      await q(`UPDATE programs SET config = $3, rules_version = $4, updated_ms = $5, config_version = config_version + 1,
               stock = COALESCE($6::bigint, stock) WHERE merchant_id = $1 AND program_id = $2`,
      [m, id, JSON.stringify(config), rulesVersion, now, draftStock]);
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

  // The program list's row: the console's figures. sold_units: units of paid or completed orders
  // (a refund returns no stock); commission_paid_fen: what its cash lines are worth now (amount
  // less claw-backs); frozen_fen: its frozen budget in the merchant ledger. held_units: units sold
  // without a qualifying sharer, whose budget share stays frozen until the campaign ends (0 once
  // it has ended). All of them from the running sums the triggers of migration 011 keep.
  const programRows = (scope) => `WITH f AS (SELECT program_id, SUM(sold_units) AS sold_units, SUM(unattributed_units) AS unattributed_units,
        SUM(commission_fen) AS commission_paid_fen FROM program_sums WHERE merchant_id = $1 ${scope ? 'AND program_id = $2' : ''} GROUP BY program_id),
    b AS (SELECT program_id, SUM(total) AS frozen_fen FROM merchant_sums WHERE merchant_id = $1 AND account = 'frozen'
          ${scope ? 'AND program_id = $2' : ''} GROUP BY program_id)
    SELECT p.program_id, p.kind, p.status, p.stock, p.buyers, p.rules_version, p.config, p.created_ms, p.updated_ms,
      (p.password_hash IS NOT NULL) AS has_password, COALESCE(f.sold_units, 0) AS sold_units,
      COALESCE(f.commission_paid_fen, 0) AS commission_paid_fen, COALESCE(b.frozen_fen, 0) AS frozen_fen,
      CASE WHEN p.kind <> 'campaign' OR p.status = 'ended' THEN 0 ELSE COALESCE(f.unattributed_units, 0) END AS held_units
    FROM programs p LEFT JOIN f ON f.program_id = p.program_id LEFT JOIN b ON b.program_id = p.program_id
    WHERE p.merchant_id = $1 ${scope ? 'AND p.program_id = $2' : `AND ($2::text IS NULL OR p.status = $2) AND ($3::text IS NULL OR p.kind = $3)
      AND ($4::text IS NULL OR strpos(lower(COALESCE(p.config ->> 'title', '')), lower($4)) > 0)`}
    ORDER BY p.created_ms DESC, p.program_id DESC`;
  const PROGRAM_LIST = programRows(false);
  const PROGRAM_ONE = programRows(true);

  function programView(r) {
    const c = r.config || {};
    const start = c.start_ms == null ? null : Number(c.start_ms);
    const end = c.end_ms == null ? null : Number(c.end_ms);
    const out = {
      program_id: Number(r.program_id), kind: r.kind, status: r.status, title: c.title || null,
      start_ms: start, end_ms: end, period_text: start != null && end != null ? `${formatCst(start, true)} – ${formatCst(end, true)}` : null,
      stock: Number(r.stock), sold_units: Number(r.sold_units), buyers: Number(r.buyers), held_units: Number(r.held_units),
      commission_paid_fen: Number(r.commission_paid_fen), frozen_fen: Number(r.frozen_fen), has_password: r.has_password,
      rules_version: r.rules_version, created_ms: Number(r.created_ms), updated_ms: Number(r.updated_ms),
      // The list keeps the config too: the editor and older callers read it from here.
      config: r.config,
    };
    return out;
  }

  app.get('/api/merchant/programs', {
    schema: query({ status: { type: 'string', enum: ['draft', 'published', 'ended'] }, kind: { type: 'string', enum: ['campaign', 'distribution'] },
      q: { type: 'string', maxLength: 128 } }),
  }, async (req) => {
    const rows = await ctx.db.query(PROGRAM_LIST, [req.merchant.merchant_id, req.query.status || null, req.query.kind || null,
      req.query.q ? req.query.q : null]);
    return { ok: true, programs: ledger.withMoneyTexts(engine, rows.map((r) => programView(r)), ['commission_paid_fen', 'frozen_fen']) };
  });

  app.get('/api/merchant/programs/:program_id', { schema: programParams }, async (req) => {
    const [row] = await ctx.db.query(PROGRAM_ONE, [req.merchant.merchant_id, Number(req.params.program_id)]);
    if (!row) throw notFound('program', 'program_id');
    const [p] = ledger.withMoneyTexts(engine, [programView(row)], ['commission_paid_fen', 'frozen_fen']);
    return { ok: true, program: p };
  });

  app.post('/api/merchant/programs/:program_id/publish', { schema: programParams }, async (req) => {
    const m = req.merchant.merchant_id;
    const id = Number(req.params.program_id);
    const now = clock();
    return ctx.tx(async (q) => {
      await ledger.lockMerchant(q, m);
      const p = await programs.load(q, m, id, true);
      if (p.status !== 'draft') throw conflict('E_STATE', `program is already ${p.status}`);
      let frozen = 0;
      let stock = 0;
      if (p.kind === 'campaign') {
        if (p.config.password_protected && !p.password_hash) {
          throw bad('E_PASSWORD_REQUIRED', 'password', 'the campaign is password-protected: set its password before publishing');
        }
        // What the draft says is what is frozen and sold (SPEC 2: stock x commission).
        stock = Number(p.config.product.stock);
        const free = (await ledger.merchantBalances(q, m)).balance;
        const b = budgetFor(engine, p.config, stock, free);
        if (b.refused) throw conflict(b.refused.code, b.refused.message, 'balance_fen');
        frozen = b.amount;
        await ledger.postMerchant(q, m, [['balance', -frozen], ['frozen', frozen]], id, `publish:${id}`, now);
      }
      await q(`UPDATE programs SET status = 'published', stock = $4, updated_ms = $3 WHERE merchant_id = $1 AND program_id = $2`, [m, id, now, stock]);
      await settle.recordRulesVersion(q, m, p.config, p.rules_version, now);
      return { ok: true, program_id: id, status: 'published', frozen_fen: frozen };
    });
  });

  const endTexts = (r) => ledger.withMoneyTexts(engine, [r], ['returned_fen', 'held_fen'])[0];

  // What ending now would return and keep frozen: the end's own computation, nothing written.
  app.get('/api/merchant/programs/:program_id/end-preview', { schema: programParams }, async (req) => {
    const r = await campaignEnd.preview(ctx.db.query, engine, programs, req.merchant.merchant_id, Number(req.params.program_id));
    return { ok: true, program_id: Number(req.params.program_id), ...endTexts(r) };
  });

  app.post('/api/merchant/programs/:program_id/end', { schema: programParams }, async (req) => {
    const r = await ctx.tx((q) => campaignEnd.end(q, engine, programs, req.merchant.merchant_id, Number(req.params.program_id), clock()));
    return { ok: true, ...endTexts(r) };
  });

  // What changing the stock by `delta` does now, for the preview and the change alike: the stock
  // after, the budget frozen (+) or released (-) by the engine's rules, the balance after, or why
  // it is refused (E_STOCK below the unsold stock, the engine's refusal when the balance is short).
  async function stockPlan(q, m, p, delta) {
    if (p.kind !== 'campaign') throw bad('E_KIND', 'program_id', 'stock belongs to campaigns');
    if (p.status === 'ended') throw conflict('E_STATE', 'the campaign has ended');
    const balance = (await ledger.merchantBalances(q, m)).balance;
    let refused = null;
    let moved = 0;
    if (delta < 0 && -delta > Number(p.stock)) {
      refused = { status: 400, code: 'E_STOCK', path: 'delta', message: 'cannot remove more than the unsold stock' };
    } else if (p.status === 'published' && delta !== 0) {
      const b = budgetFor(engine, p.config, Math.abs(delta), delta > 0 ? balance : Number.MAX_SAFE_INTEGER);
      if (b.refused) refused = { status: 409, code: b.refused.code, path: 'delta', message: b.refused.message };
      else moved = delta > 0 ? b.amount : -b.amount;
    }
    return { stock_before: Number(p.stock), stock_after: refused ? Number(p.stock) : Number(p.stock) + delta, frozen_change_fen: moved,
      balance_fen: balance, balance_after_fen: balance - moved, refused };
  }
  const stockTexts = (r) => ledger.withMoneyTexts(engine, [r], ['frozen_change_fen', 'balance_fen', 'balance_after_fen'])[0];
  const DELTA = { type: 'integer', minimum: -1e9, maximum: 1e9 };

  app.get('/api/merchant/programs/:program_id/stock-preview', {
    schema: { ...programParams, ...query({ delta: { type: 'string', pattern: '^-?[0-9]{1,10}$' } }) },
  }, async (req) => {
    const delta = Number(req.query.delta || 0);
    if (Math.abs(delta) > 1e9) throw bad('E_RANGE', 'delta', 'at most 1000000000 units at once');
    const m = req.merchant.merchant_id;
    const p = await programs.load(ctx.db.query, m, Number(req.params.program_id));
    const { refused, ...plan } = await stockPlan(ctx.db.query, m, p, delta);
    return { ok: true, program_id: Number(p.program_id), delta, ...stockTexts(plan), refused: refused && { code: refused.code, path: refused.path, message: refused.message } };
  });

  // With idem_key, a repeated request answers the first change's result (replayed) instead of
  // changing the stock again. A draft's stock is its config's (what publishing freezes and
  // sells), so a draft's change rewrites the config too.
  app.post('/api/merchant/programs/:program_id/stock', {
    schema: { ...programParams, ...body({ delta: DELTA, idem_key: IDEM_KEY }, ['delta']) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const id = Number(req.params.program_id);
    const { delta, idem_key: key = null } = req.body;
    const now = clock();
    return ctx.tx(async (q) => {
      await ledger.lockMerchant(q, m);
      if (key != null) {
        const [prior] = await q('SELECT delta, result FROM stock_changes WHERE merchant_id = $1 AND program_id = $2 AND idem_key = $3', [m, id, key]);
        if (prior) {
          if (Number(prior.delta) !== delta) throw conflict('E_IDEM_MISMATCH', `this idem_key changed the stock by ${prior.delta}`, 'idem_key');
          return { ...prior.result, replayed: true };
        }
      }
      const p = await programs.load(q, m, id, true);
      const plan = await stockPlan(q, m, p, delta);
      if (plan.refused) {
        const { status, code, path, message } = plan.refused;
        throw status === 400 ? bad(code, path, message) : conflict(code, message, path);
      }
      if (p.status === 'draft') {
        const { config, rulesVersion } = validate({ ...p.config, product: { ...p.config.product, stock: plan.stock_after } }, id);
        await q(`UPDATE programs SET config = $3, rules_version = $4, config_version = config_version + 1 WHERE merchant_id = $1 AND program_id = $2`,
          [m, id, JSON.stringify(config), rulesVersion]);
      }
      const [row] = await q('UPDATE programs SET stock = stock + $3, updated_ms = $4 WHERE merchant_id = $1 AND program_id = $2 RETURNING stock',
        [m, id, delta, now]);
      const result = { ok: true, program_id: id, stock: Number(row.stock), frozen_change_fen: plan.frozen_change_fen };
      ledger.withMoneyTexts(engine, [result], ['frozen_change_fen']);
      const [c] = await q(`INSERT INTO stock_changes (merchant_id, program_id, delta, frozen_change_fen, idem_key, result, created_ms)
                           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING change_id`, [m, id, delta, plan.frozen_change_fen, key, JSON.stringify(result), now]);
      const moved = plan.frozen_change_fen;
      await ledger.postMerchant(q, m, [['balance', -moved], ['frozen', moved]], id, `stock:${id}:${c.change_id}`, now);
      return { ...result, replayed: false };
    });
  });

  const balanceTexts = (b) => ledger.withMoneyTexts(engine, [b], ['balance', 'frozen', 'paid_out', 'amount_fen'])[0];

  // A sandbox top-up, once per idem_key: a replay answers the first top-up's stored result, the
  // same key with another amount is refused (E_IDEM_MISMATCH). Under the merchant row lock, so
  // two parallel requests with one key are one top-up and one replay.
  app.post('/api/merchant/topup', { schema: body({ amount_fen: { ...AMOUNT, minimum: 1 }, idem_key: IDEM_KEY }) }, async (req) => {
    const m = req.merchant.merchant_id;
    const { amount_fen: amount, idem_key: key } = req.body;
    return ctx.tx(async (q) => {
      await ledger.lockMerchant(q, m);
      const [prior] = await q('SELECT amount_fen, result FROM topups WHERE merchant_id = $1 AND idem_key = $2', [m, key]);
      if (prior) {
        if (Number(prior.amount_fen) !== amount) {
          throw conflict('E_IDEM_MISMATCH', `this idem_key was a top-up of ${prior.amount_fen} fen`, 'idem_key');
        }
        // Top-ups made before their results were stored answer their amount alone.
        return { ok: true, ...(prior.result || balanceTexts({ amount_fen: Number(prior.amount_fen) })), replayed: true };
      }
      const now = clock();
      await ledger.postMerchant(q, m, [['balance', amount]], null, `topup:${key}`, now);
      const result = balanceTexts({ amount_fen: amount, ...(await ledger.merchantBalances(q, m)) });
      await q('INSERT INTO topups (merchant_id, idem_key, amount_fen, result, created_ms) VALUES ($1, $2, $3, $4, $5)',
        [m, key, amount, JSON.stringify(result), now]);
      return { ok: true, ...result, replayed: false };
    });
  });

  app.get('/api/merchant/balance', async (req) => ({ ok: true, ...balanceTexts(await ledger.merchantBalances(ctx.db.query, req.merchant.merchant_id)) }));

  // 余额流水: one entry per ledger ref, newest first, with the program's title and the balance
  // after each entry; `next` is the `before` of the following page (null at the oldest).
  app.get('/api/merchant/balance/statement', {
    schema: query({ before: DIGITS, limit: { type: 'string', pattern: '^[0-9]{1,3}$' } }),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const limit = req.query.limit == null ? 50 : Number(req.query.limit);
    if (limit < 1 || limit > 200) throw bad('E_RANGE', 'limit', 'limit is 1 … 200');
    const { entries, next } = await ledger.merchantStatement(ctx.db.query, m, req.query.before == null ? null : Number(req.query.before), limit);
    const ids = [...new Set(entries.map((e) => e.program_id).filter((id) => id != null))];
    const titles = new Map();
    if (ids.length) {
      const rows = await ctx.db.query(`SELECT program_id, config ->> 'title' AS title FROM programs WHERE merchant_id = $1
                                       AND program_id IN (SELECT jsonb_array_elements_text($2::jsonb)::bigint)`, [m, JSON.stringify(ids)]);
      for (const r of rows) titles.set(Number(r.program_id), r.title);
    }
    for (const e of entries) {
      e.program_title = e.program_id == null ? null : titles.get(e.program_id) || null;
      e.created_text = formatCst(e.created_ms, true);
    }
    ledger.withMoneyTexts(engine, entries, ['balance_delta_fen', 'frozen_delta_fen', 'paid_out_delta_fen', 'balance_after_fen']);
    return { ok: true, entries, next };
  });

  app.register(require('./merchant-orders'), { ctx });
  app.register(require('./merchant-distributors'), { ctx });
  app.register(require('./merchant-withdrawals'), { ctx });
  app.register(require('./merchant-stats'), { ctx });
  app.register(require('./merchant-exports'), { ctx });


  // The time sweeps of this merchant now (the server runs them every SWEEP_MS): campaigns past
  // their end end, due orders complete (their holds start), holds past release, queued red
  // packets go out.
  app.post('/api/merchant/release', async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    const ended = await campaignEnd.endDue(ctx.db.query, ctx.tx, engine, programs, m, now);
    const completed = await settle.completeDue(ctx.db.query, ctx.tx, programs, m, now);
    const released = await ctx.tx((q) => settle.releaseDue(q, m, now));
    const sent = await ctx.tx((q) => withdraw.sendQueued(q, m, now));
    return { ok: true, ended, completed, released, sent };
  });
};
