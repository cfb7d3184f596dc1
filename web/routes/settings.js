// Merchant API (x-api-key) for distributors (SPEC 9): the application conditions and approval,
// the merchant's name for the role, the tags the conditions can ask for, the list of
// distributors (pending applications first), and the withdrawal settings (checked by the engine).
'use strict';
const application = require('../application');
const withdraw = require('../withdraw');
const { notFound, fromEngine } = require('../errors');

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

module.exports = async function settingsRoutes(app, { ctx }) {
  const { db } = ctx;
  app.addHook('onRequest', ctx.merchantAuth);

  const view = (merchant) => ({ role_name: merchant.role_name, ...application.settingsOf(merchant) });

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
      settings.application = { approval: b.approval || now.approval, conditions: b.conditions || now.conditions };
      return q('UPDATE merchants SET settings = $2, role_name = $3 WHERE merchant_id = $1 RETURNING *',
        [m, JSON.stringify(settings), b.role_name ? b.role_name.trim() : cur.role_name]);
    });
    return { ok: true, ...view(row) };
  });

  app.get('/api/merchant/settings/withdrawal', async (req) => {
    const r = ctx.engine.call('withdrawalSettings', { settings: withdraw.storedSettings(req.merchant) });
    if (!r.ok) throw fromEngine(r, { settings: '' });
    return { ok: true, settings: r.settings, warnings: r.warnings };
  });

  // Replaces the withdrawal settings; the engine checks them (errors at their field) and says
  // which run into a platform limit (warnings, stored anyway: the merchant decides).
  app.put('/api/merchant/settings/withdrawal', {
    schema: { body: { type: 'object', properties: { settings: { type: 'object' } }, required: ['settings'], additionalProperties: false } },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const r = ctx.engine.call('withdrawalSettings', { settings: req.body.settings });
    if (!r.ok) throw fromEngine(r, { settings: 'settings' });
    await ctx.tx(async (q) => {
      const [cur] = await q('SELECT settings FROM merchants WHERE merchant_id = $1 FOR UPDATE', [m]);
      await q('UPDATE merchants SET settings = $2 WHERE merchant_id = $1', [m, JSON.stringify({ ...(cur.settings || {}), withdrawal: req.body.settings })]);
    });
    return { ok: true, settings: r.settings, warnings: r.warnings };
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

  app.get('/api/merchant/distributors', {
    schema: {
      querystring: {
        type: 'object',
        properties: { program_id: { type: 'string', pattern: '^[0-9]{1,16}$' }, status: { type: 'string', enum: ['pending', 'approved', 'rejected'] } },
        additionalProperties: false,
      },
    },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const programId = req.query.program_id == null ? null : Number(req.query.program_id);
    if (programId != null) {
      const rows = await db.query('SELECT 1 FROM programs WHERE merchant_id = $1 AND program_id = $2', [m, programId]);
      if (!rows.length) throw notFound('program', 'program_id');
    }
    const rows = await db.query(`SELECT program_id, user_id, status, grade, inviter_id, created_ms FROM distributors
                                 WHERE merchant_id = $1 AND ($2::bigint IS NULL OR program_id = $2) AND ($3::text IS NULL OR status = $3)
                                 ORDER BY (status = 'pending') DESC, created_ms DESC LIMIT 500`, [m, programId, req.query.status || null]);
    return { ok: true, distributors: rows };
  });
};
