// Gates through the WASM module, and the Node-only server pieces (bindings/gate-node.js): password
// hashing, the lock-out, the signed pass, region names; and the page countdown's arithmetic
// (web/public/countdown.js) held equal to the core's.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { engine, vectorFiles, subset, messageZh, dist } = require('./engine-loader');
const gateNode = require(path.join(dist, 'gate-node.js'));
const countdown = require(path.join(__dirname, '..', '..', 'web', 'public', 'countdown.js'));

const S = 1767196800000; // 2026-01-01 00:00 CST, as in tests/vectors/gates.json
const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const OTHER_SECRET = 'another-secret-0123456789-abcdefghijkl';
const CHEAP = { N: 1024 };
const gates = vectorFiles().find((f) => f.name === 'gates').doc;

function program(extra = {}) {
  return { kind: 'campaign', program_id: 42, title: '新年茶礼', start_ms: S, end_ms: S + 7 * 86400000,
    commission_per_unit_fen: 500, product: { name: '红茶', price_fen: 9900, stock: 100 }, ...extra };
}

// A small deterministic generator (mulberry32), so failures reproduce.
function rng(seed) {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

test('node:verifyPass vectors hold', () => {
  const cases = gates.cases.filter((c) => c.fn === 'node:verifyPass');
  assert.ok(cases.length >= 7);
  for (const c of cases) {
    const { secret, pass, program_id, user_id, now_ms } = c.request;
    const got = gateNode.verifyPass(pass, { secret, programId: program_id, userId: user_id, nowMs: now_ms });
    assert.equal(subset(c.expect, got), null, `${c.name}: ${JSON.stringify(got)}`);
  }
});

test('every gate code and error code in the vectors has a zh-CN text', () => {
  const codes = new Set();
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (typeof v.code === 'string') codes.add(v.code);
      Object.values(v).forEach(walk);
    }
  };
  gates.cases.forEach((c) => walk(c.expect));
  assert.ok(codes.size > 20);
  for (const code of codes) {
    const zh = messageZh({ code, message: 'EN' });
    assert.notEqual(zh, 'EN', `no zh-CN text for ${code}`);
    assert.match(zh, /[\u4e00-\u9fff]/);
  }
});

