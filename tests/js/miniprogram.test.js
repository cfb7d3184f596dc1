// The mini-program build (ENGINE_MINIPROGRAM, built by scripts/test.sh into build/wasm-mp) loads
// the way a WeChat mini-program loads it: no global WebAssembly, only WXWebAssembly whose
// instantiate takes a package path, no TextEncoder/TextDecoder, and no eval or new Function
// anywhere in the glue. Then it answers every golden vector exactly as the shipped module does.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { vectorFiles, subset } = require('./engine-loader');

const dist = process.env.ENGINE_MP_DIST || path.join(__dirname, '..', '..', 'build', 'wasm-mp', 'dist');

// A sandbox shaped like the mini-program's JS environment, with the module's two scripts in it.
function miniProgram() {
  const wasmBytes = fs.readFileSync(path.join(dist, 'share_engine.wasm'));
  const calls = [];
  const WXWebAssembly = {
    // The real one reads the file from the code package by path; it never takes bytes.
    instantiate(filePath, imports) {
      calls.push(filePath);
      assert.equal(typeof filePath, 'string');
      return WebAssembly.instantiate(wasmBytes, imports);
    },
    Memory: WebAssembly.Memory,
    Table: WebAssembly.Table,
  };
  const sandbox = {
    WXWebAssembly, console, setTimeout, clearTimeout, Promise, Uint8Array, Object, Array, Error,
    module: undefined, exports: undefined, process: undefined, // not Node: the page branch
  };
  sandbox.globalThis = sandbox;
  // strings: false makes eval and new Function throw, as a mini-program does.
  const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: true } });
  for (const f of ['share_engine.js', 'engine.js']) {
    vm.runInContext(fs.readFileSync(path.join(dist, f), 'utf8'), context, { filename: f });
  }
  assert.equal(typeof sandbox.WebAssembly, 'undefined', 'the sandbox has no global WebAssembly');
  assert.equal(typeof sandbox.TextEncoder, 'undefined');
  return { context, sandbox, calls };
}

test('the mini-program build loads through WXWebAssembly and answers every vector', async () => {
  const { sandbox, calls } = miniProgram();
  const engine = await sandbox.ShareEngine.loadEngine({
    // What docs/pages.md tells a mini-program to pass.
    instantiateWasm(imports, done) {
      sandbox.WXWebAssembly.instantiate('engine/share_engine.wasm', imports).then((r) => done(r.instance));
      return {};
    },
  });
  assert.deepEqual(calls, ['engine/share_engine.wasm']);
  let ran = 0;
  for (const { name, doc } of vectorFiles()) {
    for (const c of doc.cases) {
      if (c.fn.startsWith('node:')) continue;
      const got = typeof c.request === 'string' ? JSON.parse(engine.rawText(c.fn, c.request)) : engine.call(c.fn, c.request);
      // Objects made in the sandbox: compare through JSON, the way a page sees them.
      const why = subset(c.expect, JSON.parse(JSON.stringify(got)));
      assert.equal(why, null, `${name}: ${c.name}: ${why}`);
      ran++;
    }
  }
  assert.ok(ran > 300);
  // Chinese text both ways through the plain-JS UTF-8 fallback.
  const p = engine.previewOrder({ kind: 'campaign', title: '新品', start_ms: 1, end_ms: 2e12, commission_per_unit_fen: 990,
    product: { name: '茶叶礼盒 🍵', price_fen: 9900, stock: 1 } }, { order_id: '订单🍵', buyer_id: 2, sharer_id: 1, items: [{ paid_fen: 9900 }] });
  assert.equal(p.order_id, '订单🍵');
  assert.equal(p.totals.cash_text, '¥9.90');
});

test('the mini-program glue holds no eval or new Function', () => {
  const glue = fs.readFileSync(path.join(dist, 'share_engine.js'), 'utf8');
  assert.doesNotMatch(glue, /new Function|\beval\(/);
});
