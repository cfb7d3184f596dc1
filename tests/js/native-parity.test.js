// Native and WASM give the same answer, byte for byte. Thousands of requests (fixed seed) go to
// every JSON entry point of tests/entry_points.h, once through the WASM module and once through
// tests/engine-cli (the same core built natively), and the answer texts must be identical.
// Commission requests are generated from scratch; every entry point also gets mutated copies of
// its golden-vector requests (numbers bent, fields dropped, types swapped, text cut short).
//   ENGINE_NATIVE_BIN: the native CLI (default build/native/tests/engine-cli).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { engine, vectorFiles } = require('./engine-loader');

const root = path.join(__dirname, '..', '..');
const cli = process.env.ENGINE_NATIVE_BIN || path.join(root, 'build', 'native', 'tests', 'engine-cli');

// The verbs of the one list (src/api/entry_points.h), as the native CLI has them; the test checks
// the module lists the same.
function entryPoints() {
  const run = spawnSync(cli, ['--entry-points'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim().split(',').filter(Boolean) : [];
}

// mulberry32: small, fast, and the same sequence on every run.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const chance = (p) => next() * 100 < p;
  const pick = (a) => a[int(0, a.length - 1)];
  const amount = () => pick([
    () => int(0, 3), () => int(0, 99), () => int(100, 2000000), () => int(100, 2000000),
    () => int(0, 2 ** 40), () => 2 ** 53 - 1,
  ])();
  return { next, int, chance, pick, amount };
}

const REGIONS = ['440305', '440300', '440000', '110101', '310000', '4403', '000000'];
const TYPES = ['seckill', 'group_buy', 'balance_paid', 'normal'];
const NAMES = ['tea', '茶叶礼盒', 'p0', 'p1', 'p2', 'Ünïcødé', '', 'tab\tand\u0001control']; // echoed: escapes must match

function levels(r, depth, max, allowNull) {
  return Array.from({ length: depth }, () => (allowNull && r.chance(30) ? null : r.int(0, max)));
}

function distribution(r) {
  const depth = r.int(1, 3);
  const reward = r.pick(['cash', 'cash', 'points', 'balance']);
  const rate = reward === 'cash' && r.chance(70);
  const key = rate ? 'rates_bp' : reward === 'points' ? 'per_unit_points' : 'per_unit_fen';
  const max = rate ? r.pick([5000 / depth, 1500, 2500, 5000]) | 0 : r.pick([3000, 100000, 2 ** 45]);
  const p = { kind: 'distribution', depth, [key]: levels(r, depth, max, false) };
  if (reward !== 'cash') p.reward = reward;
  if (!rate) p.mode = 'fixed';
  if (r.chance(50)) p.rounding = r.pick(['floor', 'half_up']);
  if (r.chance(50)) p.self_purchase = r.pick(['none', 'self_as_level1']);
  if (r.chance(40)) p.refund_policy = r.pick(['keep', 'proportional']);
  if (r.chance(20)) p.after_withdrawal = r.pick(['debt', 'forgive']);
  if (r.chance(20)) p.hold_days = r.int(0, 30);
  const grades = r.int(0, 3);
  if (grades) {
    p.grades = Array.from({ length: grades }, (_, g) => {
      const gj = { id: `g${g}`, name: r.pick(NAMES) };
      if (r.chance(60)) gj[key] = levels(r, depth, max, true);
      if (g) gj.thresholds = { paid_orders: g * 10 };
      return gj;
    });
  }
  if (r.chance(50)) {
    p.products = ['p0', 'p1'].map((id) => {
      const pr = { product_id: id };
      if (r.chance(60)) pr[key] = levels(r, depth, max, true);
      if (grades && r.chance(50)) pr.grades = { [`g${r.int(0, grades - 1)}`]: levels(r, depth, max, true) };
      return pr;
    });
  }
  if (r.chance(30)) {
    p.regional_agents = {
      province_bp: r.int(0, 800), city_bp: r.int(0, 800), district_bp: r.int(0, 800),
      agents: [{ region: '440000', agent_id: 901 }, { region: '440300', agent_id: 902 },
        { region: '440305', agent_id: 903 }],
    };
  }
  if (r.chance(50)) p.cost_protection = r.chance(80);
  if (r.chance(25)) p.excluded_order_types = [r.pick(TYPES)];
  return p;
}

function campaign(r) {
  const perUnit = r.chance(90) ? r.int(30, 20000) : r.int(0, 30000);
  return {
    kind: 'campaign', title: r.pick(NAMES), start_ms: 1700000000000, end_ms: 1700000000000 + r.int(-10, 1e9),
    commission_per_unit_fen: perUnit, buy_before_distributing: r.chance(30),
    product: { name: r.pick(NAMES), price_fen: perUnit * 2 + r.int(0, 100000), stock: r.int(0, 1000) },
    ...(r.chance(30) ? { refund_policy: r.pick(['keep', 'proportional']) } : {}),
  };
}

function order(r, program) {
  const grades = (program.grades || []).length;
  const ds = [];
  for (let id = 1; id <= 6; id++) {
    const d = { id };
    if (id > 1 && r.chance(80)) d.inviter_id = r.int(1, id - 1);
    if (grades && r.chance(60)) d.grade = `g${r.int(0, grades - 1)}`;
    ds.push(d);
  }
  const o = { order_id: r.pick(NAMES), buyer_id: r.int(1, 8), distributors: ds };
  if (r.chance(85)) o.bound_distributor_id = r.int(1, 6);
  if (r.chance(70)) o.sharer_id = r.int(1, 8);
  if (r.chance(40)) o.sharer_has_bought = r.chance(50);
  if (r.chance(50)) o.delivery_region = r.pick(REGIONS);
  if (r.chance(10)) o.types = [r.pick(TYPES)];
  o.items = Array.from({ length: r.int(1, 4) }, () => {
    const it = { product_id: r.pick(['p0', 'p1', 'p2']), units: r.chance(10) ? r.int(1, 1000000) : r.int(1, 5),
      paid_fen: r.amount() };
    if (r.chance(60)) it.unit_cost_fen = r.chance(20) ? r.amount() : r.int(0, 50000);
    if (r.chance(15)) it.types = [r.pick(TYPES)];
    return it;
  });
  return o;
}

function commissionRequest(r) {
  const program = r.chance(80) ? distribution(r) : campaign(r);
  switch (r.int(0, 6)) {
    case 0: return ['validateProgram', { program }];
    case 1: return ['previewBatch', { program, orders: Array.from({ length: r.int(0, 5) }, () => order(r, program)) }];
    case 2: return ['previewGrades', { program, order: order(r, program) }];
    case 3: {
      const paid = r.amount() + 1;
      const basis = r.pick(['rate', 'fixed']);
      const line = { amount: r.int(0, Math.floor(paid / 2)), item_paid_fen: paid, basis };
      if (basis === 'rate') line.rate_bp = r.int(0, 5000);
      let left = paid;
      const refunds = Array.from({ length: r.int(0, 5) }, () => {
        const a = r.chance(30) ? left : r.int(0, left);
        left -= a;
        const st = { amount_fen: a };
        if (r.chance(50)) st.line_state = r.pick(['pending', 'frozen', 'available', 'withdrawing', 'withdrawn']);
        return st;
      });
      return ['previewRefund', { program, line, refunds }];
    }
    case 4: {
      const events = Array.from({ length: r.int(0, 8) }, () => {
        const type = r.pick(['publish', 'add_stock', 'remove_stock', 'sale', 'end']);
        const e = { type };
        if (type !== 'publish' && type !== 'end') e.units = r.int(1, 300);
        if (type === 'sale') e.qualifying = r.chance(60);
        return e;
      });
      return ['previewBudget', { program: campaign(r), balance_fen: r.amount(), events }];
    }
    default: return ['previewOrder', { program, order: order(r, program) }];
  }
}

// Bends one random spot of a request: a number, a missing key, a swapped type.
function mutate(r, value) {
  const copy = JSON.parse(JSON.stringify(value));
  const spots = [];
  (function walk(v, parent, key) {
    if (parent !== null) spots.push([parent, key]);
    if (v && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k], v, Array.isArray(v) ? Number(k) : k);
  })(copy, null, null);
  if (!spots.length) return copy;
  const [parent, key] = r.pick(spots);
  const bent = r.pick([
    -1, 1.5, 2 ** 60, 2 ** 53, 0, null, 'x', true, [], {}, 1e21, -0.0, 5001, 20001, 4, '440305',
  ]);
  if (Array.isArray(parent) || r.chance(70)) parent[key] = bent;
  else delete parent[key];
  if (!Array.isArray(parent) && r.chance(10)) parent[`${key}_x`] = 1; // a misspelled twin
  return copy;
}

