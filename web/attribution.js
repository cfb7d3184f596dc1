// Attribution for distribution programs, decided by the engine (attributionStep / attributeOrder)
// on the slice of state an event touches: the customer's record (relations.state) and the inviter
// chain of the distributors involved. The engine syncs setting switches into a record lazily, so
// passing one customer gives the same answer as replaying the whole program.
'use strict';
const { fromEngine } = require('./errors');

const MAX_CHAIN = 3;

// The approved distributors above `ids` (inclusive), as the engine's state.distributors.
async function inviterSlice(q, m, programId, ids) {
  const out = new Map();
  let frontier = ids.filter((x) => x != null);
  for (let hop = 0; hop <= MAX_CHAIN + 1 && frontier.length; hop++) {
    const rows = await q(`SELECT user_id, inviter_id, grade, created_ms FROM distributors WHERE merchant_id = $1 AND program_id = $2
                          AND status = 'approved' AND user_id = ANY($3::bigint[])`, [m, programId, frontier]);
    frontier = [];
    for (const r of rows) {
      const id = Number(r.user_id);
      if (out.has(id)) continue;
      const d = { id };
      if (r.inviter_id != null) { d.inviter_id = Number(r.inviter_id); frontier.push(d.inviter_id); }
      if (r.grade) d.grade = r.grade;
      out.set(id, d);
    }
  }
  return [...out.values()];
}

module.exports = function attribution(ctx) {
  const { engine } = ctx;
  const settingsOf = (program) => ({ program: program.config, ...(program.attribution || {}) });

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

  async function state(q, program, customerId, ids) {
    const m = program.merchant_id;
    const record = await customerRecord(q, m, program.program_id, customerId);
    const bound = record && record.binding ? record.binding.distributor_id : null;
    const distributors = await inviterSlice(q, m, program.program_id, [...ids, bound, customerId]);
    return { distributors, customers: record ? [record] : [] };
  }

  // Runs one event; stores the customer's new record; returns the decision.
  async function step(q, program, customerId, event, ids, now) {
    const r = engine.call('attributionStep', { settings: settingsOf(program), state: await state(q, program, customerId, ids), event });
    if (!r.ok) throw fromEngine(r, { program: 'config' });
    const record = (r.state.customers || []).find((c) => c.id === customerId);
    if (record) await saveRecord(q, program.merchant_id, program.program_id, record, r.decision, now);
    return r.decision;
  }

  return {
    inviterSlice,
    visit: (q, program, customerId, sharerId, now) =>
      step(q, program, customerId, { type: 'visit', customer_id: customerId, sharer_id: sharerId, at_ms: now }, [sharerId], now),
    // The inviter a new distributor gets: whoever he belongs to at registration, fixed from then on.
    register: (q, program, customerId, now) =>
      step(q, program, customerId, { type: 'register', customer_id: customerId, at_ms: now }, [], now),
    // The engine's order input for a buyer now, with the decision that explains it.
    async order(q, program, customerId, now) {
      const r = engine.call('attributeOrder', {
        settings: settingsOf(program), state: await state(q, program, customerId, []), event: { customer_id: customerId, at_ms: now },
      });
      if (!r.ok) throw fromEngine(r, { program: 'config' });
      return { bound_distributor_id: r.order.bound_distributor_id ?? null, distributors: r.order.distributors || [], decision: r.decision };
    },
  };
};
