// Exports (docs/console.md "Stats and exports"): orders, commission lines, withdrawals and
// distributors of a date range (at most a year), as CSV (UTF-8 with BOM, formula-safe) or .xlsx
// (exceljs's streaming WorkbookWriter). Rows come from the database in batches of a keyset query
// (on PGlite and PostgreSQL alike), each batch written out before the next is read, so a million
// rows never sit in memory. Amounts are the engine's money text without "¥", dates China time,
// headers and states in Chinese. GET /api/merchant/export.csv stays, as commissions.csv.
'use strict';
const { PassThrough } = require('stream');
const ExcelJS = require('exceljs');
const { stringify } = require('csv-stringify');
const { cstDateTime } = require('../payouts');
const { bad } = require('../errors');

const BATCH = 1000;
const YEAR_MS = 366 * 86400000;

// The engine's money texts of a batch of amounts, without the "¥" (a negative one keeps its "-").
function yuanTexts(engine, amounts) {
  if (!amounts.length) return [];
  const r = engine.call('formatMoney', { amounts_fen: amounts.map((a) => Math.abs(Number(a))) });
  if (!r.ok) throw new Error(`formatMoney: ${JSON.stringify(r.errors)}`);
  return r.texts.map((t, i) => (Number(amounts[i]) < 0 ? '-' : '') + t.replace(/^¥/, ''));
}

// A cell a spreadsheet would run as a formula gets a leading "'" (a plain number stays a number).
function safe(v) {
  if (v == null) return '';
  const s = String(v);
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(s)) return s;
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

// `from`/`to` (ms) of an export or the stats: at most a year (E_RANGE at from); by default the
// 30 days before now.
function rangeOf(query, now) {
  const to = query.to != null ? Number(query.to) : now;
  const from = query.from != null ? Number(query.from) : to - 30 * 86400000;
  if (!(from < to)) throw bad('E_RANGE', 'from', 'from must be before to');
  if (to - from > YEAR_MS) throw bad('E_RANGE', 'from', 'a range is at most one year');
  return { from, to };
}

// Batches of a keyset query: `next(last)` gives [sql, params] for the rows after `last` (null:
// the first batch); the batch's rows are turned into table rows by `rowsOf` (async, may call the
// engine once per batch).
async function* keyset(db, next, rowsOf) {
  let last = null;
  for (;;) {
    const [sql, params] = next(last);
    const rows = await db.query(sql, params);
    if (rows.length) yield await rowsOf(rows);
    if (rows.length < BATCH) return;
    last = rows[rows.length - 1];
  }
}

// Streams a table (headers, then the batches) as CSV or .xlsx.
function sendTable(reply, format, name, headers, batches) {
  const out = new PassThrough();
  const file = `${name}.${format}`;
  reply.header('content-disposition', `attachment; filename="${file}"`);
  if (format === 'csv') {
    reply.header('content-type', 'text/csv; charset=utf-8');
    const csv = stringify({ quoted_string: true, record_delimiter: '\r\n' });
    out.write('\ufeff');
    csv.pipe(out);
    (async () => {
      try {
        csv.write(headers);
        for await (const rows of batches) {
          for (const r of rows) {
            if (!csv.write(r.map(safe))) await new Promise((ok) => csv.once('drain', ok));
          }
        }
        csv.end();
      } catch (e) {
        out.destroy(e);
      }
    })();
  } else {
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const ws = wb.addWorksheet(name);
    (async () => {
      try {
        ws.addRow(headers).commit();
        for await (const rows of batches) for (const r of rows) ws.addRow(r.map((v) => (v == null ? '' : v))).commit();
        ws.commit();
        await wb.commit();
      } catch (e) {
        out.destroy(e);
      }
    })();
  }
  return reply.send(out);
}

