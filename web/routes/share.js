// Sharing: a distributor gets a signed share link; a visitor opening one is recorded as a visit
// and attributed, or not, with the reason (a bad or expired token counts as unattributed).
'use strict';
const { ApiError, bad, notFound } = require('../errors');
const grades = require('../grades');

module.exports = async function shareRoutes(app, { ctx }) {
  const { db, engine, clock, signer, programs } = ctx;
  const { ID } = ctx.schema;
  const auth = { onRequest: ctx.userAuth };
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });

  app.post('/api/share/link', {
    ...auth, schema: body({ program_id: ID, page_url: { type: 'string', maxLength: 2048 } }),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const p = await programs.load(db.query, m, req.body.program_id);
    if (p.status !== 'published') throw new ApiError(409, 'E_PHASE', 'program_id', `the program is ${p.status}`);
    if (p.kind === 'distribution') {
      const rows = await db.query(`SELECT 1 FROM distributors WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3 AND status = 'approved'`,
        [m, p.program_id, req.userId]);
      if (!rows.length) {
        const { role_name: role } = await ctx.loadMerchant(req);
        throw new ApiError(403, 'E_NOT_DISTRIBUTOR', 'program_id', `only an approved ${role} shares this program`);
      }
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
    const p = await programs.load(db.query, m, programId);
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
    // The visit is logged whatever it says; a valid link is an attribution event for the engine
    // (campaigns cache the sharer for the share window, distribution programs bind or cache).
    // A link of someone who is no (longer an) approved distributor of the program counts as
    // unattributed, with the engine's reason.
    const seen = await ctx.tx(async (q) => {
      let r = { sharer, outcome, decision: null };
      if (sharer != null) {
        try {
          r.decision = await ctx.attribution.visit(q, p, req.userId, sharer, now);
        } catch (e) {
          if (e.code !== 'E_UNKNOWN_DISTRIBUTOR') throw e;
          r = { sharer: null, outcome: e.code, decision: null };
        }
      }
      await q(`INSERT INTO visits (merchant_id, program_id, visitor_id, sharer_id, outcome, created_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
        [m, programId, req.userId, r.sharer, r.outcome, now]);
      return r;
    });
    // A customer bound counts toward the distributor's grade (web/grades.js), after the commit.
    if (seen.decision && p.kind === 'distribution') await grades.afterPeople(ctx, m, programId, [seen.sharer], now);
    return { ok: true, attributed: seen.sharer != null, sharer_id: seen.sharer, reason: seen.outcome, decision: seen.decision };
  });
};
