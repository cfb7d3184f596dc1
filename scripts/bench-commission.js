// The measuring half of scripts/bench.sh: sizes, init, one preview, batch throughput (WASM vs
// native) and the JSON boundary's share of a call, printed side by side with the targets.
//   node scripts/bench-commission.js <dist> <native bench_commission> <work dir> [orders]
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const os = require('os');

const [dist, fastDist, nativeBin, work, ordersArg] = process.argv.slice(2);
const ORDERS = Number(ordersArg || 5000);
// The second column: the same sources at -O2, or (BENCH_PROGRAM_CACHE=off) without the program cache.
const NO_CACHE = process.env.BENCH_PROGRAM_CACHE === 'off';
const SECOND = NO_CACHE ? 'no cache' : 'WASM -O2';
const SECOND_WHAT = NO_CACHE ? 'the same sources without the program cache' : 'the same sources all at -O2';
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

// The product page's everyday question: one unit of a campaign, "分享赚 ¥x".
const typical = {
  program: { kind: 'campaign', program_id: 1001, title: '新品分销宝', start_ms: 1764547200000, end_ms: 1767225600000,
    commission_per_unit_fen: 990, product: { name: '茶叶礼盒', price_fen: 9900, stock: 100 } },
  order: { buyer_id: 20, sharer_id: 7, items: [{ units: 1, paid_fen: 9900 }] },
};

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

// Everything measured in one module build.
async function measure(dir) {
  const { loadEngine } = require(path.resolve(dir, 'engine.js'));
  const wasmBinary = fs.readFileSync(path.join(dir, 'share_engine.wasm'));
  const inits = [];
  let e;
  for (let i = 0; i < 40; i++) {
    const a = process.hrtime.bigint();
    e = await loadEngine({ wasmBinary });
    inits.push(Number(process.hrtime.bigint() - a) / 1e6);
  }
  const single = { program, order: order(1) };
  const singleText = JSON.stringify(single);
  const typicalText = JSON.stringify(typical);
  for (const t of [singleText, typicalText]) {
    const answer = e.rawText('previewOrder', t);
    if (!answer.includes('"ok":true')) throw new Error(answer);
  }
  for (let i = 0; i < 2000; i++) { e.previewOrder(program, single.order); e.previewOrder(typical.program, typical.order); }
  const m = {
    firstInit: inits[0], init: median(inits),
    facade: timeNs(5000, () => e.previewOrder(program, single.order)),
    raw: timeNs(5000, () => e.rawText('previewOrder', singleText)),
    typicalFacade: timeNs(5000, () => e.previewOrder(typical.program, typical.order)),
    typicalRaw: timeNs(5000, () => e.rawText('previewOrder', typicalText)),
    version: timeNs(5000, () => e.version()),
    answer: e.rawText('previewOrder', singleText),
    typicalAnswer: e.rawText('previewOrder', typicalText),
  };
  const batchText = JSON.stringify({ program, orders: Array.from({ length: ORDERS }, (_, i) => order(i)) });
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const a = process.hrtime.bigint();
    const out = e.rawText('previewBatch', batchText);
    best = Math.min(best, Number(process.hrtime.bigint() - a) / 1000);
    if (!out.startsWith('{"failed":0')) throw new Error(out.slice(0, 300));
    m.batchAnswerBytes = out.length; // ASCII: one byte per character
  }
  m.batchUs = best;
  // The same batch as one module call alone, its text already in WASM memory and its answer left
  // there: what the JSON boundary (encoding the request, decoding the answer) adds is the rest.
  const raw = await require(path.resolve(dir, 'share_engine.js'))({ wasmBinary });
  const bytes = Buffer.from(batchText);
  const ptr = raw._malloc(bytes.length);
  raw.HEAPU8.set(bytes, ptr);
  let bestCall = Infinity;
  for (let i = 0; i < 5; i++) {
    const a = process.hrtime.bigint();
    const view = raw._previewBatch(ptr, bytes.length);
    bestCall = Math.min(bestCall, Number(process.hrtime.bigint() - a) / 1000);
    if (view[2] !== 0x66) throw new Error('batch answer does not start with {"failed"'); // {"f
  }
  raw._free(ptr);
  m.batchCallUs = bestCall;
  m.size = { wasm: sizes(path.join(dir, 'share_engine.wasm')), glue: sizes(path.join(dir, 'share_engine.js')),
    facade: sizes(path.join(dir, 'engine.js')) };
  return { m, singleText, typicalText, batchText };
}