// 2^1024 - 2^970, the least integer that rounds to an infinite double, and the one below it.
const OVERFLOW = (2n ** 1024n - 2n ** 970n).toString();
const OVERFLOW_LESS = (2n ** 1024n - 2n ** 970n - 1n).toString();

function buildRequests() {
  const r = rng(20240607);
  const names = new Set(entryPoints());
  const lines = [];
  const add = (fn, text) => lines.push([fn, text]);
  for (let i = 0; i < 2000; i++) {
    const [fn, req] = commissionRequest(r);
    if (!names.has(fn)) continue;
    const text = JSON.stringify(r.chance(25) ? mutate(r, req) : req);
    add(fn, r.chance(3) ? text.slice(0, r.int(0, text.length - 1)) : text);
  }
  // Every entry point, from its golden vectors (those of every area), bent.
  for (const { doc } of vectorFiles()) {
    for (const c of doc.cases) {
      if (!names.has(c.fn)) continue;
      const text = typeof c.request === 'string' ? c.request : JSON.stringify(c.request);
      if (text.includes('\n')) continue;
      add(c.fn, text);
      if (typeof c.request !== 'object' || c.request === null) continue;
      for (let k = 0; k < 4; k++) add(c.fn, JSON.stringify(mutate(r, c.request)));
    }
  }
  for (const fn of names) for (const junk of ['', '[]', 'null', '{"program":1}', '{}', '\u00ff\u0000']) add(fn, junk);
  // Numbers with a fraction or an exponent, where an amount goes: the module reads them with its
  // own strtod (bindings/small_strtod.cpp), the native build with glibc's. Both must refuse them
  // alike, huge, tiny and long ones included.
  const sample = lines.find(([fn, text]) => fn === 'previewOrder' && /"paid_fen":\d+/.test(text));
  for (const n of ['1.5', '100.0', '1e2', '-0.0', '0e999', '1e400', '-1e-400', '4.9e-324', '1.7976931348623157e308',
    '123456789012345678901234567890.25', '0.000000000000000000000000000001e30', '1E+2', '2.5e-3',
    // Around 2^1024 - 2^970, where a value stops rounding to DBL_MAX and becomes infinite.
    '1.797693134862315807937289714053e308', '1.7976931348623158079372897140530341508e308', '1.8e308',
    `${OVERFLOW}.0`, `${OVERFLOW}.0001`, `${OVERFLOW_LESS}.9`, `0.${OVERFLOW}e309`, `0.00${OVERFLOW_LESS}e311`]) {
    add('previewOrder', sample[1].replace(/"paid_fen":\d+/, `"paid_fen":${n}`));
  }
  return lines;
}

