// The pages and the engine module as the server sends them: compressed when the browser takes it
// (the same bytes once decompressed), never a file outside the served folders.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const Fastify = require('fastify');
const { dist } = require('./engine-loader');

test('static files: brotli, gzip or plain by accept-encoding; nothing outside the folders', async () => {
  const app = Fastify();
  app.register(require('../../web/static'), { dist });
  await app.ready();
  const wasm = fs.readFileSync(path.join(dist, 'share_engine.wasm'));
  const get = (url, encoding) => app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} });
  const br = await get('/engine/share_engine.wasm', 'gzip, deflate, br');
  assert.deepEqual([br.statusCode, br.headers['content-encoding'], br.headers['content-type'], br.headers.vary], [200, 'br', 'application/wasm', 'accept-encoding']);
  assert.ok(br.rawPayload.length < wasm.length / 2, `${br.rawPayload.length} of ${wasm.length} bytes`);
  assert.ok(zlib.brotliDecompressSync(br.rawPayload).equals(wasm));
  const again = await get('/engine/share_engine.wasm', 'br');
  assert.ok(again.rawPayload.equals(br.rawPayload), 'compressed once, served from memory');
  const gz = await get('/engine/share_engine.wasm', 'gzip');
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(zlib.gunzipSync(gz.rawPayload).equals(wasm));
  const plain = await get('/engine/share_engine.wasm');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.rawPayload.equals(wasm));
  const page = await get('/', 'br');
  assert.match(zlib.brotliDecompressSync(page.rawPayload).toString('utf8'), /<html/i);
  // A folder is its index.html, reached with its slash (the console's relative addresses).
  const consolePage = await get('/console/?return=%2Feditor.html');
  assert.equal(consolePage.statusCode, 200);
  assert.match(consolePage.body, /商家后台/);
  const noSlash = await get('/console?x=1');
  assert.deepEqual([noSlash.statusCode, noSlash.headers.location], [301, '/console/?x=1']);
  for (const url of ['/engine/../server.js', '/engine/%2e%2e/app.js', '/../package.json', '/nope.html', '/lib/other.js']) {
    assert.equal((await get(url, 'br')).statusCode, 404, url);
  }
  await app.close();
});
