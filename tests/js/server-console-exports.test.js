// Stats and exports (docs/console.md "Stats and exports", issue 13): the stats over a range by
// China day and month, and the four exports as CSV (UTF-8 with BOM, parsed, formula-safe) and
// .xlsx (opened with exceljs): Chinese headers and states, amounts in yuan as the engine writes
// them, China-time dates; a range of ten years refused at `from`. On PGlite and, with
// PG_TEST_URL, on PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const ExcelJS = require('exceljs');
const { harness, campaignConfig } = require('./server-harness');
const { parse } = require('./csv-parse');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const DAY = 86400000;
const codeOf = (r) => r.body.errors && r.body.errors[0].code;
const pathOf = (r) => r.body.errors && r.body.errors[0].path;

async function get(h, url) {
  const r = await h.app.inject({ method: 'GET', url, headers: { 'x-api-key': h.apiKey } });
  return { status: r.statusCode, headers: r.headers, buf: r.rawPayload, json: () => r.json() };
}
const csvOf = (r) => {
  assert.deepEqual([...r.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM');
  return parse(r.buf.toString('utf8').slice(1));
};
async function xlsxOf(r) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.buf);
  const ws = wb.worksheets[0];
  const rows = [];
  ws.eachRow((row) => rows.push(row.values.slice(1)));
  return rows;
}

// A campaign (commission 990 a unit, price 9900) with two paid orders through sharer 1: buyer 2
// on day 0 (24 Nov 2026, 12:00 China time), buyer 3 the next day at 23:30 China time.
async function shop(h) {
  await h.merchant('POST', '/api/merchant/topup', { amount_fen: 1000000, idem_key: 't' });
  const c = await h.merchant('POST', '/api/merchant/programs', { config: campaignConfig(h.clock.now, { title: '双十一' }) });
  await h.merchant('POST', `/api/merchant/programs/${c.body.program_id}/publish`);
  const id = c.body.program_id;
  await h.db.query(`INSERT INTO users (merchant_id, user_id, nickname, created_ms) VALUES ($1, 1, '=cmd|calc', 0), ($1, 2, '王五', 0)`, [h.merchantId]);
  const orders = [];
  for (const [buyer, at] of [[2, h.clock.now], [3, h.clock.now + DAY + 11.5 * 3600000]]) {
    h.clock.now = at;
    await h.visit(id, buyer, 1);
    const b = await h.login(buyer);
    const o = await b('POST', '/api/orders', { program_id: id, units: 1, idem_key: `o${buyer}` });
    assert.equal(o.status, 200, JSON.stringify(o.body));
    assert.equal((await b('POST', `/api/orders/${o.body.order.order_id}/pay`, {})).status, 200);
    orders.push(o.body.order.order_id);
  }
  return { id, orders };
}

