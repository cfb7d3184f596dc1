// Merchant API (x-api-key) for attribution (SPEC 5): a program's settings (binding validity,
// share window, bind on visit or order, auto-unbind), the mode switch (relation_first /
// sharer_first, the engine's 3-day spacing and 05:00 CST schedule), and rebinding or unbinding a
// customer by hand. Every rule is the engine's; this file stores what it answers.
'use strict';
const { ApiError, bad, notFound } = require('../errors');
const grades = require('../grades');
const { explainZh } = require('../../bindings/engine');

const PROGRAM = { type: 'string', pattern: '^[0-9]{1,16}$' };
const MODE = { type: 'string', enum: ['relation_first', 'sharer_first'] };

// A refused decision as an error: its reason as a stable code (rebind_refused_self ->
// E_REBIND_REFUSED_SELF), with the engine's facts alongside.
function refusal(decision, path, status = 409) {
  const code = `E_${decision.reason.toUpperCase()}`;
  const err = new ApiError(status, code, path, decision.reason.replace(/_/g, ' '));
  err.errors = [{ code, path, message: err.message, decision }];
  return err;
}

module.exports = async function attributionRoutes(app, { ctx }) {
  const { db, clock, programs, attribution } = ctx;
  const { ID } = ctx.schema;
  app.addHook('onRequest', ctx.merchantAuth);
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });
  const programParams = { params: { type: 'object', properties: { program_id: PROGRAM } } };
  const customerParams = { params: { type: 'object', properties: { program_id: PROGRAM, customer_id: PROGRAM } } };

  // What the merchant sees: the settings, the mode and auto-unbind in force now (a switch whose
  // 05:00 has come counts), the pending switch and history, and whether switching the mode now
  // would be allowed and when it would take effect.
  function view(p, now) {
    const a = p.attribution || {};
    if (p.kind !== 'distribution') return { program_id: p.program_id, kind: p.kind, settings: { share_window_hours: a.share_window_hours ?? 24 } };
    const { state } = attribution.current(p, now);
    const s = { ...p, attribution_state: state };
    return {
      program_id: p.program_id,
      kind: p.kind,
      settings: { binding_days: a.binding_days ?? 30, share_window_hours: a.share_window_hours ?? 24, bind_on: a.bind_on || 'visit' },
      mode: state.mode || a.mode || 'relation_first',
      auto_unbind: state.auto_unbind || a.auto_unbind || 'never',
      pending_switch: state.pending_switch || null,
      last_switch_ms: state.last_switch_ms ?? null,
      history: state.history || [],
      switch: attribution.previewSwitch(s, now),
    };
  }

  app.get('/api/merchant/programs/:program_id/attribution', { schema: programParams }, async (req) => {
    const p = await programs.load(db.query, req.merchant.merchant_id, Number(req.params.program_id));
    return { ok: true, ...view(p, clock()) };
  });

  // Validity, window and bind_on apply from the next event on. The mode and auto-unbind are
  // starting values while the program is a draft; once published, the mode changes only through
  // a switch request, and auto-unbind switches at once (the engine recalculates the bindings).
  app.put('/api/merchant/programs/:program_id/attribution', {
    schema: {
      ...programParams,
      ...body({
        binding_days: { type: 'integer', minimum: 1, maximum: 3650 },
        share_window_hours: { type: 'integer', minimum: 1, maximum: 8760 },
        bind_on: { type: 'string', enum: ['visit', 'order'] },
        auto_unbind: { type: 'string', enum: ['never', 'on_expiry'] },
        mode: MODE,
      }, []),
    },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const b = req.body || {};
    const now = clock();
    return ctx.tx(async (q) => {
      const p = await programs.load(q, m, Number(req.params.program_id), true);
      if (p.kind !== 'distribution') {
        const other = Object.keys(b).find((k) => k !== 'share_window_hours');
        if (other) throw bad('E_KIND', other, 'a campaign has only a share window');
      }
      const modeNow = p.kind === 'distribution' ? attribution.current(p, now).state.mode || (p.attribution || {}).mode || 'relation_first' : null;
      if (b.mode !== undefined && p.status !== 'draft' && b.mode !== modeNow) {
        throw bad('E_LOCKED_FIELD', 'mode', 'a published program changes its mode by a switch request (POST .../attribution/mode-switch)');
      }
      const next = { ...(p.attribution || {}) };
      for (const k of ['binding_days', 'share_window_hours', 'bind_on']) if (b[k] !== undefined) next[k] = b[k];
      const updated = { ...p, attribution: next };
      if (p.status === 'draft' && (b.mode !== undefined || b.auto_unbind !== undefined)) {
        // A draft has no customers, so its starting values can simply be set again; a switch
        // requested while it was a draft is forgotten with them.
        if (b.mode !== undefined) next.mode = b.mode;
        if (b.auto_unbind !== undefined) next.auto_unbind = b.auto_unbind;
        await q(`UPDATE programs SET attribution_state = '{}', attribution_version = attribution_version + 1
                 WHERE merchant_id = $1 AND program_id = $2`, [m, p.program_id]);
        updated.attribution_state = {};
      }
      // The engine checks the settings (a tick changes nothing else).
      attribution.current(updated, now);
      let decision = null;
      if (p.status !== 'draft' && b.auto_unbind !== undefined && p.kind === 'distribution') {
        const r = await attribution.programEvent(q, updated, { type: 'switch_auto_unbind', to: b.auto_unbind, at_ms: now });
        decision = r.decision;
        updated.attribution_state = attribution.programPart(r.state);
      }
      await q('UPDATE programs SET attribution = $3, updated_ms = $4 WHERE merchant_id = $1 AND program_id = $2',
        [m, p.program_id, JSON.stringify(next), now]);
      return { ok: true, ...view(updated, now), decision };
    });
  });

  // A mode switch request (seed 001): allowed more than 3 days after the previous request, it
  // takes effect at 05:00 China time the next day; until then the old mode applies.
  app.post('/api/merchant/programs/:program_id/attribution/mode-switch', {
    schema: { ...programParams, ...body({ to: MODE }) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    return ctx.tx(async (q) => {
      const p = await programs.load(q, m, Number(req.params.program_id), true);
      if (p.kind !== 'distribution') throw bad('E_KIND', 'program_id', 'a campaign has no attribution mode');
      const r = await attribution.programEvent(q, p, { type: 'switch_mode', to: req.body.to, at_ms: now });
      if (r.decision.refused) throw refusal(r.decision, 'to');
      return { ok: true, decision: r.decision, ...view({ ...p, attribution_state: attribution.programPart(r.state) }, now) };
    });
  });

  async function distributionProgram(q, m, id, lock = false) {
    const p = await programs.load(q, m, id, lock);
    if (p.kind !== 'distribution') throw bad('E_KIND', 'program_id', 'campaigns have no bindings');
    return p;
  }

  // A customer's binding as it stands: the stored record and the reason of its last change.
  app.get('/api/merchant/programs/:program_id/customers/:customer_id', { schema: customerParams }, async (req) => {
    const m = req.merchant.merchant_id;
    const p = await distributionProgram(db.query, m, Number(req.params.program_id));
    const [r] = await db.query(`SELECT customer_id, bound_id, bound_since_ms, reason, state, updated_ms FROM relations
                                WHERE merchant_id = $1 AND program_id = $2 AND customer_id = $3`, [m, p.program_id, Number(req.params.customer_id)]);
    if (!r) throw notFound('customer', 'customer_id');
    return { ok: true, customer_id: Number(r.customer_id), bound_id: r.bound_id == null ? null : Number(r.bound_id),
      bound_since_ms: r.bound_since_ms == null ? null : Number(r.bound_since_ms), reason: r.reason, record: r.state, updated_ms: Number(r.updated_ms) };
  });

  // Rebinding replaces the binding with one to `distributor_id` (an approved distributor of the
  // program, never the customer himself; refused under sharer_first, which has no bindings).
  // The inviter of a distributor never changes by this (SPEC 5).
  // With ?preview=1 the engine's decision is answered and nothing is kept: the same step runs in
  // a transaction that is rolled back.
  const PREVIEW = { querystring: { type: 'object', properties: { preview: { type: 'string', enum: ['1', 'true'] } }, additionalProperties: false } };
  class Preview extends Error {
    constructor(decision) { super('preview'); this.decision = decision; }
  }
  async function maybePreview(req, fn) {
    if (!req.query || !req.query.preview) return { decision: await ctx.tx(fn), preview: false };
    try {
      await ctx.tx(async (q) => { throw new Preview(await fn(q, true)); });
    } catch (e) {
      if (e instanceof Preview) return { decision: e.decision, preview: true };
      throw e;
    }
    throw new Error('unreachable');
  }
  const explained = (d) => explainZh(d);

  app.post('/api/merchant/programs/:program_id/customers/:customer_id/rebind', {
    schema: { ...customerParams, ...PREVIEW, ...body({ distributor_id: ID }) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const customer = Number(req.params.customer_id);
    const { decision, preview } = await maybePreview(req, async (q, previewing) => {
      const p = await distributionProgram(q, m, Number(req.params.program_id));
      const d = await attribution.rebind(q, p, customer, req.body.distributor_id, clock());
      if (d.refused && !previewing) throw refusal(d, d.reason === 'rebind_refused_self' ? 'distributor_id' : '');
      return d;
    });
    if (!preview) await grades.afterPeople(ctx, m, Number(req.params.program_id), [req.body.distributor_id], clock());
    return { ok: true, customer_id: customer, decision, preview, why_text: explained(decision) };
  });

  // Unbinding removes the binding and the cached share (otherwise the same distributor would
  // keep the customer through the share window).
  app.post('/api/merchant/programs/:program_id/customers/:customer_id/unbind', {
    schema: { ...customerParams, ...PREVIEW, ...body({}, []) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const customer = Number(req.params.customer_id);
    const { decision, preview } = await maybePreview(req, async (q) => {
      const p = await distributionProgram(q, m, Number(req.params.program_id));
      return attribution.unbind(q, p, customer, clock());
    });
    return { ok: true, customer_id: customer, decision, preview, why_text: explained(decision) };
  });

  // Customers bound to a distributor, for the merchant's rebind list.
  app.get('/api/merchant/programs/:program_id/customers', {
    schema: { ...programParams, querystring: { type: 'object', properties: { bound_id: PROGRAM }, additionalProperties: false } },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const p = await distributionProgram(db.query, m, Number(req.params.program_id));
    const bound = req.query.bound_id == null ? null : Number(req.query.bound_id);
    const rows = await db.query(`SELECT customer_id, bound_id, bound_since_ms, reason, updated_ms FROM relations
                                 WHERE merchant_id = $1 AND program_id = $2 AND ($3::bigint IS NULL OR bound_id = $3)
                                 ORDER BY updated_ms DESC LIMIT 200`, [m, p.program_id, bound]);
    return { ok: true, customers: rows };
  });
};

module.exports.refusal = refusal;
