// Attribution, decided by the engine (attributionStep / attributeOrder / previewModeSwitch) on the
// slice of state an event touches: the program-level state (mode, pending switch, switch history:
// programs.attribution_state), the customer's record (relations.state) and the inviter chain of
// the distributors involved. The engine syncs setting switches into a record lazily, so passing
// one customer gives the same answer as replaying the whole program.
//
// Locking: a customer event reads the program-level state FOR KEY SHARE, a merchant's setting
// change takes the program row FOR UPDATE, so a switch never lands between the state an event
// was decided on and the record it stores (records count the history entries they have seen).
// A customer event may bring a scheduled switch due; it stores that settlement with a
// compare-and-set on attribution_version: concurrent events settle it identically, so the loser
// of the race has nothing to add.
'use strict';
const { fromEngine } = require('./errors');
const { Retry } = require('./db');

const MAX_CHAIN = 3;
const PROGRAM_FIELDS = ['mode', 'auto_unbind', 'pending_switch', 'last_switch_ms', 'history'];

// The approved distributors reachable from `ids` up the inviter tree, as state.distributors.
const SLICE = `WITH RECURSIVE chain (user_id, inviter_id, grade, hop) AS (
    SELECT user_id, inviter_id, grade, 0 FROM distributors
    WHERE merchant_id = $1 AND program_id = $2 AND status = 'approved'
      AND user_id IN (SELECT jsonb_array_elements_text($3::jsonb)::bigint)
    UNION
    SELECT d.user_id, d.inviter_id, d.grade, c.hop + 1 FROM distributors d JOIN chain c ON d.user_id = c.inviter_id
    WHERE d.merchant_id = $1 AND d.program_id = $2 AND d.status = 'approved' AND c.hop < ${MAX_CHAIN + 1}
  )
  SELECT DISTINCT user_id, inviter_id, grade FROM chain`;

async function inviterSlice(q, m, programId, ids) {
  const want = [...new Set(ids.filter((x) => x != null).map(Number))];
  if (!want.length) return [];
  const rows = await q(SLICE, [m, programId, JSON.stringify(want)]);
  return rows.map((r) => {
    const d = { id: Number(r.user_id) };
    if (r.inviter_id != null) d.inviter_id = Number(r.inviter_id);
    if (r.grade) d.grade = r.grade;
    return d;
  });
}

// The program-level part of an engine state (what programs.attribution_state holds).
function programPart(state) {
  const out = {};
  for (const k of PROGRAM_FIELDS) if (state && state[k] !== undefined) out[k] = state[k];
  return out;
}

// Who a record points at: the engine rejects a state naming a distributor it lacks.
function idsOf(record) {
  if (!record) return [];
  return [record.binding && record.binding.distributor_id, record.share && record.share.sharer_id];
}

// JSON with keys in one order: a stored record comes back from JSONB with its keys reordered.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v === undefined ? null : v);
}
const same = (a, b) => canonical(a) === canonical(b);

// A record worth storing again: anything but the has_bought flag changed (the server never
// trusts that flag; it counts paid orders).
const sameRecord = (a, b) => same({ ...a, has_bought: null }, { ...b, has_bought: null });

