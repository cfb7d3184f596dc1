// Writes a replayEvents request with N deterministic events (a program's busy week): visits,
// orders, registrations, merchant edits, a mode switch now and then. Used by bench-attribution.sh.
'use strict';
const n = Number(process.argv[2] || 100000);
let seed = 20241103;
const rnd = (k) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
const distributors = [];
for (let id = 1; id <= 200; id++) distributors.push(id > 10 ? { id, inviter_id: 1 + rnd(id - 1) } : { id });
const dist = () => 1 + rnd(200);
const customer = () => 1000 + rnd(20000);
let t = Date.UTC(2024, 10, 3);
const events = [];
for (let i = 0; i < n; i++) {
  t += rnd(20000);
  const k = rnd(100);
  if (i % 25000 === 24999) events.push({ type: 'switch_mode', to: (i / 25000) % 2 ? 'relation_first' : 'sharer_first', at_ms: t });
  else if (k < 55) events.push({ type: 'visit', customer_id: customer(), sharer_id: dist(), at_ms: t });
  else if (k < 85) events.push({ type: 'order', customer_id: customer(), at_ms: t });
  else if (k < 88) events.push({ type: 'register', customer_id: customer(), at_ms: t });
  else if (k < 92) events.push({ type: 'rebind', customer_id: customer(), distributor_id: dist(), at_ms: t });
  else if (k < 95) events.push({ type: 'unbind', customer_id: customer(), at_ms: t });
  else events.push({ type: 'tick', at_ms: t });
}
const settings = { program: { kind: 'distribution', depth: 3, rates_bp: [1000, 500, 300] },
  auto_unbind: 'on_expiry', binding_days: 7 };
process.stdout.write(JSON.stringify({ settings, state: { distributors }, events }));