async function main() {
  const kb = (n) => (n / 1024).toFixed(1);
  const row = (label, ...cols) => console.log(`  ${label.padEnd(40)}${cols.map((c) => String(c).padStart(22)).join('')}`);
  const ship = await measure(dist);
  const fast = await measure(fastDist);
  const a = ship.m;
  const b = fast.m;

  fs.mkdirSync(work, { recursive: true });
  const file = (n, t) => { const f = path.join(work, n); fs.writeFileSync(f, t); return f; };
  const [nBatchUs, nCallNs, nParseNs, nTypicalNs, answerBytes, typicalBytes] = execFileSync(nativeBin,
    [file('batch.json', ship.batchText), file('single.json', ship.singleText), file('typical.json', ship.typicalText), '5', '5000'],
    { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  if (answerBytes !== Buffer.byteLength(a.answer) || a.answer !== b.answer) throw new Error('the builds answer differently');

  console.log(`columns: the shipped module (-Oz, its JSON parser -O2, dlmalloc) | ${SECOND_WHAT} | native g++ -O2\n`);
  console.log('size (KB: raw / gzip / brotli)');
  row('', 'WASM -Oz', SECOND);
  const three = (z) => `${kb(z.raw)} / ${kb(z.gz)} / ${kb(z.br)}`;
  for (const k of ['wasm', 'glue', 'facade']) row(k, three(a.size[k]), three(b.size[k]));
  const both = a.size.wasm.br + a.size.glue.br;
  row('wasm + glue, brotli', kb(both), kb(b.size.wasm.br + b.size.glue.br));
  console.log(`  target: <= 100 KB for the finished module ${both <= 100 * 1024 ? 'met' : 'OVER'}`);
  if (process.env.COMMISSION_DIST) {
    const c = (f) => sizes(path.join(process.env.COMMISSION_DIST, f)).br;
    const scope = c('share_engine.wasm') + c('share_engine.js');
    console.log(`  the commission scope alone (-Oz, only the commission verbs bound): wasm ${kb(c('share_engine.wasm'))} + glue ${kb(c('share_engine.js'))} = ${kb(scope)} KB` +
      ` (target <= 60 KB ${scope <= 60 * 1024 ? 'met' : 'OVER'})`);
  }

  console.log('\ninit in Node (ms)');
  row('', 'WASM -Oz', SECOND);
  row('first', a.firstInit.toFixed(2), b.firstInit.toFixed(2));
  row('median of 40', a.init.toFixed(2), b.init.toFixed(2));
  console.log('  target: <= 15 ms');

  console.log(`\none previewOrder call (µs, median of 5000)`);
  row('', 'WASM -Oz', SECOND, 'native');
  console.log(`  every rule: 3 levels, grades, product rates, agents, 2 items, 12 lines (request ${ship.singleText.length} B, answer ${answerBytes} B)`);
  row('  facade (objects in and out)', us(a.facade), us(b.facade));
  row('  raw (JSON text in and out)', us(a.raw), us(b.raw), us(nCallNs));
  row('    parsing the whole request once', '', '', us(nParseNs));
  console.log(`  typical: one campaign unit, "分享赚" (request ${ship.typicalText.length} B, answer ${typicalBytes} B)`);
  row('  facade (objects in and out)', us(a.typicalFacade), us(b.typicalFacade));
  row('  raw (JSON text in and out)', us(a.typicalRaw), us(b.typicalRaw), us(nTypicalNs));
  row('embind round trip (version(), tiny)', us(a.version), us(b.version));
  const jsJson = timeNs(5000, () => { JSON.stringify({ program, order: order(1) }); JSON.parse(a.answer); });
  row('JS JSON.stringify + JSON.parse alone', us(jsJson), '', '', );
  console.log(`  target: <= 20 µs per preview. JS's own JSON for the every-rule call is ${Math.round((100 * jsJson) / a.facade)} % of the -Oz facade call;`);
  console.log(`  the C++ side (raw call) is ${Math.round((100 * a.raw) / a.facade)} %. (A call parses the order only: its program is cached by its text.)`);

  const rate = (us) => Math.round((ORDERS * 1e6) / us);
  console.log(`\npreviewBatch, ${ORDERS} orders in one call (best of 5, JSON text in and out)`);
  row('', 'WASM -Oz', SECOND, 'native');
  row('ms', (a.batchUs / 1000).toFixed(1), (b.batchUs / 1000).toFixed(1), (nBatchUs / 1000).toFixed(1));
  row('orders/s', rate(a.batchUs), rate(b.batchUs), rate(nBatchUs));
  row('share of native speed', `${Math.round((100 * nBatchUs) / a.batchUs)} %`, `${Math.round((100 * nBatchUs) / b.batchUs)} %`, '100 %');
  row('the module call alone, ms', (a.batchCallUs / 1000).toFixed(1), (b.batchCallUs / 1000).toFixed(1), (nBatchUs / 1000).toFixed(1));
  row('  its share of native speed', `${Math.round((100 * nBatchUs) / a.batchCallUs)} %`, `${Math.round((100 * nBatchUs) / b.batchCallUs)} %`, '100 %');
  console.log(`  target: WASM >= 50 % of native. The JSON boundary (request text into WASM memory, the` +
    ` ${(a.batchAnswerBytes / 1e6).toFixed(1)} MB answer out as a JS string) is` +
    ` ${Math.round((100 * (a.batchUs - a.batchCallUs)) / a.batchUs)} % of the -Oz batch.`);
  console.log(`\nload average while measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((err) => { console.error(err); process.exit(1); });
