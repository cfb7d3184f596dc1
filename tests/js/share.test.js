// Share tokens through the WASM module and the server's signer (bindings/share-node.js): the node:*
// golden vectors, and properties over random ids and times with a fixed seed: every token fits
// the scene, round-trips, and is refused when tampered, truncated or signed with another key.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const fs = require('fs');
const { engine, subset, dist, EngineError, messageZh } = require('./engine-loader');
const { createShareSigner, macOf } = require(path.join(dist, 'share-node.js'));

const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'vectors', 'share.json'), 'utf8'));
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;
const DAY = 86400000;
const KEYS = { 1: 'property-key-one-0123456789', 2: 'property-key-two-0123456789' };

// mulberry32: a fixed-seed PRNG, so every run checks the same cases.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// An id of a random bit length 0..53, so every size class is hit.
function randomId(r) {
  const bits = Math.floor(r() * 54);
  if (bits === 0) return 0;
  let v = 2 ** (bits - 1);
  for (let b = 0; b < bits - 1; b++) if (r() < 0.5) v += 2 ** b;
  return v;
}

test('node:* vectors: signing and verifying', async () => {
  const e = await engine();
  let ran = 0;
  for (const c of vectors.cases.filter((x) => x.fn.startsWith('node:'))) {
    const signer = createShareSigner(e, { keys: c.request.keys, currentKeyId: c.request.current_key_id });
    const got = c.fn === 'node:sign'
      ? signer.sign(c.request.fields)
      : signer.verify(c.request.token, { nowMs: c.request.now_ms, maxAgeMs: c.request.max_age_ms });
    const why = subset(c.expect, got);
    assert.equal(why, null, `${c.name}: ${why}\n${JSON.stringify(got)}`);
    ran++;
  }
  assert.ok(ran >= 8);
});

test('MAC is HMAC-SHA256 over signing_input, first 48 bits', async () => {
  const e = await engine();
  const signer = createShareSigner(e, { keys: KEYS, currentKeyId: 1 });
  const s = signer.sign({ program_id: 5, sharer_id: 77, issued_at_ms: 1767225600000 });
  const d = e.decodeShareToken(s.token);
  const full = require('node:crypto').createHmac('sha256', KEYS[1]).update(d.signing_input).digest('hex');
  assert.equal(d.mac_hex, full.slice(0, 12));
  assert.equal(macOf(KEYS[1], d.signing_input).toString('hex'), d.mac_hex);
});

test('property: random ids and times round-trip, fit the scene, survive URLs unchanged', async () => {
  const e = await engine();
  const signer = createShareSigner(e, { keys: KEYS, currentKeyId: 2 });
  const r = rng(42);
  const t0 = Date.UTC(2020, 0, 1);
  const tMax = t0 + (2 ** 26 - 1) * 60000;
  for (let i = 0; i < 400; i++) {
    const fields = { program_id: randomId(r), sharer_id: randomId(r), issued_at_ms: t0 + Math.floor(r() * (tMax - t0)) };
    const s = signer.sign(fields);
    assert.equal(s.ok, true, JSON.stringify(s));
    const { token } = s;
    assert.ok(token.length <= 32, token);
    assert.match(token, SCENE);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    // What the mini-program page does, and what a URL does to a query value.
    assert.equal(decodeURIComponent(token), token);
    assert.equal(encodeURIComponent(token), token);
    assert.equal(new URL(`https://a.cn/?st=${token}`).searchParams.get('st'), token);
    const v = signer.verify(token, { nowMs: fields.issued_at_ms + DAY, maxAgeMs: 30 * DAY });
    assert.equal(v.ok, true, JSON.stringify(v));
    assert.equal(v.program_id, fields.program_id);
    assert.equal(v.sharer_id, fields.sharer_id);
    assert.equal(v.issued_at_ms, fields.issued_at_ms - ((fields.issued_at_ms - t0) % 60000));
  }
});

test('property: tampered, truncated and re-signed tokens are always refused with a reason', async () => {
  const e = await engine();
  const signer = createShareSigner(e, { keys: KEYS, currentKeyId: 1 });
  const forger = createShareSigner(e, { keys: { 1: 'an-attackers-own-key-0000' }, currentKeyId: 1 });
  const r = rng(7);
  const now = 1767225600000;
  const opts = { nowMs: now + 1000, maxAgeMs: 30 * DAY };
  const reasons = new Set();
  // Every single-character change of a few tokens (~1,600 each): the whole neighbourhood, not a sample.
  for (let i = 0; i < 5; i++) {
    const fields = { program_id: randomId(r), sharer_id: randomId(r), issued_at_ms: now };
    const { token } = signer.sign(fields);
    assert.equal(signer.verify(token, opts).ok, true);
    const refuse = (t) => {
      const v = signer.verify(t, opts);
      assert.equal(v.ok, false, `accepted ${t} (from ${token})`);
      assert.match(v.errors[0].code, /^E_TOKEN_/);
      reasons.add(v.errors[0].code);
    };
    for (let pos = 0; pos < token.length; pos++) {
      for (const c of ALPHABET) if (c !== token[pos]) refuse(token.slice(0, pos) + c + token.slice(pos + 1));
    }
    for (let n = 0; n < token.length; n++) refuse(token.slice(0, n));
    refuse(token + 'A');
    // The attacker signs the fields he wants (himself as sharer) with his own key.
    refuse(forger.sign({ ...fields, sharer_id: 1 }).token);
  }
  for (const code of ['E_TOKEN_CHECKSUM', 'E_TOKEN_LENGTH', 'E_TOKEN_VERSION']) assert.ok(reasons.has(code), code);
});

