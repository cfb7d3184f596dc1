// The golden vectors of tests/vectors through the WASM module: native (Catch2) and WASM must agree.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { engine, vectorFiles, subset } = require('./engine-loader');

for (const { name, doc } of vectorFiles()) {
  test(`vectors: ${name}`, async (t) => {
    const e = await engine();
    let ran = 0;
    for (const c of doc.cases) {
      if (c.fn.startsWith('node:')) continue; // cases for Node-only helpers run in their own tests
      const request = typeof c.request === 'string' ? null : c.request;
      // String requests (malformed JSON) go to the raw binding untouched.
      const got = request ? e.call(c.fn, request) : JSON.parse(rawCall(e, c.fn, c.request));
      const why = subset(c.expect, got);
      assert.equal(why, null, `${c.name}: ${why}\n${JSON.stringify(got)}`);
      ran++;
    }
    assert.ok(ran > 0 || doc.cases.length === 0);
  });
}

function rawCall(e, fn, text) {
  return e.rawText(fn, text);
}
