// 数据统计 (seed 003; docs/console.md "Stats and exports"): over a date range (at most a year,
// E_RANGE at from), optionally one program: sales (paid, refunded), paid orders, visitors
// (distinct people who opened a share link: the visits table), conversion (visitors who paid an
// order in the range, in basis points of the visitors), commission by state, the distributors'
// ranking, per program, and a daily or monthly series (China time). Periods are grouped in SQL
// by China day with the offset from web/payouts.js (CST_MS, passed as a parameter: the one place
// the server has it), months folded from the days. Every amount has the engine's money text.
// The fields the editor's 数据看板 reads (sales, commissions, top_distributors, daily) stay.
'use strict';
const ledger = require('../ledger');
const { rangeOf } = require('./merchant-exports');
const { CST_MS, DAY_MS, cstPeriod, cstNextMonth } = require('../payouts');

module.exports = async function merchantStats(app, { ctx }) {
  const { engine, clock, db } = ctx;
  const MS = { type: 'string', pattern: '^[0-9]{1,15}$' };
  const schema = {
    querystring: {
      type: 'object',
      properties: { from: MS, to: MS, program_id: { type: 'string', pattern: '^[0-9]{1,16}$' }, granularity: { type: 'string', enum: ['day', 'month'] } },
      additionalProperties: false,
    },
  };

  app.get('/api/merchant/stats', { schema }, async (req) => {
    const m = req.merchant.merchant_id;
    const { from, to } = rangeOf(req.query, clock());
    const gran = req.query.granularity || 'day';
    const pid = req.query.program_id == null ? null : Number(req.query.program_id);
    const q = db.query;
    const P = [m, from, to, pid];
    const [sales] = await q(`SELECT COUNT(*)::int AS orders, COALESCE(SUM(paid_fen), 0) AS paid_fen, COALESCE(SUM(refunded_fen), 0) AS refunded_fen
        FROM orders WHERE merchant_id = $1 AND paid_ms >= $2 AND paid_ms < $3 AND ($4::bigint IS NULL OR program_id = $4)`, P);
    const [vis] = await q(`SELECT COUNT(DISTINCT visitor_id)::int AS visitors,
        COUNT(DISTINCT visitor_id) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.merchant_id = v.merchant_id AND o.buyer_id = v.visitor_id
          AND o.program_id = v.program_id AND o.paid_ms >= v.created_ms AND o.paid_ms < $3))::int AS converted
        FROM visits v WHERE v.merchant_id = $1 AND v.created_ms >= $2 AND v.created_ms < $3 AND ($4::bigint IS NULL OR v.program_id = $4)`, P);
    const byState = await q(`SELECT l.state, COALESCE(SUM(l.amount - l.clawed), 0) AS fen FROM commission_lines l
        JOIN orders o ON o.merchant_id = l.merchant_id AND o.order_id = l.order_id
        WHERE l.merchant_id = $1 AND l.reward = 'cash' AND l.created_ms >= $2 AND l.created_ms < $3 AND ($4::bigint IS NULL OR o.program_id = $4)
        GROUP BY l.state`, P);
    const ranking = await q(`SELECT x.beneficiary_id, u.nickname, COUNT(*)::int AS orders, COALESCE(SUM(x.paid_fen), 0) AS sales_fen,
        COALESCE(SUM(x.cash), 0) AS commission_fen FROM (
          SELECT l.beneficiary_id, l.order_id, MAX(o.paid_fen) AS paid_fen, SUM(l.amount - l.clawed) FILTER (WHERE l.reward = 'cash') AS cash
          FROM commission_lines l JOIN orders o ON o.merchant_id = l.merchant_id AND o.order_id = l.order_id
          WHERE l.merchant_id = $1 AND l.created_ms >= $2 AND l.created_ms < $3 AND ($4::bigint IS NULL OR o.program_id = $4)
          GROUP BY l.beneficiary_id, l.order_id) x
        LEFT JOIN users u ON u.merchant_id = $1 AND u.user_id = x.beneficiary_id
        GROUP BY x.beneficiary_id, u.nickname ORDER BY commission_fen DESC, orders DESC, x.beneficiary_id LIMIT 20`, P);
    const perProgram = await q(`SELECT o.program_id, p.kind, p.config ->> 'title' AS title, COUNT(*)::int AS orders, COALESCE(SUM(o.paid_fen), 0) AS sales_fen,
        COALESCE(SUM((SELECT SUM(l.amount - l.clawed) FROM commission_lines l WHERE l.merchant_id = o.merchant_id AND l.order_id = o.order_id
          AND l.reward = 'cash')), 0) AS commission_fen
        FROM orders o JOIN programs p ON p.merchant_id = o.merchant_id AND p.program_id = o.program_id
        WHERE o.merchant_id = $1 AND o.paid_ms >= $2 AND o.paid_ms < $3 AND ($4::bigint IS NULL OR o.program_id = $4)
        GROUP BY o.program_id, p.kind, p.config ->> 'title' ORDER BY sales_fen DESC, o.program_id`, P);
    // Per China day: (ms + offset) / day; the offset is a parameter ($5).
    const days = await q(`SELECT (paid_ms + $5) / ${DAY_MS} AS day, COUNT(*)::int AS orders, COALESCE(SUM(paid_fen), 0) AS paid_fen
        FROM orders WHERE merchant_id = $1 AND paid_ms >= $2 AND paid_ms < $3 AND ($4::bigint IS NULL OR program_id = $4) GROUP BY 1`, [...P, CST_MS]);
    const vdays = await q(`SELECT (created_ms + $5) / ${DAY_MS} AS day, COUNT(DISTINCT visitor_id)::int AS visitors
        FROM visits WHERE merchant_id = $1 AND created_ms >= $2 AND created_ms < $3 AND ($4::bigint IS NULL OR program_id = $4) GROUP BY 1`, [...P, CST_MS]);

    // Every period of the range, empty ones too: days from the China day of `from`, or months.
    const series = [];
    const index = new Map();
    const periodOf = (dayStart) => cstPeriod(dayStart, gran);
    for (let start = Math.floor((from + CST_MS) / DAY_MS) * DAY_MS - CST_MS; start < to;) {
      const label = periodOf(start);
      if (!index.has(label)) {
        index.set(label, series.length);
        series.push({ period: label, period_text: label, start_ms: start, sales_fen: 0, orders: 0, visitors: 0 });
      }
      start = gran === 'month' ? cstNextMonth(start) : start + DAY_MS;
    }
    const at = (day) => series[index.get(periodOf(Number(day) * DAY_MS - CST_MS))];
    for (const d of days) { const s = at(d.day); if (s) { s.orders += d.orders; s.sales_fen += Number(d.paid_fen); } }
    // Monthly visitors are the sum of daily distinct visitors (a person on two days counts twice).
    for (const d of vdays) { const s = at(d.day); if (s) s.visitors += d.visitors; }

    const commission = { pending_fen: 0, frozen_fen: 0, available_fen: 0, reversed_fen: 0 };
    for (const s of byState) commission[`${s.state}_fen`] = Number(s.fen);
    const visitors = vis.visitors;
    const totals = { sales_fen: Number(sales.paid_fen), refunded_fen: Number(sales.refunded_fen), orders: sales.orders, visitors,
      converted: vis.converted, conversion_bp: visitors ? Math.floor((vis.converted * 10000) / visitors) : 0 };
    ledger.withMoneyTexts(engine, [totals], ['sales_fen', 'refunded_fen']);
    totals.commission = ledger.withMoneyTexts(engine, [commission], Object.keys(commission))[0];
    const distributors = ledger.withMoneyTexts(engine, ranking.map((r) => ({ user_id: Number(r.beneficiary_id), name: r.nickname || '', orders: r.orders,
      sales_fen: Number(r.sales_fen), commission_fen: Number(r.commission_fen) })), ['sales_fen', 'commission_fen']);
    const programsOut = ledger.withMoneyTexts(engine, perProgram.map((r) => ({ program_id: Number(r.program_id), kind: r.kind, title: r.title || null,
      orders: r.orders, sales_fen: Number(r.sales_fen), commission_fen: Number(r.commission_fen) })), ['sales_fen', 'commission_fen']);
    ledger.withMoneyTexts(engine, series, ['sales_fen']);

    // The editor's 数据看板 (web/public/editor-stats.js) reads these: the same figures, its names.
    const legacy = {
      sales: { orders: totals.orders, paid_fen: totals.sales_fen, refunded_fen: totals.refunded_fen, paid_text: totals.sales_text, refunded_text: totals.refunded_text },
      commissions: Object.fromEntries(byState.map((r) => [r.state, Number(r.fen)])),
      top_distributors: distributors.slice(0, 10).map((d) => ({ beneficiary_id: d.user_id, name: d.name, cash_fen: d.commission_fen, cash_text: d.commission_text, orders: d.orders })),
      daily: gran === 'day' ? series.slice().reverse().slice(0, 30).map((s) => ({ day_cst: Math.floor((s.start_ms + CST_MS) / DAY_MS), day_text: s.period_text,
        orders: s.orders, paid_fen: s.sales_fen, paid_text: s.sales_text })) : [],
    };
    return { ok: true, from, to, granularity: gran, totals, series, distributors, programs: programsOut, ...legacy };
  });
};
