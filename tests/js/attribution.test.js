// Attribution and grades through the WASM module and the facade: every reason code the core can
// give has a natural zh-CN sentence, dates are China time, failures throw coded errors and return
// no state. The golden vectors (tests/vectors/attribution.json, grades.json) run in vectors.test.js.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { engine, dist, EngineError } = require('./engine-loader');
const { explainZh, gradeZh, formatCst, messageZh } = require(path.join(dist, 'engine.js'));

const H = 3600000;
const D = 24 * H;
// China time -> Unix ms, without the machine's time zone.
const cst = (y, mo, d, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h - 8, mi);
const T0 = cst(2024, 11, 3, 10, 0);

const GRADED = {
  kind: 'distribution', depth: 3, rates_bp: [1000, 500, 300],
  grades: [{ id: 'std', name: '普通' }, { id: 'gold', name: '金牌', thresholds: { bound_customers: 10 } }],
};
const TREE = { distributors: [{ id: 1 }, { id: 2, inviter_id: 1 }, { id: 3, inviter_id: 2 }, { id: 4 }] };
const ev = {
  visit: (c, s, t) => ({ type: 'visit', customer_id: c, sharer_id: s, at_ms: t }),
  order: (c, t) => ({ type: 'order', customer_id: c, at_ms: t }),
  register: (c, t) => ({ type: 'register', customer_id: c, at_ms: t }),
};

// Logs that between them reach every reason code.
function scripts() {
  let t = T0;
  const next = (dt = H) => (t += dt);
  const main = [
    ev.visit(3, 3, next()), ev.visit(100, 3, next()), ev.visit(100, 3, next(D)), ev.visit(100, 2, next()),
    ev.register(100, next()), ev.register(100, next()), ev.order(100, next()), ev.order(101, next()),
    { type: 'rebind', customer_id: 101, distributor_id: 4, at_ms: next() },
    { type: 'rebind', customer_id: 4, distributor_id: 4, at_ms: next() },
    { type: 'unbind', customer_id: 101, at_ms: next() }, { type: 'unbind', customer_id: 101, at_ms: next() },
    ev.register(102, next()),
    { type: 'set_inviter', distributor_id: 102, inviter_id: 102, at_ms: next() },
    { type: 'set_inviter', distributor_id: 1, inviter_id: 100, at_ms: next() },
    { type: 'set_inviter', distributor_id: 102, inviter_id: 4, at_ms: next() },
    { type: 'set_inviter', distributor_id: 102, inviter_id: 1, at_ms: next() },
    { type: 'set_grade', distributor_id: 1, grade: 'gold', manual: false, at_ms: next() },
    { type: 'set_grade', distributor_id: 1, grade: 'std', manual: false, at_ms: next() },
    { type: 'set_grade', distributor_id: 2, grade: 'std', at_ms: next() },
    { type: 'set_grade', distributor_id: 2, grade: 'gold', manual: false, at_ms: next() },
    { type: 'switch_auto_unbind', to: 'on_expiry', at_ms: next() },
    { type: 'switch_auto_unbind', to: 'never', at_ms: next() },
    { type: 'switch_mode', to: 'relation_first', at_ms: next() },
    { type: 'switch_mode', to: 'sharer_first', at_ms: next() },
    { type: 'switch_mode', to: 'relation_first', at_ms: next() },
    { type: 'tick', at_ms: next(2 * D) },
    { type: 'rebind', customer_id: 103, distributor_id: 1, at_ms: next() },
    ev.visit(103, 1, next()), ev.visit(103, 1, next()), ev.visit(103, 2, next()), ev.order(103, next()),
    ev.register(103, next()),
  ];
  const base = { mode: 'relation_first', auto_unbind: 'on_expiry', binding_days: 30 };
  const camp = { kind: 'campaign', start_ms: T0 - D, end_ms: T0 + 30 * D, commission_per_unit_fen: 500,
    buy_before_distributing: true, product: { price_fen: 9900, stock: 10 } };
  return [
    { settings: { program: GRADED, ...base }, state: TREE, events: main },
    { settings: { program: GRADED, bind_on: 'order' }, state: TREE, events: [ev.visit(100, 3, T0), ev.order(100, T0 + H)] },
    { settings: { program: { ...GRADED, self_purchase: 'self_as_level1' } }, state: TREE,
      events: [ev.visit(3, 4, T0), ev.order(3, T0 + H)] },
    { settings: { program: camp }, state: null,
      events: [ev.visit(200, 100, T0), ev.order(200, T0 + H), ev.visit(300, 200, T0 + 2 * H), ev.order(300, T0 + 3 * H)] },
  ];
}

// Every reason the core can give, as the engine lists them (attributionReasons).
const coreReasons = (e) => e.attributionReasons().reasons.slice().sort();