test('password hash: salted, checked in constant time, typed forms normalised', async () => {
  const full = await gateNode.hashPassword('8888');
  assert.match(full, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
  assert.equal(await gateNode.verifyPassword('8888', full), true);
  // The rest at a low cost, so the suite stays fast; verifyPassword reads N from the hash.
  const h1 = await gateNode.hashPassword('8888', CHEAP);
  const h2 = await gateNode.hashPassword('8888', CHEAP);
  assert.notEqual(h1, h2, 'a fresh salt each time');
  assert.equal(await gateNode.verifyPassword('8888', h1), true);
  assert.equal(await gateNode.verifyPassword('８８８８', h1), true, 'full-width digits from a Chinese keyboard');
  assert.equal(await gateNode.verifyPassword(' 8888 ', h1), true);
  assert.equal(await gateNode.verifyPassword('8889', h1), false);
  assert.equal(await gateNode.verifyPassword('', h1), false);
  assert.equal(await gateNode.verifyPassword(8888, h1), false);
  // One character of the hash changed (its first: the last one also carries padding bits, and
  // some of its changes decode to the same bytes).
  const tampered = h1.replace(/\$([A-Za-z0-9_-])([A-Za-z0-9_-]{42})$/, (m, c, rest) => `$${c === 'A' ? 'B' : 'A'}${rest}`);
  assert.notEqual(tampered, h1);
  assert.equal(await gateNode.verifyPassword('8888', tampered), false);
  assert.equal(await gateNode.verifyPassword('8888', 'scrypt$99999999$8$1$AAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA'), false);
  assert.equal(await gateNode.verifyPassword('8888', 'plain'), false);
  await assert.rejects(gateNode.hashPassword(''), TypeError);
  await assert.rejects(gateNode.hashPassword('x'.repeat(129)), TypeError);
  // Same salt, same hash: the format is stable.
  const fixed = await gateNode.hashPassword('8888', { ...CHEAP, salt: Buffer.alloc(16, 7) });
  assert.equal(fixed, await gateNode.hashPassword('8888', { ...CHEAP, salt: Buffer.alloc(16, 7) }));
  await assert.rejects(gateNode.hashPassword('8888', { N: 1000 }), TypeError);
});

test('pass: issued by the server, read by the page core, forged ones refused by the server', async () => {
  const e = await engine();
  const { pass, expires_ms } = gateNode.issuePass({ secret: SECRET, programId: 42, userId: 7, nowMs: S, ttlMs: 3600000 });
  assert.equal(expires_ms, S + 3600000);
  const p = program({ password_protected: true });
  // The page: structure, program, user and expiry only.
  const page = e.evaluateGate(p, S + 1000, { id: 7, pass });
  assert.equal(page.allowed, true);
  assert.equal(page.password.pass_signature_checked, false);
  assert.equal(page.changes_at_ms, expires_ms);
  // A forged pass (another key) looks fine to the page but not to the server.
  const forged = gateNode.issuePass({ secret: OTHER_SECRET, programId: 42, userId: 7, nowMs: S }).pass;
  assert.equal(e.evaluateGate(p, S + 1000, { id: 7, pass: forged }).allowed, true);
  const hash = await gateNode.hashPassword('8888', { ...CHEAP, salt: Buffer.alloc(16, 1) });
  const guard = gateNode.createPasswordGuard({ engine: e, secret: SECRET, passwordHash: hash, programId: 42 });
  const server = await guard.evaluate(p, S + 1000, { id: 7, pass: forged });
  assert.equal(server.allowed, false);
  assert.deepEqual(server.reasons.map((r) => r.code), ['G_PASS_BAD_SIGNATURE']);
  const good = await guard.evaluate(p, S + 1000, { id: 7, pass });
  assert.equal(good.allowed, true);
  assert.equal(good.password.pass_signature_checked, true);
  // A client cannot claim the signature was checked: the server overrides it.
  const claimed = await guard.evaluate(p, S + 1000, { id: 7, pass: forged, pass_signature: 'valid' });
  assert.equal(claimed.allowed, false);
  assert.equal(guard.verifyPass(pass, { userId: 7, nowMs: S + 3600000 }).code, 'G_PASS_EXPIRED');
  assert.throws(() => gateNode.issuePass({ secret: 'short', programId: 1, userId: 1, nowMs: S }), TypeError);
  assert.throws(() => gateNode.issuePass({ secret: SECRET, programId: -1, userId: 1, nowMs: S }), TypeError);
  assert.throws(() => gateNode.issuePass({ secret: SECRET, programId: 1, userId: 1, nowMs: S, ttlMs: 2 * 86400000 }), TypeError);
});

test('pass structure: the Node parser and the core agree on random mutations', async () => {
  const e = await engine();
  const p = program({ password_protected: true });
  const base = gateNode.issuePass({ secret: SECRET, programId: 42, userId: 7, nowMs: S }).pass;
  const alphabet = 'gp1.0123456789-_AZaz+/=x ';
  const next = rng(5);
  const kinds = { malformed: 0, wellFormed: 0 };
  for (let i = 0; i < 400; i++) {
    const chars = base.split('');
    const edits = 1 + next(3);
    for (let k = 0; k < edits; k++) {
      const at = next(chars.length + 1);
      const op = next(3);
      const ch = alphabet[next(alphabet.length)];
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, ch);
      else chars[at] = ch;
    }
    const s = chars.join('');
    const core = e.evaluateGate(p, S, { id: 7, pass: s });
    const coreMalformed = core.reasons.some((r) => r.code === 'G_PASS_MALFORMED');
    assert.equal(gateNode.parsePass(s) === null, coreMalformed, `disagree on ${JSON.stringify(s)}`);
    kinds[coreMalformed ? 'malformed' : 'wellFormed']++;
  }
  // Agreement means something only if the mutations reach both sides of the line.
  assert.ok(kinds.malformed >= 40, `only ${kinds.malformed} malformed mutations`);
  assert.ok(kinds.wellFormed >= 40, `only ${kinds.wellFormed} well-formed mutations`);
});