module.exports = function attribution(ctx) {
  const { engine } = ctx;
  const settingsOf = (program) => ({ program: program.config, ...(program.attribution || {}) });

  // Fresh program-level state under a key-share lock (distribution programs; a campaign has none).
  async function lockProgramState(q, program) {
    if (program.kind !== 'distribution') return;
    const [row] = await q(`SELECT attribution_state, attribution_version FROM programs WHERE merchant_id = $1 AND program_id = $2 FOR KEY SHARE`,
      [program.merchant_id, program.program_id]);
    program.attribution_state = row.attribution_state;
    program.attribution_version = Number(row.attribution_version);
  }

  async function persistProgramState(q, program, after) {
    const next = programPart(after);
    if (same(next, programPart(program.attribution_state))) return;
    await q(`UPDATE programs SET attribution_state = $3, attribution_version = attribution_version + 1
             WHERE merchant_id = $1 AND program_id = $2 AND attribution_version = $4`,
    [program.merchant_id, program.program_id, JSON.stringify(next), program.attribution_version]);
  }

  async function customerRecord(q, m, programId, customerId) {
    const [row] = await q('SELECT state FROM relations WHERE merchant_id = $1 AND program_id = $2 AND customer_id = $3 FOR UPDATE',
      [m, programId, customerId]);
    return row ? row.state : null;
  }

  async function saveRecord(q, m, programId, record, decision, now) {
    const b = record.binding || null;
    await q(`INSERT INTO relations (merchant_id, program_id, customer_id, bound_id, bound_since_ms, reason, state, updated_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (merchant_id, program_id, customer_id) DO UPDATE SET bound_id = $4, bound_since_ms = $5, reason = $6, state = $7, updated_ms = $8`,
    [m, programId, record.id, b ? b.distributor_id : null, b ? b.since_ms : null, decision.reason, JSON.stringify(record), now]);
  }

  // A record as the engine may read it: a binding or cached share naming someone who is no
  // longer an approved distributor (frozen or revoked by the merchant) is left out, so he earns
  // nothing new, as the engine decides for a customer with no distributor; the stored record
  // keeps it (unfreezing gives it back).
  function engineView(record, distributors) {
    if (!record) return record;
    const known = new Set(distributors.map((d) => d.id));
    const view = { ...record };
    if (view.binding && !known.has(view.binding.distributor_id)) view.binding = null;
    if (view.share && !known.has(view.share.sharer_id)) view.share = null;
    return view;
  }

  async function stateFor(q, program, record, ids) {
    const customers = record ? [record] : [];
    if (program.kind !== 'distribution') return { customers };
    const distributors = await inviterSlice(q, program.merchant_id, program.program_id, [...ids, ...idsOf(record), record && record.id]);
    return { ...programPart(program.attribution_state), distributors, customers: record ? [engineView(record, distributors)] : [] };
  }

  // Runs one customer event; stores the customer's new record; returns the engine's answer.
  async function step(q, program, customerId, event, ids, now, rename = {}) {
    await lockProgramState(q, program);
    const before = await customerRecord(q, program.merchant_id, program.program_id, customerId);
    const r = engine.call('attributionStep', { settings: settingsOf(program), state: await stateFor(q, program, before, ids), event });
    if (!r.ok) throw fromEngine(r, { program: 'config', ...rename });
    const record = (r.state.customers || []).find((c) => c.id === customerId);
    if (record && (!before || !sameRecord(before, record))) {
      await saveRecord(q, program.merchant_id, program.program_id, record, r.decision, now);
    }
    if (program.kind === 'distribution') await persistProgramState(q, program, r.state);
    return r;
  }

  // A merchant's event on the program itself (switch_mode, switch_auto_unbind); the caller holds
  // the program row FOR UPDATE.
  async function programEvent(q, program, event) {
    const r = engine.call('attributionStep', { settings: settingsOf(program), state: programPart(program.attribution_state), event });
    if (!r.ok) throw fromEngine(r, { program: 'config', settings: '', event: '' });
    await persistProgramState(q, program, r.state);
    return r;
  }

  return {
    inviterSlice,
    settingsOf,
    programPart,
    lockProgramState,
    programEvent,
    visit: (q, program, customerId, sharerId, now) =>
      step(q, program, customerId, { type: 'visit', customer_id: customerId, sharer_id: sharerId, at_ms: now }, [sharerId], now).then((r) => r.decision),
    // The inviter a new distributor gets: whoever he belongs to at registration, fixed from then on.
    register: (q, program, customerId, now) =>
      step(q, program, customerId, { type: 'register', customer_id: customerId, at_ms: now }, [], now).then((r) => r.decision),
    // The merchant's hand: rebind a customer to a distributor, or unbind him.
    rebind: (q, program, customerId, distributorId, now) =>
      step(q, program, customerId, { type: 'rebind', customer_id: customerId, distributor_id: distributorId, at_ms: now }, [distributorId], now,
        { event: '' }).then((r) => r.decision),
    unbind: (q, program, customerId, now) =>
      step(q, program, customerId, { type: 'unbind', customer_id: customerId, at_ms: now }, [], now, { event: '' }).then((r) => r.decision),

    // An order: who is credited and why, the engine's order input and its commission preview, in
    // one engine call. `record` is the buyer's stored record, read by the caller without a lock:
    // an order changes it only when it binds (bind_on: order), and then `save` stores the new
    // record with a compare-and-set on the one the decision was made on (the caller runs it in
    // the order's transaction). `sharerHasBought`: campaign only, whether the sharer the record
    // names has a paid order (the engine reads it from his record).
    async order(q, program, buyerId, record, sharerHasBought, order, now) {
      await lockProgramState(q, program);
      const state = await stateFor(q, program, record, []);
      const sharer = record && record.share ? record.share.sharer_id : null;
      if (program.kind === 'campaign' && sharer != null) state.customers.push({ id: sharer, has_bought: !!sharerHasBought });
      // The decision and the beneficiary input, then the preview of the order with exactly that
      // input: two calls are cheaper than attributeOrder's own preview, which parses the program
      // a second time (measured: 95 + 39 us against 185 us).
      const r = engine.call('attributeOrder', { settings: settingsOf(program), state, event: { customer_id: buyerId, at_ms: now } });
      if (!r.ok) throw fromEngine(r, { program: 'config' });
      r.order = { ...order, ...r.order };
      r.commission = engine.call('previewOrder', { program: program.config, order: r.order });
      if (!r.commission.ok) throw fromEngine(r.commission, { program: 'config', order: '' });
      // With no stored record there is nothing an order could bind (a binding by order needs a
      // cached share, which lives in the record).
      const after = record && (r.state.customers || []).find((c) => c.id === buyerId);
      const seen = record && state.customers.find((c) => c.id === buyerId);
      const changed = program.kind === 'distribution' && !same(programPart(r.state), programPart(program.attribution_state));
      const saves = [];
      if (after && !sameRecord(seen, after)) {
        saves.push(async (tq) => {
          const rows = await tq(`UPDATE relations SET bound_id = $4, bound_since_ms = $5, reason = $6, state = $7, updated_ms = $8
                                 WHERE merchant_id = $1 AND program_id = $2 AND customer_id = $3 AND state = $9::jsonb RETURNING 1`,
          [program.merchant_id, program.program_id, buyerId, after.binding ? after.binding.distributor_id : null,
            after.binding ? after.binding.since_ms : null, r.decision.reason, JSON.stringify(after), now, JSON.stringify(record)]);
          if (!rows.length) throw new Retry('customer record');
        });
      }
      if (changed) saves.push((tq) => persistProgramState(tq, program, r.state));
      const save = saves.length ? async (tq) => { for (const f of saves) await f(tq); } : null;
      return { result: r, save };
    },

    // The merchant sets or corrects a distributor's inviter (the engine's set_inviter): the state
    // holds the distributor without his current inviter (a correction is a new setting) and the
    // new inviter's whole chain up the tree, every status, so a cycle at any depth is seen and
    // refused by the engine (inviter_refused_cycle). Answers the decision; stores nothing.
    async decideInviter(q, program, distributorId, inviterId, now) {
      const rows = await q(`WITH RECURSIVE up (user_id, inviter_id) AS (
          SELECT user_id, inviter_id FROM distributors WHERE merchant_id = $1 AND program_id = $2
            AND user_id IN (SELECT jsonb_array_elements_text($3::jsonb)::bigint)
          UNION
          SELECT d.user_id, d.inviter_id FROM distributors d JOIN up ON d.user_id = up.inviter_id
          WHERE d.merchant_id = $1 AND d.program_id = $2)
        SELECT DISTINCT user_id, inviter_id FROM up`, [program.merchant_id, program.program_id, JSON.stringify([distributorId, inviterId])]);
      const distributors = rows.map((r) => {
        const d = { id: Number(r.user_id) };
        if (r.inviter_id != null && Number(r.user_id) !== distributorId) d.inviter_id = Number(r.inviter_id);
        return d;
      });
      const r = engine.call('attributionStep', { settings: settingsOf(program), state: { ...programPart(program.attribution_state), distributors },
        event: { type: 'set_inviter', distributor_id: distributorId, inviter_id: inviterId, at_ms: now } });
      if (!r.ok) throw fromEngine(r, { event: '', state: '', settings: '', program: 'config' });
      return r.decision;
    },

    // May the merchant switch the mode now, and when would it take effect (no state change).
    previewSwitch(program, now, to) {
      const req = { settings: settingsOf(program), state: programPart(program.attribution_state), at_ms: now };
      if (to) req.to = to;
      const r = engine.call('previewModeSwitch', req);
      if (!r.ok) throw fromEngine(r, { program: 'config', settings: '' });
      return r;
    },

    // The settings and the program-level state as they stand at `now` (a due switch applied).
    current(program, now) {
      if (program.kind !== 'distribution') return { state: {}, applied: [] };
      const r = engine.call('attributionStep', { settings: settingsOf(program), state: programPart(program.attribution_state), event: { type: 'tick', at_ms: now } });
      if (!r.ok) throw fromEngine(r, { program: 'config', settings: '' });
      return { state: programPart(r.state), applied: r.applied };
    },
  };
};