test('key rotation: old keys verify until removed; unknown key ids are refused', async () => {
  const e = await engine();
  const at = 1767225600000;
  const before = createShareSigner(e, { keys: { 1: KEYS[1] }, currentKeyId: 1 });
  const after = createShareSigner(e, { keys: KEYS, currentKeyId: 2 });
  const retired = createShareSigner(e, { keys: { 2: KEYS[2] }, currentKeyId: 2 });
  const old = before.sign({ program_id: 1, sharer_id: 2, issued_at_ms: at }).token;
  const fresh = after.sign({ program_id: 1, sharer_id: 2, issued_at_ms: at }).token;
  assert.notEqual(old, fresh);
  assert.equal(e.decodeShareToken(fresh).key_id, 2);
  assert.equal(after.verify(old, { nowMs: at }).ok, true);
  assert.equal(after.verify(fresh, { nowMs: at }).ok, true);
  assert.equal(retired.verify(old, { nowMs: at }).errors[0].code, 'E_TOKEN_KEY');
  assert.equal(before.verify(fresh, { nowMs: at }).errors[0].code, 'E_TOKEN_KEY');
  assert.throws(() => createShareSigner(e, { keys: { 1: 'short' }, currentKeyId: 1 }), TypeError);
  assert.throws(() => createShareSigner(e, { keys: { 9: KEYS[1] }, currentKeyId: 9 }), TypeError);
  assert.equal(after.verify(fresh, {}).errors[0].code, 'E_REQUIRED'); // no clock, no verdict
});

test('the browser decodes without a key but cannot tell a forgery: only the server can', async () => {
  const e = await engine();
  const server = createShareSigner(e, { keys: KEYS, currentKeyId: 1 });
  const draft = e.encodeShareToken({ key_id: 1, program_id: 3, sharer_id: 666, issued_at_ms: 1767225600000 });
  assert.equal(draft.token, undefined);
  const forged = e.encodeShareToken({ key_id: 1, program_id: 3, sharer_id: 666, issued_at_ms: 1767225600000,
    mac_hex: '000000000000' }).token;
  assert.equal(e.decodeShareToken(forged).sharer_id, 666);
  assert.equal(server.verify(forged, { nowMs: 1767225600000 }).errors[0].code, 'E_TOKEN_CHECKSUM');
});

test('links: build, what WeChat appends, parse, verify', async () => {
  const e = await engine();
  const signer = createShareSigner(e, { keys: KEYS, currentKeyId: 1, maxAgeMs: 7 * DAY });
  const at = 1767225600000;
  const { token } = signer.sign({ program_id: 12, sharer_id: 3456, issued_at_ms: at });
  const link = e.buildShareLink('https://m.shop.cn/act/12?ch=moments&st=stale#/buy', token);
  assert.equal(link.url, `https://m.shop.cn/act/12?ch=moments&st=${token}#/buy`);
  assert.equal(link.sign_url, 'https://m.shop.cn/act/12?ch=moments&st=stale');
  const u = new URL(link.url);
  u.searchParams.append('from', 'singlemessage');
  u.searchParams.append('isappinstalled', '0');
  const v = signer.verifyLaunch({ url: u.href }, { nowMs: at + DAY });
  assert.equal(v.ok, true, JSON.stringify(v));
  assert.equal(v.sharer_id, 3456);
  assert.equal(signer.verifyLaunch({ scene: token }, { nowMs: at + DAY }).program_id, 12);
  const expired = signer.verifyLaunch({ scene: token }, { nowMs: at + 8 * DAY });
  assert.equal(expired.errors[0].code, 'E_TOKEN_EXPIRED');
  assert.equal(expired.errors[0].path, 'scene');
  assert.deepEqual(signer.verifyLaunch({ url: 'https://m.shop.cn/act/12' }, { nowMs: at }).found, false);
});

test('facade verbs throw EngineError with zh-CN text for share codes', async () => {
  const e = await engine();
  assert.throws(() => e.decodeShareToken('abc'), (err) => err instanceof EngineError &&
    err.code === 'E_TOKEN_VERSION' && err.path === 'token' && messageZh(err) === '分享码版本不受支持');
  assert.throws(() => e.buildShareLink('https://a.cn/', 'IBEqDAqAAASNFZ4mr', 'from'), (err) => err.code === 'E_SHARE_PARAM');
  const layout = e.layoutPoster({ share_url: 'https://a.cn/?st=x', title: '标题', price_fen: 100 });
  assert.equal(layout.items.find((i) => i.role === 'price').lines[0], '¥1.00');
  assert.ok(!layout.items.some((i) => i.role === 'commission'));
});
