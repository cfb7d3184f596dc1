// Sharing: a distributor gets a signed share link; a visitor opening one is recorded as a visit
// and attributed, or not, with the reason (a bad or expired token counts as unattributed).
'use strict';
const settle = require('../settle');
const { ApiError, bad, notFound } = require('../errors');

module.exports = async function shareRoutes(app, { ctx }) {
  const { db, engine, clock, signer } = ctx;
  const { ID } = ctx.schema;
  const auth = { onRequest: ctx.userAuth };
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });

  app.post('/api/share/link', {
    ...auth, schema: body({ program_id: ID, page_url: { type: 'string', maxLength: 2048 } }),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const p = await settle.loadProgram(db.query, m, req.body.program_id);
    if (p.status !== 'published') throw new ApiError(409, 'E_PHASE', 'program_id', `the program is ${p.status}`);
    if (p.kind === 'distribution') {
      const rows = await db.query(`SELECT 1 FROM distributors WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3 AND status = 'approved'`,
        [m, p.program_id, req.userId]);
      if (!rows.length) throw new ApiError(403, 'E_NOT_DISTRIBUTOR', 'program_id', `only an approved ${req.merchant.role_name} shares this program`);
    }
    const t = signer.sign({ program_id: p.program_id, sharer_id: req.userId, issued_at_ms: clock() });
    if (!t.ok) throw bad(t.errors[0].code, t.errors[0].path, t.errors[0].message);
    const link = engine.call('buildShareLink', { page_url: req.body.page_url, token: t.token });
    if (!link.ok) throw bad(link.errors[0].code, 'page_url', link.errors[0].message);
    return { ok: true, token: t.token, ...link };
  });

  app.post('/api/share/open', {
    ...auth,
    schema: body({ program_id: ID, url: { type: 'string', maxLength: 4096 }, scene: { type: 'string', maxLength: 64 } }, ['program_id']),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    const programId = req.body.program_id;
    const p = await settle.loadProgram(db.query, m, programId);
    if (p.status === 'draft') throw notFound('program', 'program_id');
    const launch = req.body.scene != null ? { scene: req.body.scene } : { url: req.body.url || '' };
    const v = signer.verifyLaunch(launch, { nowMs: now });
    let sharer = null;
    let outcome;
    if (!v.ok) outcome = v.errors[0].code;
    else if (!v.found) outcome = 'no_token';
    else if (v.program_id !== programId) outcome = 'E_TOKEN_PROGRAM';
    else if (v.sharer_id === req.userId) outcome = 'self_share';
    else {
      sharer = v.sharer_id;
      outcome = 'attributed';
    }
    await ctx.tx(async (q) => {
      await q(`INSERT INTO visits (merchant_id, program_id, visitor_id, sharer_id, outcome, created_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
        [m, programId, req.userId, sharer, outcome, now]);
      if (sharer != null && p.kind === 'distribution') await ctx.attribution.visit(q, p, req.userId, sharer, now);
    });
    return { ok: true, attributed: sharer != null, sharer_id: sharer, reason: outcome };
  });
};