test('lock-out: 5 wrong tries in 10 minutes lock for 10 minutes, then the count starts afresh', async () => {
  const e = await engine();
  const hash = await gateNode.hashPassword('8888', { ...CHEAP, salt: Buffer.alloc(16, 2) });
  const guard = gateNode.createPasswordGuard({ engine: e, secret: SECRET, passwordHash: hash, programId: 42 });
  const tries = [];
  for (let i = 0; i < 4; i++) tries.push(await guard.attempt({ userId: 7, password: '1234', nowMs: S + i * 60000 }));
  assert.deepEqual(tries.map((t) => t.tries_left), [4, 3, 2, 1]);
  assert.ok(tries.every((t) => t.code === 'E_PASSWORD_WRONG'));
  const fifth = await guard.attempt({ userId: 7, password: '0000', nowMs: S + 240000 });
  assert.deepEqual(fifth, { ok: false, code: 'G_LOCKED_OUT', lock_until_ms: S + 840000, tries_left: 0 });
  // Even the right password waits for the lock to end.
  const during = await guard.attempt({ userId: 7, password: '8888', nowMs: S + 839999 });
  assert.equal(during.code, 'G_LOCKED_OUT');
  // Another user is not affected.
  assert.equal((await guard.attempt({ userId: 8, password: '8888', nowMs: S + 300000 })).ok, true);
  // The server's gate shows the lock with its end as the change time.
  const g = await guard.evaluate(program({ password_protected: true }), S + 300000, { id: 7 });
  assert.deepEqual(g.reasons.map((r) => r.code), ['G_PASSWORD_REQUIRED', 'G_LOCKED_OUT']);
  assert.equal(g.changes_at_ms, S + 840000);
  const after = await guard.attempt({ userId: 7, password: '8888', nowMs: S + 840000 });
  assert.equal(after.ok, true);
  assert.equal(guard.verifyPass(after.pass, { userId: 7, nowMs: S + 840001 }).ok, true);
  // A success clears the log.
  const again = await guard.attempt({ userId: 7, password: 'nope', nowMs: S + 841000 });
  assert.equal(again.tries_left, 4);
});

test('lock-out: parallel wrong guesses cannot slip past the count', async () => {
  const e = await engine();
  const hash = await gateNode.hashPassword('8888', { ...CHEAP, salt: Buffer.alloc(16, 3) });
  const guard = gateNode.createPasswordGuard({ engine: e, secret: SECRET, passwordHash: hash, programId: 42 });
  const all = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    guard.attempt({ userId: 9, password: `guess${i}`, nowMs: S + i })));
  assert.equal(all.filter((r) => r.code === 'E_PASSWORD_WRONG').length, 4);
  assert.equal(all.filter((r) => r.code === 'G_LOCKED_OUT').length, 4);
  assert.equal(all.some((r) => r.ok), false);
});

test('region names come from the data package; matching stays in the core', async () => {
  assert.deepEqual(gateNode.regionNames('440305'),
    { code: '440305', province: '广东省', city: '深圳市', district: '南山区', text: '广东省深圳市南山区' });
  assert.equal(gateNode.regionNames('440300').text, '广东省深圳市');
  assert.equal(gateNode.regionNames('440000').text, '广东省');
  assert.equal(gateNode.regionNames('110105').text, '北京市朝阳区');
  assert.equal(gateNode.regionNames('110105').city, '市辖区');
  assert.equal(gateNode.regionNames('429004').text, '湖北省仙桃市');
  assert.equal(gateNode.regionNames('810001').province, '香港特别行政区');
  assert.equal(gateNode.regionNames('440399'), null, 'well-formed but not in the data');
  assert.equal(gateNode.regionNames('990000'), null);
  assert.equal(gateNode.regionNames('4403'), null);
  assert.equal(gateNode.regionNames(440305), null);
  const e = await engine();
  const info = e.regionInfo('440305', ['440300']);
  assert.equal(info.matched, '440300');
  assert.deepEqual(info.ancestry.map((c) => gateNode.regionNames(c).text),
    ['广东省深圳市南山区', '广东省深圳市', '广东省']);
});