for (const kind of DB) {
  test(`${kind}: stats by China day and month: sales, orders, visitors, conversion, commission, ranking, programs`, async () => {
    const h = await harness(kind);
    const start = h.clock.now;
    const { id } = await shop(h);
    const from = start - 2 * DAY;
    const to = start + 3 * DAY;
    const r = await h.merchant('GET', `/api/merchant/stats?from=${from}&to=${to}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const s = r.body;
    assert.deepEqual([s.totals.orders, s.totals.sales_fen, s.totals.sales_text, s.totals.visitors, s.totals.conversion_bp], [2, 19800, '¥198.00', 2, 10000]);
    assert.deepEqual([s.totals.commission.pending_fen + s.totals.commission.frozen_fen + s.totals.commission.available_fen, typeof s.totals.commission.pending_text], [1980, 'string']);
    assert.deepEqual(s.series.map((x) => x.period), ['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27']);
    assert.deepEqual(s.series.filter((x) => x.orders).map((x) => [x.period, x.orders, x.sales_text, x.visitors]),
      [['2026-11-24', 1, '¥99.00', 1], ['2026-11-25', 1, '¥99.00', 1]], 'the 23:30 China-time order is on its China day');
    assert.deepEqual(s.distributors.map((d) => [d.user_id, d.name, d.orders, d.commission_text]), [[1, '=cmd|calc', 2, '¥19.80']]);
    assert.deepEqual(s.programs.map((p) => [p.program_id, p.title, p.orders, p.sales_text]), [[id, '双十一', 2, '¥198.00']]);
    // The editor's 数据看板 fields.
    assert.deepEqual([s.sales.orders, s.sales.paid_fen, s.top_distributors[0].beneficiary_id, s.daily[0].day_text], [2, 19800, 1, '2026-11-27']);
    const month = (await h.merchant('GET', `/api/merchant/stats?from=${start - 40 * DAY}&to=${to}&granularity=month`)).body;
    assert.deepEqual(month.series.map((x) => [x.period, x.orders]), [['2026-10', 0], ['2026-11', 2]]);
    const one = (await h.merchant('GET', `/api/merchant/stats?from=${from}&to=${to}&program_id=999`)).body;
    assert.equal(one.totals.orders, 0);
    const long = await h.merchant('GET', `/api/merchant/stats?from=${start - 3650 * DAY}&to=${start}`);
    assert.deepEqual([long.status, codeOf(long), pathOf(long)], [400, 'E_RANGE', 'from']);
    await h.close();
  });

  test(`${kind}: exports as CSV and xlsx: Chinese headers and states, yuan, China time, formula-safe; ten years refused`, async () => {
    const h = await harness(kind);
    const start = h.clock.now;
    const { orders } = await shop(h);
    await h.merchant('POST', `/api/merchant/orders/${orders[0]}/refund`, { amount_fen: 4950, idem_key: 'r' });
    await h.db.query(`INSERT INTO distributors (merchant_id, program_id, user_id, status, created_ms) SELECT $1, program_id, 1, 'approved', $2
                      FROM programs WHERE merchant_id = $1`, [h.merchantId, start]);
    const range = `from=${start - DAY}&to=${start + 3 * DAY}`;

    const o = csvOf(await get(h, `/api/merchant/exports/orders.csv?${range}`));
    assert.deepEqual(o[0], ['订单号', '活动', '买家ID', '买家', '状态', '件数', '实付（元）', '已退款（元）', '下单时间', '付款时间', '完成时间']);
    assert.deepEqual(o.slice(1).map((r) => [r[3], r[4], r[6], r[7], r[9]]), [
      ['王五', '已付款（部分退款）', '99.00', '49.50', '2026-11-24 12:00:00'],
      ['', '已付款', '99.00', '0.00', '2026-11-25 23:30:00'],
    ]);
    const l = csvOf(await get(h, `/api/merchant/exports/commissions.csv?${range}`));
    assert.deepEqual(l[0].slice(0, 11), ['佣金ID', '订单号', '活动', '受益人ID', '受益人', '角色', '层级', '奖励', '佣金（元）', '已扣回（元）', '状态']);
    assert.deepEqual(l.slice(1).map((r) => [r[4], r[5], r[8], /^[0-9]+\.[0-9]{2}$/.test(r[9])]), [["'=cmd|calc", '分享人', '9.90', true], ["'=cmd|calc", '分享人', '9.90', true]],
      'a cell starting with = is not a formula');
    const alias = csvOf(await get(h, `/api/merchant/export.csv?${range}`));
    assert.deepEqual(alias, l, 'export.csv is commissions.csv');
    const d = csvOf(await get(h, `/api/merchant/exports/distributors.csv?${range}`));
    assert.deepEqual(d.slice(1).map((r) => [r[1], r[2], r[3], r[6]]), [['1', "'=cmd|calc", '已通过', '2026-11-24 12:00:00']]);
    const w = csvOf(await get(h, `/api/merchant/exports/withdrawals.csv?${range}`));
    assert.deepEqual([w.length, w[0][0]], [1, '提现单号']);

    const x = await xlsxOf(await get(h, `/api/merchant/exports/orders.xlsx?${range}`));
    assert.deepEqual(x[0].slice(0, 5), ['订单号', '活动', '买家ID', '买家', '状态']);
    assert.deepEqual([x.length, x[1][3], x[1][6], x[1][9]], [3, '王五', '99.00', '2026-11-24 12:00:00']);
    const xl = await xlsxOf(await get(h, `/api/merchant/exports/commissions.xlsx?${range}`));
    assert.deepEqual([xl.length, xl[1][8]], [3, '9.90']);
    assert.ok(['待结算', '冻结中', '可提现'].includes(xl[1][10]));

    // Out of range: nothing before `from`; ten years refused at from.
    assert.equal(csvOf(await get(h, `/api/merchant/exports/orders.csv?from=${start + 2 * DAY}&to=${start + 3 * DAY}`)).length, 1);
    const ten = await get(h, `/api/merchant/exports/orders.xlsx?from=${start - 3650 * DAY}&to=${start}`);
    assert.deepEqual([ten.status, ten.json().errors[0].code, ten.json().errors[0].path], [400, 'E_RANGE', 'from']);
    // Withdrawals are money: an operator may export orders, not withdrawals.
    const op = await h.staff('operator');
    assert.equal((await op('GET', `/api/merchant/exports/orders.csv?${range}`)).status, 200);
    assert.equal((await op('GET', `/api/merchant/exports/withdrawals.csv?${range}`)).status, 403);
    await h.close();
  });

  test(`${kind}: an export of more rows than a batch streams them all, in order`, async () => {
    const h = await harness(kind);
    const start = h.clock.now;
    await h.db.query(`INSERT INTO users (merchant_id, user_id, nickname, created_ms) SELECT $1, g, 'u' || g, $2 FROM generate_series(1, 2500) g`,
      [h.merchantId, start]);
    const c = await h.merchant('POST', '/api/merchant/programs', { program_id: 5, config: { kind: 'distribution', depth: 1, rates_bp: [1000] } });
    assert.equal(c.status, 200);
    await h.db.query(`INSERT INTO distributors (merchant_id, program_id, user_id, status, created_ms) SELECT $1, 5, g, 'pending', $2::bigint + g FROM generate_series(1, 2500) g`,
      [h.merchantId, start]);
    const rows = csvOf(await get(h, `/api/merchant/exports/distributors.csv?from=${start - DAY}&to=${start + DAY}`));
    assert.equal(rows.length, 2501);
    assert.deepEqual([rows[1][1], rows[2500][1], rows[2500][3]], ['1', '2500', '待审核']);
    const x = await xlsxOf(await get(h, `/api/merchant/exports/distributors.xlsx?from=${start - DAY}&to=${start + DAY}`));
    assert.equal(x.length, 2501);
    await h.close();
  });
}