test('native and WASM answer every request with the same text', async (t) => {
  if (!fs.existsSync(cli)) {
    t.skip(`native CLI not found at ${cli}: build natively (scripts/test.sh does) or set ENGINE_NATIVE_BIN`);
    return;
  }
  const e = await engine();
  assert.deepEqual(e.entryPoints(), entryPoints(), 'the module and the CLI list the same verbs');
  const lines = buildRequests();
  assert.ok(lines.length >= 2500, `only ${lines.length} requests`);
  const input = lines.map(([fn, text]) => `${fn}\t${text}\n`).join('');
  const run = spawnSync(cli, [], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  assert.equal(run.status, 0, `engine-cli failed: ${run.stderr}`);
  const native = run.stdout.split('\n');
  assert.equal(native.length, lines.length + 1, 'one answer line per request');
  const fns = new Map();
  for (let i = 0; i < lines.length; i++) {
    const [fn, text] = lines[i];
    const wasm = e.rawText(fn, text);
    if (wasm !== native[i]) {
      assert.fail(`${fn} differs for request ${i}: ${text.slice(0, 400)}\n` +
        `wasm:   ${wasm.slice(0, 400)}\nnative: ${native[i].slice(0, 400)}`);
    }
    fns.set(fn, (fns.get(fn) || 0) + 1);
  }
  // Every listed entry point was exercised, and both outcomes were compared.
  for (const fn of entryPoints()) assert.ok(fns.get(fn) > 0, `${fn} never called`);
  const ok = native.filter((l) => l.startsWith('{"ok":true') || l.includes('"ok":true')).length;
  assert.ok(ok > 1000 && ok < lines.length - 300, `ok answers: ${ok} of ${lines.length}`);
});
