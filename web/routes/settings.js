// Merchant API (x-api-key) for distributors (SPEC 9): the application conditions and approval,
// the merchant's name for the role, the tags the conditions can ask for, the list of
// distributors (pending applications first), and the withdrawal settings (checked by the engine).
'use strict';
const application = require('../application');
const withdraw = require('../withdraw');
const ledger = require('../ledger');
const { fromEngine } = require('../errors');

const CONDITIONS = {
  type: 'object',
  properties: {
    phone_bound: { type: 'boolean' },
    min_spent_fen: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    min_orders: { type: 'integer', minimum: 0, maximum: 1000000000 },
    tag: { type: 'string', minLength: 1, maxLength: 32 },
  },
  additionalProperties: false,
};
const TAG = { type: 'string', minLength: 1, maxLength: 32 };
const URL = { type: 'string', maxLength: 500, pattern: '^(https?://|/)[^\\s]*$' };
const AMOUNT = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };

module.exports = async function settingsRoutes(app, { ctx }) {
  const { db } = ctx;
  app.addHook('onRequest', ctx.merchantAuth);

  const pageOf = (merchant) => {
    const a = ((merchant && merchant.settings) || {}).application || {};
    return { notice: a.notice || '', recruit: { title: '', text: '', image_url: null, ...(a.recruit || {}) } };
  };
  const view = (merchant) => ({ role_name: merchant.role_name, ...application.settingsOf(merchant), ...pageOf(merchant) });

  // Replaces the merchant's settings with fn(settings) under the row lock; answers the row.
  async function mergeSettings(m, fn) {
    return ctx.tx(async (q) => {
      const [cur] = await q('SELECT settings FROM merchants WHERE merchant_id = $1 FOR UPDATE', [m]);
      const [row] = await q('UPDATE merchants SET settings = $2 WHERE merchant_id = $1 RETURNING *', [m, JSON.stringify(fn({ ...(cur.settings || {}) }))]);
      return row;
    });
  }

  app.get('/api/merchant/settings/application', async (req) => ({ ok: true, ...view(req.merchant) }));

  // Given fields replace what is stored; `conditions` replaces the whole set (leave one out to
  // drop it).
  app.put('/api/merchant/settings/application', {
    schema: {
      body: {
        type: 'object',
        properties: {
          role_name: { type: 'string', minLength: 1, maxLength: 16, pattern: '\\S' },
          approval: { type: 'string', enum: ['auto', 'manual'] },
          conditions: CONDITIONS,
          notice: { type: 'string', maxLength: 2000 },
          recruit: {
            type: 'object',
            properties: { title: { type: 'string', maxLength: 64 }, text: { type: 'string', maxLength: 2000 }, image_url: { anyOf: [URL, { type: 'null' }] } },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const b = req.body || {};
    const [row] = await ctx.tx(async (q) => {
      const [cur] = await q('SELECT settings, role_name FROM merchants WHERE merchant_id = $1 FOR UPDATE', [m]);
      const settings = { ...(cur.settings || {}) };
      const now = application.settingsOf(cur);
      const page = pageOf(cur);
      settings.application = { ...(settings.application || {}), approval: b.approval || now.approval, conditions: b.conditions || now.conditions,
        notice: b.notice ?? page.notice, recruit: { ...page.recruit, ...(b.recruit || {}) } };
      delete settings.application.manual_approval;
      return q('UPDATE merchants SET settings = $2, role_name = $3 WHERE merchant_id = $1 RETURNING *',
        [m, JSON.stringify(settings), b.role_name ? b.role_name.trim() : cur.role_name]);
    });
    return { ok: true, ...view(row) };
  });

  // The engine's withdrawal settings, and beside them what the server keeps: 打款说明
  // (payout_note, the distributor reads it) and the methods paid without review (auto_payout).
  app.get('/api/merchant/settings/withdrawal', async (req) => {
    const r = ctx.engine.call('withdrawalSettings', { settings: withdraw.storedSettings(req.merchant) });
    if (!r.ok) throw fromEngine(r, { settings: '' });
    return { ok: true, settings: r.settings, warnings: r.warnings, ...withdraw.payoutOptions(req.merchant) };
  });

  // Replaces the withdrawal settings; the engine checks them (errors at their field) and says
  // which run into a platform limit (warnings, stored anyway: the merchant decides).
  app.put('/api/merchant/settings/withdrawal', {
    schema: {
      body: {
        type: 'object',
        properties: { settings: { type: 'object' }, payout_note: { type: 'string', maxLength: 2000 },
          auto_payout: { type: 'array', uniqueItems: true, items: { type: 'string', enum: withdraw.AUTO_METHODS } } },
        additionalProperties: false,
      },
    },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const b = req.body || {};
    const stored = b.settings || withdraw.storedSettings(req.merchant);
    const r = ctx.engine.call('withdrawalSettings', { settings: stored });
    if (!r.ok) throw fromEngine(r, { settings: 'settings' });
    const row = await mergeSettings(m, (s) => {
      const payouts = { ...withdraw.payoutOptions({ settings: s }) };
      if (b.payout_note != null) payouts.payout_note = b.payout_note;
      if (b.auto_payout != null) payouts.auto_payout = b.auto_payout;
      return { ...s, withdrawal: stored, payouts };
    });
    return { ok: true, settings: r.settings, warnings: r.warnings, ...withdraw.payoutOptions(row) };
  });

  // The merchant's labels on a user ("tagged identity"): replaces them all.
  app.put('/api/merchant/users/:user_id/tags', {
    schema: {
      params: { type: 'object', properties: { user_id: { type: 'string', pattern: '^[0-9]{1,16}$' } } },
      body: { type: 'object', properties: { tags: { type: 'array', maxItems: 20, uniqueItems: true, items: TAG } }, required: ['tags'], additionalProperties: false },
    },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const [u] = await db.query(`INSERT INTO users (merchant_id, user_id, tags, created_ms) VALUES ($1, $2, $3, $4)
                                ON CONFLICT (merchant_id, user_id) DO UPDATE SET tags = EXCLUDED.tags RETURNING user_id, tags`,
    [m, Number(req.params.user_id), req.body.tags, ctx.clock()]);
    return { ok: true, user_id: Number(u.user_id), tags: u.tags };
  });

  // The product catalogue (distribution programs sell from it): name, price, cost, picture and who
  // sees the 赚 badge (all, distributors only, nobody). Per-product and per-grade rates stay in
  // the program's config (the editor), where the engine reads them.
  const productView = (r) => ({ product_id: r.product_id, name: r.name, price_fen: Number(r.price_fen), cost_fen: r.cost_fen == null ? null : Number(r.cost_fen),
    image_url: r.image_url || null, show_commission: r.show_commission });
  app.get('/api/merchant/products', async (req) => {
    const rows = await db.query('SELECT * FROM products WHERE merchant_id = $1 ORDER BY product_id LIMIT 1000', [req.merchant.merchant_id]);
    return { ok: true, products: ledger.withMoneyTexts(ctx.engine, rows.map(productView), ['price_fen', 'cost_fen']) };
  });

  app.put('/api/merchant/products/:product_id', {
    schema: {
      params: { type: 'object', properties: { product_id: { type: 'string', minLength: 1, maxLength: 64 } } },
      body: {
        type: 'object',
        properties: { name: { type: 'string', maxLength: 128 }, price_fen: AMOUNT, cost_fen: AMOUNT, image_url: URL,
          show_commission: { type: 'string', enum: ['all', 'distributors', 'none'] } },
        required: ['name', 'price_fen'],
        additionalProperties: false,
      },
    },
  }, async (req) => {
    const pid = String(req.params.product_id).slice(0, 64);
    const b = req.body;
    const [r] = await db.query(`INSERT INTO products (merchant_id, product_id, name, price_fen, cost_fen, image_url, show_commission)
      VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7, 'all'))
      ON CONFLICT (merchant_id, product_id) DO UPDATE SET name = $3, price_fen = $4, cost_fen = $5, image_url = COALESCE($6, products.image_url),
        show_commission = COALESCE($7, products.show_commission) RETURNING *`,
    [req.merchant.merchant_id, pid, b.name, b.price_fen, b.cost_fen ?? null, b.image_url ?? null, b.show_commission ?? null]);
    return { ok: true, product_id: pid, product: ledger.withMoneyTexts(ctx.engine, [productView(r)], ['price_fen', 'cost_fen'])[0] };
  });

  // Every tag the merchant gave a user, with how many carry it (the application condition's list).
  app.get('/api/merchant/tags', async (req) => {
    const rows = await db.query(`SELECT t AS tag, COUNT(*)::int AS users FROM users, unnest(tags) AS t WHERE merchant_id = $1 GROUP BY t ORDER BY t`,
      [req.merchant.merchant_id]);
    return { ok: true, tags: rows.map((r) => ({ tag: r.tag, users: r.users })) };
  });

  // The poster template the merchant sets (seed 002 推广素材): a background picture and the copy.
  const posterOf = (merchant) => ({ background_url: null, copy: '', ...(((merchant && merchant.settings) || {}).poster || {}) });
  app.get('/api/merchant/settings/poster', async (req) => ({ ok: true, poster: posterOf(req.merchant) }));
  app.put('/api/merchant/settings/poster', {
    schema: { body: { type: 'object', properties: { background_url: { anyOf: [URL, { type: 'null' }] }, copy: { type: 'string', maxLength: 200 } }, additionalProperties: false } },
  }, async (req) => {
    const b = req.body || {};
    const row = await mergeSettings(req.merchant.merchant_id, (s) => ({ ...s, poster: { ...posterOf({ settings: s }), ...b } }));
    return { ok: true, poster: posterOf(row) };
  });
};