test('property (WASM): a gate never allows while any reason blocks; changes are in the future', async () => {
  const e = await engine();
  const next = rng(2026);
  const regions = ['440305', '440300', '110105', '990101', '4403', null];
  for (let i = 0; i < 250; i++) {
    const p = program({
      start_ms: S + (next(5) - 2) * 3600000,
      end_ms: S + (3 + next(48)) * 3600000,
      fans_only: next(2) === 1, password_protected: next(2) === 1, buy_before_distributing: next(2) === 1,
      per_user_limit: next(3), max_buyers: next(4),
      ...(next(2) ? { allowed_regions: ['440300'] } : {}),
    });
    const now = S + (next(60) - 4) * 3600000 + next(1000);
    const user = { id: 1 + next(2), is_fan: next(2) === 1, bought_units: next(3), region: regions[next(regions.length)] };
    if (next(2)) user.pass = gateNode.issuePass({ secret: SECRET, programId: next(2) ? 42 : 41, userId: 1, nowMs: now - next(7200000), ttlMs: 3600000 }).pass;
    const g = e.evaluateGate(p, now, user, { stock_left: next(3), buyers: next(4) });
    for (const action of ['enter', 'buy', 'distribute']) {
      const blocked = g.reasons.some((r) => r.blocks.includes(action));
      assert.equal(g[action].allowed, !blocked, `${action} #${i}`);
    }
    assert.equal(g.allowed, g.enter.allowed && g.buy.allowed);
    if (g.changes_at_ms !== null) assert.ok(g.changes_at_ms > now, `#${i} changes_at in the past`);
  }
});

test('countdown.js splits and formats exactly as the core', async () => {
  const e = await engine();
  const p = program();
  const next = rng(7);
  for (let i = 0; i < 500; i++) {
    const now = S - 1 - next(40 * 86400) * 1000 - next(1000);
    const core = e.campaignCountdown(p, now);
    const js = countdown.split(core.remaining_ms);
    assert.deepEqual(js, { days: core.days, hours: core.hours, minutes: core.minutes, seconds: core.seconds });
  }
  assert.equal(countdown.format({ days: 1, hours: 2, minutes: 3, seconds: 5 }), '1天 02:03:05');
  assert.equal(countdown.format(countdown.split(3000)), '00:00:03');
  assert.equal(countdown.format(countdown.split(1)), '00:00:01');
});

test('countdown.js: ticks align to the second, flip at zero, and ignore the wall clock', async () => {
  const e = await engine();
  const p = program({ end_ms: S + 5000 });
  // A fake monotonic clock and timer queue; Date is never consulted.
  let perf = 1000.25;
  const timers = [];
  const renders = [];
  let planCalls = 0;
  const offset = S - 2500 - perf; // the server says 2.5 s before the start
  const cd = countdown.createCountdown({
    offset,
    perf: () => perf,
    plan: (now) => { planCalls++; return e.campaignCountdown(p, now); },
    render: (r) => renders.push(`${r.phase} ${r.text}`),
    setTimer: (fn, ms) => { timers.push({ at: perf + ms, fn }); return timers.length; },
    clearTimer: () => {},
  });
  const realNow = Date.now;
  Date.now = () => { throw new Error('the countdown must not read the wall clock'); };
  try {
    cd.start();
    while (timers.length) {
      const t = timers.shift();
      perf = t.at;
      t.fn();
    }
  } finally {
    Date.now = realNow;
  }
  assert.deepEqual(renders, [
    'not_started 00:00:03', 'not_started 00:00:02', 'not_started 00:00:01',
    'running 00:00:05', 'running 00:00:04', 'running 00:00:03', 'running 00:00:02', 'running 00:00:01',
    'ended ']);
  assert.equal(planCalls, 3, 'the core is asked once per phase');
});