test('every reason code the core can give is reached and reads as one zh-CN sentence', async () => {
  const e = await engine();
  const seen = new Map();
  for (const s of scripts()) {
    const r = e.replayEvents(s.settings, s.state, s.events);
    for (const d of r.decisions) seen.set(d.reason, d);
  }
  assert.deepEqual([...seen.keys()].sort(), coreReasons(e));
  for (const [reason, d] of seen) {
    const text = explainZh(d, { names: { 1: 'A', 2: 'B', 3: 'C' }, role: '推广员', gradeNames: { std: '普通', gold: '金牌' } });
    assert.notEqual(text, reason, `${reason} has no sentence`);
    assert.match(text, /。$/, `${reason}: ${text}`);
    assert.doesNotMatch(text, /undefined|NaN|null|\[object|Infinity/, `${reason}: ${text}`);
  }
});

test('the sentences say who, since when and until when', async () => {
  const e = await engine();
  const r = e.attributionStep({ program: GRADED, auto_unbind: 'on_expiry', binding_days: 30 }, TREE, ev.visit(100, 3, T0));
  assert.equal(explainZh(r.decision, { viewer: 100, names: { 3: 'A' }, role: '推广员' }),
    '您于 11月3日 绑定了推广员 A，有效期至 12月3日。');
  assert.equal(explainZh(r.decision, { viewer: 3, names: { 100: '李四' } }), '李四于 11月3日 绑定了您，有效期至 12月3日。');

  const late = e.replayEvents({ program: GRADED, mode: 'sharer_first' }, TREE,
    [ev.visit(100, 3, T0), ev.order(100, T0 + 24 * H)]);
  assert.equal(explainZh(late.decisions[1], { viewer: 3, names: { 100: '李四' } }),
    '这笔订单没有归属任何分销员：您的分享已于 11月4日 10:00 过期。');

  const sw = e.attributionStep({ program: GRADED }, TREE, { type: 'switch_mode', to: 'sharer_first', at_ms: cst(2024, 11, 5, 23, 59) });
  assert.match(explainZh(sw.decision), /于 11月6日 05:00 生效，生效前仍按原方式计算；生效后所有已绑定的关系将失效；下次最早可于 11月8日 23:59 后修改。$/);
});

test('dates are China time whatever the machine zone says', () => {
  assert.equal(formatCst(cst(2024, 11, 5, 23, 59), true), '11月5日 23:59');
  assert.equal(formatCst(cst(2024, 11, 6, 0, 30), true), '11月6日 00:30'); // still 11-05 in UTC
  assert.equal(formatCst(cst(2024, 12, 31, 23, 0)), '12月31日');
});

test('previewModeSwitch answers when a switch would take effect and when the next may come', async () => {
  const e = await engine();
  const now = cst(2024, 11, 6, 0, 0);
  const p = e.previewModeSwitch({ program: GRADED }, null, now);
  assert.equal(p.allowed, true);
  assert.equal(p.effective_ms, cst(2024, 11, 7, 5, 0));
  assert.equal(p.next_allowed_ms, now + 72 * H + 1);
  const soon = e.previewModeSwitch({ program: GRADED }, { last_switch_ms: now }, now + 72 * H);
  assert.equal(soon.allowed, false);
  assert.equal(soon.allowed_from_ms, now + 72 * H + 1);
  assert.match(explainZh(soon.decision), /请在 11月9日 00:00 之后再试。$/);
});

test('attributeOrder hands the commission engine its input, and its preview', async () => {
  const e = await engine();
  const state = { ...TREE, customers: [{ id: 100, binding: { distributor_id: 3, since_ms: T0 } }] };
  const r = e.attributeOrder({ program: GRADED }, state, { customer_id: 100, at_ms: T0 + D },
    { order_id: 'o9', items: [{ paid_fen: 9900 }] });
  assert.deepEqual(r.order.distributors.map((d) => d.id), [3, 2, 1]);
  const direct = e.previewOrder(GRADED, r.order);
  assert.deepEqual(r.commission.totals, direct.totals);
  assert.equal(r.commission.totals.cash_fen, 1782);
});

test('bad input throws a coded error and gives no state back', async () => {
  const e = await engine();
  const raw = e.call('replayEvents', { settings: { program: GRADED }, state: TREE,
    events: [ev.visit(100, 3, T0), ev.visit(100, 2, T0 - 1)] });
  assert.equal(raw.ok, false);
  assert.equal(raw.state, undefined);
  assert.deepEqual(raw.errors.map((x) => [x.code, x.path]), [['E_EVENT_ORDER', 'events[1].at_ms']]);
  assert.throws(() => e.attributionStep({ program: GRADED, share_window_hours: -1 }, null, ev.visit(1, 2, T0)),
    (err) => err instanceof EngineError && err.code === 'E_NEGATIVE_WINDOW' && err.path === 'settings.share_window_hours');
  for (const code of ['E_TIME_RANGE', 'E_EVENT_ORDER', 'E_EVENT_TYPE', 'E_NEGATIVE_WINDOW', 'E_SELF_BIND',
    'E_ATTRIBUTED_FIELD', 'E_UNKNOWN_DISTRIBUTOR', 'E_GRADE_COUNT', 'E_GRADE_THRESHOLD']) {
    assert.notEqual(messageZh({ code, message: 'english' }), 'english', code);
  }
});

test('grades: progress in words, nothing with a single grade', async () => {
  const e = await engine();
  const program = { kind: 'distribution', rates_bp: [1000], grades: [
    { id: 'g1', name: '普通' },
    { id: 'g2', name: '银牌', thresholds: { bound_customers: 10, paid_fen: 100000 } }] };
  const s = e.gradeStatus(program, null, { bound_customers: 3, paid_fen: 20050 });
  assert.equal(s.next.thresholds[1].missing, 79950);
  assert.equal(gradeZh(s), '当前等级：「普通」。距离「银牌」还差绑定客户 7 人，或实收金额 ¥799.50。');
  const up = e.gradeStatus(program, 'g1', { bound_customers: 10 });
  assert.equal(gradeZh(up), '已升级为「银牌」。已是最高等级。');
  const one = e.gradeStatus({ ...program, grades: [{ id: 'only' }] }, null, { bound_customers: 99 });
  assert.equal(one.show_grades, false);
  assert.equal(gradeZh(one), '');
});