const ORDER_STATUS = { created: '待付款', paid: '已付款', completed: '已完成', closed: '已关闭' };
const LINE_STATE = { pending: '待结算', frozen: '冻结中', available: '可提现', reversed: '已退回' };
const ROLE = { distributor: '分销员', sharer: '分享人', inviter: '邀请人' };
const W_STATUS = { requested: '待审核', approved: '待打款', paid: '已打款', rejected: '已驳回' };
const METHOD = { red_packet: '微信红包', wechat_transfer: '微信零钱', bank: '银行卡', alipay: '支付宝', shop_balance: '商城余额' };
const D_STATUS = { pending: '待审核', approved: '已通过', rejected: '已驳回', frozen: '已冻结', revoked: '已撤销' };
const REWARD = { cash: '现金', points: '积分', coupon: '优惠券' };

function exportsOf(engine) {
  const money = (rows, fields) => {
    const texts = yuanTexts(engine, rows.flatMap((r) => fields.map((f) => Number(r[f] || 0))));
    return rows.map((_, i) => texts.slice(i * fields.length, (i + 1) * fields.length));
  };
  return {
    orders: {
      headers: ['订单号', '活动', '买家ID', '买家', '状态', '件数', '实付（元）', '已退款（元）', '下单时间', '付款时间', '完成时间'],
      next: (m, { from, to }, last) => [`SELECT o.order_id, o.program_id, o.buyer_id, u.nickname, o.status, o.shipped_ms, o.units, o.paid_fen,
          o.refunded_fen, o.created_ms, o.paid_ms, o.completed_ms
        FROM orders o LEFT JOIN users u ON u.merchant_id = o.merchant_id AND u.user_id = o.buyer_id
        WHERE o.merchant_id = $1 AND o.created_ms >= $2 AND o.created_ms < $3 AND ($4::bigint IS NULL OR o.order_id > $4)
        ORDER BY o.order_id LIMIT ${BATCH}`, [m, from, to, last ? last.order_id : null]],
      rows: (rows) => {
        const yuan = money(rows, ['paid_fen', 'refunded_fen']);
        return rows.map((r, i) => [Number(r.order_id), Number(r.program_id), Number(r.buyer_id), r.nickname || '',
          (r.status === 'paid' && r.shipped_ms != null ? '已发货' : ORDER_STATUS[r.status] || r.status)
            + (Number(r.refunded_fen) > 0 ? (Number(r.refunded_fen) >= Number(r.paid_fen) ? '（已全额退款）' : '（部分退款）') : ''),
          Number(r.units), yuan[i][0], yuan[i][1], cstDateTime(r.created_ms), cstDateTime(r.paid_ms), cstDateTime(r.completed_ms)]);
      },
    },
    commissions: {
      headers: ['佣金ID', '订单号', '活动', '受益人ID', '受益人', '角色', '层级', '奖励', '佣金（元）', '已扣回（元）', '状态', '订单实付（元）', '下单时间', '规则版本'],
      next: (m, { from, to }, last) => [`SELECT l.line_id, l.order_id, o.program_id, l.beneficiary_id, u.nickname, l.role, l.level, l.reward,
          l.amount, l.clawed, l.state, l.rules_version, o.paid_fen, o.created_ms
        FROM commission_lines l JOIN orders o ON o.merchant_id = l.merchant_id AND o.order_id = l.order_id
        LEFT JOIN users u ON u.merchant_id = l.merchant_id AND u.user_id = l.beneficiary_id
        WHERE l.merchant_id = $1 AND l.created_ms >= $2 AND l.created_ms < $3 AND ($4::bigint IS NULL OR l.line_id > $4)
        ORDER BY l.line_id LIMIT ${BATCH}`, [m, from, to, last ? last.line_id : null]],
      rows: (rows) => {
        const yuan = money(rows, ['amount', 'clawed', 'paid_fen']);
        return rows.map((r, i) => [Number(r.line_id), Number(r.order_id), Number(r.program_id), Number(r.beneficiary_id), r.nickname || '',
          ROLE[r.role] || r.role, Number(r.level), REWARD[r.reward] || r.reward,
          r.reward === 'cash' ? yuan[i][0] : String(r.amount), r.reward === 'cash' ? yuan[i][1] : String(r.clawed),
          LINE_STATE[r.state] || r.state, yuan[i][2], cstDateTime(r.created_ms), r.rules_version || '']);
      },
    },
    withdrawals: {
      headers: ['提现单号', '用户ID', '用户', '方式', '金额（元）', '手续费（元）', '到账（元）', '状态', '收款人', '开户行', '账号', '驳回原因', '打款参考号', '申请时间', '处理时间'],
      next: (m, { from, to }, last) => [`SELECT w.*, u.nickname FROM withdrawals w
        LEFT JOIN users u ON u.merchant_id = w.merchant_id AND u.user_id = w.user_id
        WHERE w.merchant_id = $1 AND w.created_ms >= $2 AND w.created_ms < $3 AND ($4::bigint IS NULL OR w.withdrawal_id > $4)
        ORDER BY w.withdrawal_id LIMIT ${BATCH}`, [m, from, to, last ? last.withdrawal_id : null]],
      rows: (rows) => {
        const yuan = money(rows, ['amount_fen', 'fee_fen', 'net_fen']);
        return rows.map((r, i) => {
          const p = r.payee || {};
          return [Number(r.withdrawal_id), Number(r.user_id), r.nickname || '', METHOD[r.method] || r.method, yuan[i][0], yuan[i][1], yuan[i][2],
            W_STATUS[r.status] || r.status, p.name || '', p.bank || '', p.card_no || p.account || '', r.reject_reason || '', r.payout_ref || '',
            cstDateTime(r.created_ms), cstDateTime(r.decided_ms)];
        });
      },
    },
    distributors: {
      headers: ['活动', '用户ID', '姓名', '状态', '等级', '邀请人ID', '申请时间', '审核时间', '驳回原因'],
      next: (m, { from, to }, last) => [`SELECT d.program_id, d.user_id, u.nickname, d.status, d.grade, d.inviter_id, d.created_ms, d.decided_ms, d.reject_reason
        FROM distributors d LEFT JOIN users u ON u.merchant_id = d.merchant_id AND u.user_id = d.user_id
        WHERE d.merchant_id = $1 AND d.created_ms >= $2 AND d.created_ms < $3
          AND ($4::bigint IS NULL OR (d.program_id, d.user_id) > ($4::bigint, $5::bigint))
        ORDER BY d.program_id, d.user_id LIMIT ${BATCH}`, [m, from, to, last ? last.program_id : null, last ? last.user_id : null]],
      rows: (rows) => rows.map((r) => [Number(r.program_id), Number(r.user_id), r.nickname || '', D_STATUS[r.status] || r.status, r.grade || '',
        r.inviter_id == null ? '' : Number(r.inviter_id), cstDateTime(r.created_ms), cstDateTime(r.decided_ms), r.reject_reason || '']),
    },
  };
}

module.exports = async function merchantExports(app, { ctx }) {
  const { engine, clock } = ctx;
  const tables = exportsOf(engine);
  const MS = { type: 'string', pattern: '^[0-9]{1,15}$' };
  const schema = { querystring: { type: 'object', properties: { from: MS, to: MS }, additionalProperties: false } };
  const send = (kind, format) => async (req, reply) => {
    const range = rangeOf(req.query, clock());
    const t = tables[kind];
    const m = req.merchant.merchant_id;
    return sendTable(reply, format, kind, t.headers, keyset(ctx.db, (last) => t.next(m, range, last), t.rows));
  };
  for (const kind of Object.keys(tables)) {
    for (const format of ['csv', 'xlsx']) app.get(`/api/merchant/exports/${kind}.${format}`, { schema }, send(kind, format));
  }
  // The export the console had first: commissions.csv under its old name, over every line when no
  // range is given (capped to a year like the others).
  app.get('/api/merchant/export.csv', { schema }, send('commissions', 'csv'));
};

Object.assign(module.exports, { sendTable, keyset, safe, yuanTexts, rangeOf, BATCH, METHOD, W_STATUS, D_STATUS, LINE_STATE, ORDER_STATUS });
