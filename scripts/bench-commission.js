// The measuring half of scripts/bench.sh: sizes, init, one preview, batch throughput (WASM vs
// native) and the JSON boundary's share of a call, printed side by side with the targets.
//   node scripts/bench-commission.js <dist> <native bench_commission> <work dir> [orders]
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');

const [dist, nativeBin, work, ordersArg] = process.argv.slice(2);
const ORDERS = Number(ordersArg || 5000);
const { loadEngine } = require(path.resolve(dist, 'engine.js'));
// Each module instance hooks process events in Node; 40 inits are not a leak.
process.setMaxListeners(200);

// A program using every rule that costs time: three levels, grades, product overrides, agents.
const program = {
  kind: 'distribution', depth: 3, rates_bp: [1000, 500, 300], rounding: 'half_up', cost_protection: true,
  grades: [{ id: 'basic', name: '普通' }, { id: 'gold', name: '金牌', rates_bp: [1500, 600, null],
    thresholds: { paid_orders: 10 } }],
  products: [{ product_id: 'tea', rates_bp: [1200, null, null], grades: { gold: [1800, null, null] } }],
  regional_agents: { province_bp: 100, city_bp: 200, district_bp: 300,
    agents: [{ region: '440000', agent_id: 901 }, { region: '440300', agent_id: 902 },
      { region: '440305', agent_id: 903 }] },
  excluded_order_types: ['seckill'],
};
function order(i) {
  return {
    order_id: `o${i}`, buyer_id: 100 + i, bound_distributor_id: 7,
    distributors: [{ id: 7, inviter_id: 5, grade: i % 2 ? 'gold' : 'basic' }, { id: 5, inviter_id: 3 }, { id: 3 }],
    delivery_region: '440305',
    items: Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      product_id: k ? 'cup' : 'tea', units: 1 + (k % 2), paid_fen: 9900 + 37 * i + k, unit_cost_fen: 3000,
    })),
  };
}

const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
const us = (ns) => (ns / 1000).toFixed(2);
function timeNs(n, f) {
  const t = [];
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    f();
    t.push(Number(process.hrtime.bigint() - a));
  }
  return median(t);
}
function sizes(file) {
  const b = fs.readFileSync(file);
  return { raw: b.length, gz: zlib.gzipSync(b, { level: 9 }).length,
    br: zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
}

async function main() {
  const kb = (n) => (n / 1024).toFixed(1).padStart(6);
  const row = (a, b, c, d) => console.log(`  ${a.padEnd(40)}${String(b).padStart(12)}  ${String(c).padStart(12)}  ${d || ''}`);

  console.log('size (KB)                                      raw      gzip    brotli');
  const files = { wasm: 'share_engine.wasm', glue: 'share_engine.js', facade: 'engine.js' };
  const s = {};
  for (const [k, f] of Object.entries(files)) {
    s[k] = sizes(path.join(dist, f));
    console.log(`  ${(k + ' (' + f + ')').padEnd(40)}${kb(s[k].raw)}    ${kb(s[k].gz)}    ${kb(s[k].br)}`);
  }
  const both = s.wasm.br + s.glue.br;
  console.log(`  wasm + glue, brotli: ${kb(both).trim()} KB (target <= 60 KB for the commission scope, <= 100 KB finished) ${both <= 100 * 1024 ? '' : 'OVER'}`);

  // Init: compile + instantiate + embind registration, from bytes already in memory.
  const wasmBinary = fs.readFileSync(path.join(dist, files.wasm));
  const inits = [];
  let e;
  for (let i = 0; i < 40; i++) {
    const a = process.hrtime.bigint();
    e = await loadEngine({ wasmBinary });
    inits.push(Number(process.hrtime.bigint() - a) / 1e6);
  }
  console.log('\ninit in Node (ms)');
  row('first', inits[0].toFixed(2), '');
  row('median of 40', median(inits).toFixed(2), '', 'target <= 15 ms');

  // One preview, and where its time goes.
  const single = { program, order: order(1) };
  const singleText = JSON.stringify(single);
  const answerText = e.rawText('previewOrder', singleText);
  if (!answerText.includes('"ok":true')) throw new Error(answerText);
  for (let i = 0; i < 2000; i++) e.previewOrder(program, single.order); // warm-up
  const facade = timeNs(5000, () => e.previewOrder(program, single.order));
  const raw = timeNs(5000, () => e.rawText('previewOrder', singleText));
  const jsJson = timeNs(5000, () => { JSON.stringify(single); JSON.parse(answerText); });
  const version = timeNs(5000, () => e.version());

  // Batch: the same orders, one call, WASM and native.
  const batch = { program, orders: Array.from({ length: ORDERS }, (_, i) => order(i)) };
  const batchText = JSON.stringify(batch);
  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(path.join(work, 'batch.json'), batchText);
  fs.writeFileSync(path.join(work, 'single.json'), singleText);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const a = process.hrtime.bigint();
    const out = e.rawText('previewBatch', batchText);
    best = Math.min(best, Number(process.hrtime.bigint() - a) / 1000);
    if (!out.startsWith('{"failed":0')) throw new Error(out.slice(0, 300));
  }
  const [nBatchUs, nCallNs, nJsonNs, answerBytes] = execFileSync(nativeBin,
    [path.join(work, 'batch.json'), path.join(work, 'single.json'), '5', '5000'], { encoding: 'utf8' })
    .trim().split(/\s+/).map(Number);

  console.log(`\none previewOrder call (µs, median of 5000; request ${singleText.length} B, answer ${answerBytes} B)`);
  row('', 'WASM', 'native');
  row('facade call (objects in and out)', us(facade), '', 'target <= 20 µs');
  row('raw call (JSON text in and out)', us(raw), us(nCallNs));
  row('  of which JSON parse+dump in C++', '', us(nJsonNs), `${Math.round((100 * nJsonNs) / nCallNs)} % of the native call`);
  row('JS JSON.stringify + JSON.parse', us(jsJson), '', `${Math.round((100 * jsJson) / facade)} % of the facade call`);
  row('embind round trip (version(), tiny)', us(version), '', `${Math.round((100 * version) / facade)} % of the facade call`);
  row('JSON boundary, all told', '', '', `${Math.round((100 * (jsJson + (raw * nJsonNs) / nCallNs)) / facade)} % of the facade call (JS JSON + C++ JSON scaled to WASM)`);

  const wasmRate = (ORDERS * 1e6) / best;
  const nativeRate = (ORDERS * 1e6) / nBatchUs;
  console.log(`\npreviewBatch, ${ORDERS} orders in one call (best of 5, JSON included)`);
  row('', 'WASM', 'native');
  row('ms', (best / 1000).toFixed(1), (nBatchUs / 1000).toFixed(1));
  row('orders/s', Math.round(wasmRate), Math.round(nativeRate));
  row('WASM / native', `${Math.round((100 * wasmRate) / nativeRate)} %`, '', 'target >= 50 %');
}

main().catch((err) => { console.error(err); process.exit(1); });
